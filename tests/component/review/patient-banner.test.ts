/**
 * The patient banner in each state, the words it uses (names, dates and ages in the NHS
 * conventions), and its place on the review screens: the item never waits for PDS, and
 * every confirmation names the patient.
 */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { PatientLookup } from '../../../contract';
import PatientBanner from '../../../renderer/review/components/PatientBanner.vue';
import { ageText, bannerDate, isValidNhsNumber, nameSearchKey, patientNameText } from '../../../renderer/worklist/patient-text';
import {
  bookedReferral,
  cleanUpReviewScreens,
  click,
  confirmRows,
  fakeReviewClient,
  mountReview,
  need,
  patientLookup,
  referralScreen,
  rowsFor,
  until,
  text,
  withWorklist,
} from './fixtures';
import { withShownTime } from '../../helpers/shown-time';

cleanUpReviewScreens();

const VALID = '9990000018';
const VALID_TEXT = '999 000 0018';
const TODAY = '2026-12-01';

function banner(lookup: PatientLookup | null, nhsNumber = VALID_TEXT, itemNoun = 'referral') {
  return mount(PatientBanner, { props: { nhsNumber, lookup, itemNoun, today: TODAY } });
}

function unchecked(problem: 'not-found' | 'invalid' | 'unavailable' | 'check-digit', message: string, nhs = VALID): PatientLookup {
  return {
    status: 'unchecked',
    requestedNhsNumber: `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`,
    problem,
    message,
    correlationId: problem === 'unavailable' ? 'corr-123' : null,
  };
}

describe('how a patient is written', () => {
  it('puts the family name in capitals, then given names, then the title', () => {
    expect(patientNameText({ titles: ['Mrs'], given: ['Jane', 'Marie'], family: 'Smith' })).toBe('SMITH, Jane Marie (Mrs)');
    expect(patientNameText({ titles: ['Mr'], given: ['John Paul'], family: "O'Neill-Smyth" }, false)).toBe("O'NEILL-SMYTH, John Paul");
    expect(patientNameText({ titles: [], given: [], family: 'Zielinski' })).toBe('ZIELINSKI');
    expect(patientNameText(null)).toBeNull();
    expect(nameSearchKey({ titles: ['Mrs'], given: ['Jane'], family: 'Smith-Jones' })).toBe(' smith jones jane');
  });

  it('writes dates as 22-Oct-2010, and ages as clinical systems do', () => {
    expect(bannerDate('2010-10-22')).toBe('22-Oct-2010');
    expect(bannerDate('1950-03')).toBe('Mar-1950');
    expect(bannerDate('1950')).toBe('1950');
    expect(ageText('2026-11-16', TODAY)).toBe('15d');
    expect(ageText('2026-10-27', TODAY)).toBe('5w 0d');
    expect(ageText('2025-10-30', TODAY)).toBe('13m 1d');
    expect(ageText('2011-06-01', TODAY)).toBe('15y 6m');
    expect(ageText('1961-12-02', TODAY)).toBe('64y');
    expect(ageText('1961-12-01', TODAY)).toBe('65y');
    expect(ageText('1950-03', TODAY)).toBeNull();
    expect(ageText('2027-01-01', TODAY)).toBeNull();
  });

  it('tells a valid NHS number from one that fails its check digit', () => {
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('943 476 5918')).toBe(false);
    expect(isValidNhsNumber('94347659')).toBe(false);
  });
});

describe('the patient banner', () => {
  it('while PDS is asked: says so, as a status, with the NHS number from e-RS', () => {
    const wrapper = banner(null);
    expect(wrapper.attributes('data-state')).toBe('checking');
    expect(wrapper.get('[role="status"]').text()).toBe('Checking patient details with PDS…');
    expect(wrapper.get('[data-testid="banner-nhs"]').text()).toBe(VALID_TEXT);
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });

  it('found: name, born with age, gender, NHS number 3 3 4, contact details, and when PDS was asked', () => {
    const wrapper = banner(patientLookup(VALID));
    expect(wrapper.attributes('data-state')).toBe('found');
    expect(wrapper.get('h2').text()).toBe('PEMBERTON, Nia (Ms)');
    expect(wrapper.get('[data-testid="banner-born"]').text()).toBe('11-Feb-1958 (68y)');
    expect(wrapper.get('[data-testid="banner-gender"]').text()).toBe('Female');
    expect(wrapper.get('[data-testid="banner-nhs"]').text()).toBe(VALID_TEXT);
    expect(wrapper.get('[data-testid="banner-contact"]').text()).toContain('4 Mill Row, Riverside, ZX9 2AB');
    expect(wrapper.get('[data-testid="banner-contact"]').text()).toContain('A99002');
    expect(wrapper.get('[data-testid="banner-source"]').text()).toMatch(withShownTime(String.raw`^Checked with PDS at {time}`));
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });

  it('restricted: says so, and shows no address, telephone or GP', () => {
    const wrapper = banner(patientLookup(VALID, { restricted: true, address: null, telephone: null, gpPracticeOds: null }));
    expect(wrapper.attributes('data-state')).toBe('restricted');
    expect(wrapper.get('[data-testid="banner-restricted"]').text()).toBe(
      "Restricted record. PDS withholds this patient's address, telephone number and GP practice.",
    );
    expect(wrapper.find('[data-testid="banner-contact"]').exists()).toBe(false);
    expect(wrapper.text()).not.toMatch(/Address|Telephone|GP practice:/);
  });

  it('deceased: the death and its date come before anything else, as an alert; the age is at death', () => {
    const wrapper = banner(patientLookup(VALID, { deceased: { date: '2026-10-03' } }));
    expect(wrapper.attributes('data-state')).toBe('deceased');
    const first = wrapper.element.firstElementChild;
    expect(first?.getAttribute('data-testid')).toBe('banner-deceased');
    expect(first?.getAttribute('role')).toBe('alert');
    expect(first?.textContent?.replace(/\s+/g, ' ').trim()).toBe('Deceased: died 03-Oct-2026.');
    expect(wrapper.get('[data-testid="banner-born"]').text()).toBe('11-Feb-1958 (aged 68y at death)');
  });

  it('superseded: warns, shows both numbers, and names the one PDS holds', () => {
    const lookup = patientLookup(VALID);
    if (lookup.status !== 'found') throw new Error('expected found');
    const wrapper = banner({ ...lookup, status: 'superseded', patient: { ...lookup.patient, nhsNumber: '999 000 0042' } });
    expect(wrapper.attributes('data-state')).toBe('superseded');
    expect(wrapper.get('[data-testid="banner-nhs"]').text()).toBe('999 000 0042');
    expect(wrapper.get('[data-testid="banner-nhs-on-item"]').text()).toBe('999 000 0018 Replaced');
    const alert = wrapper.get('[data-testid="banner-superseded"]');
    expect(alert.attributes('role')).toBe('alert');
    expect(alert.text()).toBe(
      'NHS number replaced. PDS has replaced 999 000 0018, the number on this referral, with 999 000 0042. Check with the referrer which number is right before acting on it.',
    );
  });

  it('not found, invalid, unavailable: says the details could not be checked, and why, as an alert', () => {
    const cases: [PatientLookup, string][] = [
      [
        unchecked(
          'not-found',
          "PDS has no record of this NHS number, so the patient's details could not be checked: confirm the NHS number with the referrer before acting.",
        ),
        'not-found',
      ],
      [
        unchecked(
          'invalid',
          "PDS says this NHS number is not valid, so the patient's details could not be checked: confirm the NHS number with the referrer before acting.",
        ),
        'invalid',
      ],
      [
        unchecked(
          'unavailable',
          "The patient's details could not be checked because PDS could not be reached, so check the patient's name and date of birth against the referral letter before acting.",
        ),
        'unavailable',
      ],
    ];
    for (const [lookup, state] of cases) {
      const wrapper = banner(lookup);
      expect(wrapper.attributes('data-state')).toBe(state);
      expect(wrapper.get('h2').text()).toBe('Patient details not checked');
      const alert = wrapper.get('[data-testid="banner-unchecked"]');
      expect(alert.attributes('role')).toBe('alert');
      if (lookup.status === 'unchecked')
        expect(alert.text()).toBe(lookup.message + (state === 'unavailable' ? ' The reference is corr-123.' : ''));
      expect(wrapper.get('[data-testid="banner-nhs"]').text()).toBe(VALID_TEXT);
      expect(wrapper.find('[data-testid="banner-born"]').exists()).toBe(false);
    }
  });

  it('a number failing its check digit is flagged in words beside the number', () => {
    const wrapper = banner(
      unchecked(
        'check-digit',
        'This NHS number fails its check digit, so it may have been mistyped and was not looked up in PDS: check it with the referrer before acting.',
        '9990000019',
      ),
      '999 000 0019',
    );
    expect(wrapper.attributes('data-state')).toBe('check-digit');
    expect(wrapper.get('[data-testid="banner-nhs"]').text()).toBe('999 000 0019 Invalid: fails its check digit');
    expect(wrapper.get('[data-testid="banner-unchecked"]').text()).toContain('fails its check digit');
  });

  it('minimal data: says how little PDS holds, without inventing any of it', () => {
    const wrapper = banner(
      patientLookup(VALID, { name: null, birthDate: null, gender: null, address: null, telephone: null, gpPracticeOds: null }),
    );
    expect(wrapper.attributes('data-state')).toBe('minimal');
    expect(wrapper.get('h2').text()).toBe('Name not recorded in PDS');
    expect(wrapper.get('[data-testid="banner-born"]').text()).toBe('Not recorded');
    expect(wrapper.get('[data-testid="banner-gender"]').text()).toBe('Not recorded');
    expect(wrapper.get('[data-testid="banner-minimal"]').text()).toMatch(/^Very little is recorded\./);
  });

  it('offline: the kept details, marked with when PDS gave them', () => {
    const lookup = patientLookup(VALID);
    if (lookup.status !== 'found') throw new Error('expected found');
    const wrapper = banner({ ...lookup, stale: true, fetchedAt: '2026-11-28T10:31:00.000Z' });
    expect(wrapper.get('[data-testid="banner-source"]').text()).toMatch(
      /^Offline: these are the details PDS gave at \d{2}:\d{2} on 28 Nov 2026\. They may have changed since\.$/,
    );
    expect(wrapper.get('h2').text()).toBe('PEMBERTON, Nia (Ms)');
  });
});

describe('the banner on the review screen', () => {
  it('the referral opens without waiting for PDS, and the banner fills in when PDS answers', async () => {
    let answer: (lookup: PatientLookup) => void = () => undefined;
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral('100000000001', { nhsNumber: VALID_TEXT })),
      'patient.get': () => new Promise<PatientLookup>((resolve) => (answer = resolve)),
    });
    withWorklist(client, 'referrals', rowsFor(['100000000001']));
    await mountReview(client, '/referral/100000000001');
    expect(text('summary-nhs-number')).toBe(VALID_TEXT);
    expect(need('patient-banner').getAttribute('data-state')).toBe('checking');
    expect(client.inputs('patient.get')).toEqual([{ nhsNumber: VALID }]);
    answer(patientLookup(VALID));
    await until(() => expect(need('patient-banner').getAttribute('data-state')).toBe('found'));
    expect(text('banner-name')).toBe('PEMBERTON, Nia (Ms)');
  });

  it('every confirmation names the patient: name and NHS number', async () => {
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral('100000000001', { nhsNumber: VALID_TEXT })),
      'referral.accept': { status: 'sent', correlationId: 'c', message: 'Referral accepted.' },
    });
    withWorklist(client, 'referrals', rowsFor(['100000000001']));
    await mountReview(client, '/referral/100000000001');
    await click('decision-accept');
    expect(confirmRows().Patient).toBe(`PEMBERTON, Nia (Ms) NHS number ${VALID_TEXT}`);
    expect(need('confirm-patient').querySelector('.review-confirm__patient-label')?.textContent).toBe('Patient');
  });

  it('a failed call to PDS is shown as details that could not be checked, never as a checked patient', async () => {
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral('100000000001', { nhsNumber: VALID_TEXT })),
      'patient.get': new Error('boom'),
    });
    withWorklist(client, 'referrals', rowsFor(['100000000001']));
    await mountReview(client, '/referral/100000000001');
    expect(need('patient-banner').getAttribute('data-state')).toBe('unavailable');
    expect(text('banner-unchecked')).toContain('the app could not ask PDS');
    await click('decision-accept');
    expect(confirmRows().Patient).toBe(`Not checked with PDS NHS number ${VALID_TEXT}`);
  });
});
