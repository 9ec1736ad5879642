import { describe, expect, it } from 'vitest';
import {
  EXAMPLE_ADVICE_UBRNS,
  EXAMPLE_BINARY_ID,
  EXAMPLE_REFERRAL_UBRNS,
  EXAMPLE_UPLOADS,
} from '../../../local-env/src/seed/example-items';
import { generateSeed, LARGE_LIST_ODS, LARGE_LIST_ROWS } from '../../../local-env/src/seed/generate';
import { isTestRangeNhsNumber, isValidNhsNumber, isValidUbrn, nhsNumberCheckDigit } from '../../../local-env/src/seed/identifiers';
import { isoInstant } from '../../../local-env/src/seed/instant';
import { CONSULTANT_UID, SECOND_CONSULTANT_UID } from '../../../local-env/src/users';
import { findService } from '../../../local-env/src/seed/catalogue';
import { pathwayStartOf } from '../../../local-env/src/ers/fhir/referral-request';
import { waitingClocks } from '../../../contract';

const REFERENCE_DATE = '2025-03-03';

describe('synthetic identifiers', () => {
  it('computes modulus 11 check digits and rejects numbers that cannot have one', () => {
    // 943 476 591 9 is the NHS's published example of a valid number.
    expect(nhsNumberCheckDigit('943476591')).toBe(9);
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('943476591')).toBe(false);
    expect(isValidNhsNumber('94347659x9')).toBe(false);
    // Nine digits whose weighted sum leaves a check digit of 10 have no valid NHS number.
    const noCheck = Array.from({ length: 1000 }, (_, i) => `999000${String(i).padStart(3, '0')}`).find(
      (nine) => nhsNumberCheckDigit(nine) === null,
    );
    expect(noCheck).toBeDefined();
  });

  it('treats a UBRN as 12 digits', () => {
    expect(isValidUbrn('000000070000')).toBe(true);
    expect(isValidUbrn('00000007000')).toBe(false);
    expect(isValidUbrn('0000000700001')).toBe(false);
    expect(isValidUbrn('000000000000')).toBe(false);
  });

  it('formats instants exactly as toISOString does', () => {
    for (const ms of [0, 1_700_000_000_123, 1_700_000_000_005, 1_719_792_000_050, 951_782_400_000])
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('seed generator', () => {
  const seed = generateSeed({ referenceDate: REFERENCE_DATE });

  it('is deterministic: the same parameters give the same data, another seed different data', () => {
    expect(generateSeed({ referenceDate: REFERENCE_DATE })).toEqual(seed);
    const other = generateSeed({ referenceDate: REFERENCE_DATE, seed: 7 });
    expect(other.referrals.map((r) => r.patientNhsNumber)).not.toEqual(seed.referrals.map((r) => r.patientNhsNumber));
  });

  it('makes about 200 referrals by default, with unique UBRNs and valid 999-range NHS numbers', () => {
    const generated = seed.referrals.filter((r) => !(EXAMPLE_REFERRAL_UBRNS as readonly string[]).includes(r.ubrn));
    expect(generated).toHaveLength(200);
    expect(new Set(seed.referrals.map((r) => r.ubrn)).size).toBe(seed.referrals.length);
    for (const r of seed.referrals) {
      expect(isValidUbrn(r.ubrn)).toBe(true);
      expect(isTestRangeNhsNumber(r.patientNhsNumber), r.patientNhsNumber).toBe(true);
    }
    for (const p of seed.patients) expect(isTestRangeNhsNumber(p.nhsNumber)).toBe(true);
    for (const a of seed.advice) expect(isTestRangeNhsNumber(a.patientNhsNumber)).toBe(true);
  });

  it('spreads referrals over both trusts, several clinicians (some unassigned), every priority, route and state', () => {
    const trusts = new Set(seed.referrals.map((r) => r.commissioningRuleOrg));
    expect([...trusts].sort()).toEqual(['R68', 'R69']);
    const clinicians = new Set(seed.referrals.map((r) => r.allocatedClinician ?? 'unassigned'));
    expect(clinicians).toContain(CONSULTANT_UID);
    expect(clinicians).toContain(SECOND_CONSULTANT_UID);
    expect(clinicians).toContain('unassigned');
    expect(clinicians.size).toBeGreaterThanOrEqual(5);
    const consultantTrusts = new Set(
      seed.referrals.filter((r) => r.allocatedClinician === CONSULTANT_UID).map((r) => r.commissioningRuleOrg),
    );
    expect([...consultantTrusts].sort()).toEqual(['R68', 'R69']);
    expect(new Set(seed.referrals.map((r) => r.priority))).toEqual(new Set(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']));
    expect(new Set(seed.referrals.flatMap((r) => (r.appointment ? [r.appointment.kind] : [])))).toEqual(
      new Set(['DBS', 'IBS', 'TRIAGE', 'DEFERRED']),
    );
    const states = new Set(seed.referrals.map((r) => r.status.code));
    for (const state of [
      'BOOKED',
      'AWAITING_TRIAGE',
      'DEFERRED_TO_PROVIDER',
      'REJECTED',
      'TRIAGE_RESPONSE',
      'TRIAGED_PROVIDER_TO_ACTION',
      'NOT_BOOKED',
      'CANCELLED_REFERRAL',
      'DID_NOT_ATTEND',
    ]) {
      expect(states, state).toContain(state);
    }
    expect(seed.referrals.some((r) => r.review?.outcome === 'ACCEPTED')).toBe(true);
    expect(seed.referrals.some((r) => r.letterDue !== undefined)).toBe(true);
  });

  it('dates everything over recent months, never after the reference date', () => {
    const reference = Date.parse(`${REFERENCE_DATE}T12:00:00.000Z`);
    const ages = seed.referrals.map((r) => (reference - Date.parse(r.created)) / 86_400_000);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ages)).toBeLessThanOrEqual(151);
    expect(Math.max(...ages) - Math.min(...ages)).toBeGreaterThan(60);
    for (const r of seed.referrals) expect(Date.parse(r.lastUpdated)).toBeLessThanOrEqual(reference);
    for (const r of seed.referrals) expect(r.history.at(-1)?.version).toBe(r.version);
  });

  it('describes every file with a DocumentSpec, of several kinds, a few unavailable as e-RS marks them', () => {
    const kinds = new Set(seed.binaries.flatMap((b) => (b.content.source === 'document' ? [b.content.spec.kind] : [])));
    for (const kind of ['pdf-letter', 'png', 'jpeg', 'tiff', 'docx', 'rtf', 'txt']) expect(kinds, kind).toContain(kind);
    const availability = new Set(seed.binaries.map((b) => b.availability));
    expect(availability).toEqual(new Set(['AVAILABLE', 'PENDING', 'THREATS_FOUND', 'VALIDATION_FAILED']));
    const ids = new Set(seed.binaries.map((b) => b.id));
    for (const r of seed.referrals) for (const a of r.attachments) expect(ids.has(a.binaryId), a.binaryId).toBe(true);
    for (const b of seed.binaries) if (b.content.source === 'document') expect(b.content.spec.context?.nhsNumber).toMatch(/^999\d{7}$/);
  });

  it('carries synthetic items at the NHS example ids, shaped like the examples', () => {
    const byUbrn = new Map(seed.referrals.map((r) => [r.ubrn, r]));
    for (const ubrn of EXAMPLE_REFERRAL_UBRNS) expect(byUbrn.has(ubrn), ubrn).toBe(true);
    expect(byUbrn.get('000000070000')?.status.code).toBe('NOT_BOOKED');
    expect(byUbrn.get('000000070001')?.appointment).toMatchObject({ kind: 'DBS', status: 'booked' });
    expect(byUbrn.get('000000070002')?.appointment).toMatchObject({ kind: 'IBS', status: 'booked' });
    expect(byUbrn.get('000000070003')?.status.code).toBe('DEFERRED_TO_PROVIDER');
    expect(byUbrn.get('000000070004')?.convertedFromAdvice).toBe('000000070004');
    expect(byUbrn.get('000000070005')?.relatedUbrns).toEqual(['000000070004']);
    expect(byUbrn.get('000000070011')?.additionalRequirements).toHaveLength(3);
    const unavailable = byUbrn.get('000000070012')?.attachments.map((a) => seed.binaries.find((b) => b.id === a.binaryId)?.availability);
    expect(unavailable).toEqual(['PENDING', 'THREATS_FOUND', 'VALIDATION_FAILED']);
    const advice = new Set(seed.advice.map((a) => a.ubrn));
    for (const ubrn of EXAMPLE_ADVICE_UBRNS) expect(advice.has(ubrn), ubrn).toBe(true);
    expect(seed.binaries.find((b) => b.id === EXAMPLE_BINARY_ID)?.contentType).toBe('application/pdf');
    for (const upload of EXAMPLE_UPLOADS) expect(seed.binaries.find((b) => b.id === upload.id)?.referralId).toBe('000000070000');
    for (const r of seed.referrals)
      for (const id of [r.serviceId, ...r.shortlist]) if (id !== null) expect(findService(id), id).toBeDefined();
  });

  it('gives A&G requests multi-message conversations whose last turn matches their status', () => {
    const generated = seed.advice.filter((a) => !(EXAMPLE_ADVICE_UBRNS as readonly string[]).includes(a.ubrn));
    expect(generated.length).toBeGreaterThanOrEqual(12);
    expect(generated.some((a) => a.messages.length >= 3)).toBe(true);
    for (const a of generated) {
      const last = a.messages.at(-1);
      expect(last?.category).toBe(a.status === 'PROVIDER_RESPONSE_REQUIRED' ? 'REQUESTER' : 'RESPONDER');
    }
  });

  it('makes 10,000 referrals in large mode and tops one list up to 10,000 rows, in well under four seconds', () => {
    // CPU time, not wall time: two shared cores running the whole suite make the wall clock meaningless.
    let bestCpuMs = Number.POSITIVE_INFINITY;
    let count = 0;
    let busiest = 0;
    for (let run = 0; run < 2; run += 1) {
      const before = process.cpuUsage();
      const large = generateSeed({ large: true, referenceDate: REFERENCE_DATE });
      const used = process.cpuUsage(before);
      bestCpuMs = Math.min(bestCpuMs, (used.user + used.system) / 1000);
      count = large.referrals.length - EXAMPLE_REFERRAL_UBRNS.length;
      // The app's Referrals list at R69: booked referrals not yet reviewed, at one of R69's services.
      busiest = large.referrals.filter(
        (r) =>
          !(EXAMPLE_REFERRAL_UBRNS as readonly string[]).includes(r.ubrn) &&
          r.status.code === 'BOOKED' &&
          r.review === undefined &&
          r.appointment?.status === 'booked' &&
          (r.appointment.kind === 'DBS' || r.appointment.kind === 'IBS') &&
          r.serviceId !== null &&
          findService(r.serviceId)?.ods === LARGE_LIST_ODS,
      ).length;
      expect(large.binaries.some((b) => b.content.source === 'document' && b.content.spec.large === true)).toBe(true);
      expect(new Set(large.referrals.map((r) => r.ubrn)).size).toBe(large.referrals.length);
    }
    expect(count).toBeGreaterThan(10_000);
    expect(busiest).toBe(LARGE_LIST_ROWS);
    expect(LARGE_LIST_ROWS).toBe(10_000);
    expect(bestCpuMs).toBeLessThan(4000);
  });
});

describe('the seed’s waiting clocks', () => {
  // The rows on "Referrals for review" and the A&G requests awaiting the provider, counted
  // as the app counts them at noon on the reference date: some within, near and over each limit.
  const seed = generateSeed({ referenceDate: REFERENCE_DATE });
  const now = Date.parse(`${REFERENCE_DATE}T12:00:00Z`);
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const r of seed.referrals) {
    const onReviewList =
      r.status.code === 'AWAITING_TRIAGE' || (r.status.code === 'BOOKED' && r.review === undefined && r.appointment?.status === 'booked');
    if (!onReviewList) continue;
    const booked = r.appointment?.status === 'booked' ? (r.appointment.start ?? null) : null;
    const clocks = waitingClocks(
      { priority: r.priority, pathwayStart: pathwayStartOf(r), appointmentStart: booked, adviceWaitingSince: null },
      now,
    );
    for (const clock of clocks.clocks) count(`${clock.kind} ${clock.state}`);
    if (clocks.appointmentPassed) count('appointment passed');
  }
  for (const a of seed.advice) {
    if (a.status !== 'PROVIDER_RESPONSE_REQUIRED') continue;
    const clocks = waitingClocks(
      { priority: a.priority, pathwayStart: null, appointmentStart: null, adviceWaitingSince: a.lastUpdated },
      now,
    );
    for (const clock of clocks.clocks) count(`${clock.kind} ${clock.state}`);
  }

  it.each([
    'two-week-wait within',
    'two-week-wait due-soon',
    'two-week-wait overdue',
    'rtt within',
    'rtt due-soon',
    'rtt overdue',
    'advice within',
    'advice due-soon',
    'advice overdue',
    'appointment passed',
  ])('has items with %s', (key) => {
    expect(counts.get(key) ?? 0).toBeGreaterThan(0);
  });
});
