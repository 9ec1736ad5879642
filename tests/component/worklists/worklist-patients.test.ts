/**
 * The worklist's Patient and Age columns, filled from PDS in the background: the rows come
 * first and never wait, the rows on screen are asked about first in small batches, a number
 * failing its check digit is flagged and never asked about, names can be searched once they
 * are known, and filling stops when PDS cannot be asked.
 */
import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChannelInput, PatientSummary } from '../../../contract';
import { TriageError, type TriageClient } from '../../../renderer/api/client';
import { useWorklistsStore } from '../../../renderer/worklist/worklists-store';
import {
  fakeClient,
  listView,
  makeRow,
  mountWorklists,
  must,
  shownUbrns,
  signedInView,
  type FakeClient,
  type MountedWorklists,
} from './fixtures';
import { useSessionStore } from '../../../renderer/session/session-store';

let mounted: MountedWorklists | null = null;
beforeEach(() => localStorage.clear());
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = null;
});

/** The n-th valid NHS number in the 999 range, as ten digits. */
function validNhs(n: number): string {
  let found = 0;
  for (let serial = 0; ; serial += 1) {
    const nine = `999${String(serial).padStart(6, '0')}`;
    let sum = 0;
    for (let i = 0; i < 9; i += 1) sum += Number(nine[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    if (found++ === n) return `${nine}${check === 11 ? 0 : check}`;
  }
}
const spaced = (d: string) => `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;

function summary(nhsNumber: string, extra: Partial<PatientSummary> = {}): PatientSummary {
  const n = Number(nhsNumber.slice(-4));
  return {
    nhsNumber,
    status: 'found',
    name: { titles: ['Ms'], given: [`Given${n}`], family: `Family${n}` },
    birthDate: '1960-06-15',
    gender: 'female',
    deceased: false,
    restricted: false,
    problem: null,
    ...extra,
  };
}

type SummaryAnswer = (nhsNumbers: string[]) => PatientSummary[] | Promise<PatientSummary[]> | Error;

/** The worklist fake, also answering patient.summaries; every batch asked is recorded. */
function clientWith(rows: ReturnType<typeof makeRow>[], answer: SummaryAnswer): FakeClient & { batches: string[][] } {
  const base = fakeClient({ referrals: listView('referrals', rows) });
  const batches: string[][] = [];
  const call = base.call;
  return Object.assign(base, {
    batches,
    call: (async (channel: string, input: unknown) => {
      if (channel !== 'patient.summaries') return call(channel as 'worklist.fetch', input as ChannelInput<'worklist.fetch'>);
      const { nhsNumbers } = input as ChannelInput<'patient.summaries'>;
      batches.push(nhsNumbers);
      const value = await answer(nhsNumbers);
      if (value instanceof Error) throw value;
      return value;
    }) as TriageClient['call'],
  });
}

function cellText(wrapper: MountedWorklists['wrapper'], ubrn: string, cell: string): string {
  return wrapper.get(`[data-ubrn="${ubrn}"] [data-testid="${cell}"]`).text().replace(/\s+/g, ' ').trim();
}

describe('patients on the worklist', () => {
  it('shows the rows first, then fills names and ages from PDS, the rows on screen first, ten at a time', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => makeRow(i + 1, { nhsNumber: spaced(validNhs(i)), patientName: '' }));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = clientWith(rows, async (batch) => {
      await gate;
      return batch.map((nhs) => summary(nhs));
    });
    mounted = await mountWorklists(client);
    // Painted before PDS has said anything.
    expect(shownUbrns(mounted.wrapper).length).toBeGreaterThan(0);
    const firstShown = must(shownUbrns(mounted.wrapper)[0]);
    expect(cellText(mounted.wrapper, firstShown, 'cell-patient')).toBe('Not yet checked');
    await expect.poll(() => client.batches.length).toBe(1);
    // The first batch is the top of the list as shown.
    const store = useWorklistsStore(mounted.pinia);
    expect(client.batches[0]).toEqual(store.lists.referrals.shown.slice(0, 10).map((r) => r.nhsNumber));
    release();
    await expect.poll(() => client.batches.length, { timeout: 3000 }).toBe(4);
    for (const batch of client.batches) expect(batch.length).toBeLessThanOrEqual(10);
    const asked = client.batches.flat();
    expect(new Set(asked).size).toBe(40);
    const row = must(store.lists.referrals.shown[0]);
    const n = Number(row.nhsNumber.slice(-4));
    expect(cellText(mounted.wrapper, row.ubrn, 'cell-patient')).toBe(`FAMILY${n}, Given${n}`);
    expect(cellText(mounted.wrapper, row.ubrn, 'cell-age')).toMatch(/^\d{2}y$/);
  });

  it('flags a number failing its check digit in words, and never asks PDS about it', async () => {
    const bad = makeRow(1, { nhsNumber: '999 000 0019', patientName: '' });
    const good = makeRow(2, { nhsNumber: spaced(validNhs(0)), patientName: '' });
    const client = clientWith([bad, good], (batch) => batch.map((nhs) => summary(nhs)));
    mounted = await mountWorklists(client);
    await expect.poll(() => client.batches.length).toBe(1);
    expect(client.batches).toEqual([[validNhs(0)]]);
    expect(cellText(mounted.wrapper, bad.ubrn, 'cell-nhs-invalid')).toBe('Invalid number');
    expect(mounted.wrapper.get(`[data-ubrn="${bad.ubrn}"] [data-testid="cell-nhs"]`).text()).toBe('999 000 0019');
    expect(mounted.wrapper.find(`[data-ubrn="${good.ubrn}"] [data-testid="cell-nhs-invalid"]`).exists()).toBe(false);
  });

  it('says in words what PDS said: deceased, restricted, number replaced, not found', async () => {
    const numbers = [0, 1, 2, 3].map(validNhs);
    const rows = numbers.map((nhs, i) => makeRow(i + 1, { nhsNumber: spaced(nhs), patientName: '' }));
    const client = clientWith(rows, (batch) =>
      batch.map((nhs) => {
        if (nhs === numbers[0]) return summary(nhs, { deceased: true });
        if (nhs === numbers[1]) return summary(nhs, { restricted: true });
        if (nhs === numbers[2]) return summary(nhs, { status: 'superseded' });
        return { ...summary(nhs), status: 'unchecked', name: null, birthDate: null, gender: null, problem: 'not-found' };
      }),
    );
    mounted = await mountWorklists(client);
    await expect.poll(() => client.batches.length).toBe(1);
    const [deceased, restricted, replaced, unknown] = rows.map((r) => r.ubrn);
    const shown = mounted;
    await vi.waitFor(() => expect(cellText(shown.wrapper, must(unknown), 'cell-patient')).toBe('Not found in PDS'));
    expect(cellText(mounted.wrapper, must(deceased), 'cell-patient')).toMatch(/Deceased$/);
    expect(cellText(mounted.wrapper, must(deceased), 'cell-age')).toBe('');
    expect(cellText(mounted.wrapper, must(restricted), 'cell-patient')).toMatch(/Restricted$/);
    expect(cellText(mounted.wrapper, must(replaced), 'cell-patient')).toMatch(/Number replaced$/);
    expect(cellText(mounted.wrapper, must(unknown), 'cell-patient')).toBe('Not found in PDS');
  });

  it('finds patients by name once PDS has given the names, and says how many are known so far', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => makeRow(i + 1, { nhsNumber: spaced(validNhs(i)), patientName: '' }));
    let allowed = 0;
    const client = clientWith(rows, (batch) =>
      batch.map((nhs, i) =>
        i < allowed ? summary(nhs) : { ...summary(nhs), status: 'unchecked' as const, name: null, problem: 'unavailable' as const },
      ),
    );
    mounted = await mountWorklists(client);
    await expect.poll(() => client.batches.length).toBe(1);
    await mounted.wrapper.get('[data-testid="worklist-search"]').setValue('family');
    expect(shownUbrns(mounted.wrapper)).toEqual([]);
    expect(mounted.wrapper.get('#worklist-search-hint').text()).toBe(
      'Names come from PDS: 0 of 12 are known so far, so some patients may not be found yet.',
    );
    // PDS could not be asked: filling stopped after one batch. A refresh asks again.
    expect(client.batches).toHaveLength(1);
    allowed = 10;
    await mounted.wrapper.get('[data-testid="worklist-refresh"]').trigger('click');
    await expect.poll(() => client.batches.length).toBeGreaterThanOrEqual(2);
    const wanted = rows.find((r) => r.nhsNumber === spaced(must(client.batches[1]?.[0])));
    const n = Number(must(wanted).nhsNumber.slice(-4));
    await mounted.wrapper.get('[data-testid="worklist-search"]').setValue(`family${n} giv`);
    // The name arrives with the second batch's answer: the search finds the patient once it has.
    const shown = mounted;
    await vi.waitFor(() => expect(shownUbrns(shown.wrapper)).toEqual([must(wanted).ubrn]));
  });

  it('drops what PDS said when the role changes', async () => {
    const rows = [makeRow(1, { nhsNumber: spaced(validNhs(0)), patientName: '' })];
    const client = clientWith(rows, (batch) => batch.map((nhs) => summary(nhs)));
    mounted = await mountWorklists(client);
    await expect.poll(() => client.batches.length).toBe(1);
    const store = useWorklistsStore(mounted.pinia);
    await vi.waitFor(() => expect(store.patients.size).toBe(1));
    useSessionStore(mounted.pinia).view = signedInView({ organisationOds: 'R68' });
    await flushPromises();
    expect(store.patients.size).toBe(0);
  });

  it('keeps the rows as they are when the app cannot ask PDS at all', async () => {
    const rows = [makeRow(1, { nhsNumber: spaced(validNhs(0)), patientName: '' })];
    const client = clientWith(rows, () => new TriageError({ code: 'NOT_SIGNED_IN', message: 'Sign in.' }));
    mounted = await mountWorklists(client);
    await expect.poll(() => client.batches.length).toBe(1);
    // One turn for the faked client's refusal to be taken in.
    await flushPromises();
    expect(cellText(mounted.wrapper, must(rows[0]).ubrn, 'cell-patient')).toBe('Not yet checked');
    expect(mounted.wrapper.find('[data-testid="worklist-error"]').exists()).toBe(false);
  });
});
