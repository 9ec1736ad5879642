import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { preferencesKey } from '../../../renderer/worklist/role-preferences';
import { useSessionStore } from '../../../renderer/session/session-store';
import { useWorklistsStore } from '../../../renderer/worklist/worklists-store';
import {
  fakeClient,
  hidePage,
  listView,
  makeRow,
  makeRows,
  mountWorklists,
  must,
  shownUbrns,
  signedInView,
  type MountedWorklists,
} from './fixtures';

let mounted: MountedWorklists | null = null;

beforeEach(() => localStorage.clear());
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = null;
  vi.useRealTimers();
});

const rows = makeRows(15);
const R69 = { organisationOds: 'R69' };
const R68 = { organisationOds: 'R68' };

async function remount(role: {
  organisationOds: string;
  businessFunction?: 'SERVICE_PROVIDER_CLINICIAN' | 'SERVICE_PROVIDER_CLINICIAN_ADMIN';
}) {
  // As a reload: the page is hidden, then the app starts again from storage.
  hidePage();
  mounted?.wrapper.unmount();
  mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', rows) }), { role });
  return mounted.wrapper;
}

function allStored(): string {
  const parts: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = must(localStorage.key(i));
    parts.push(key, localStorage.getItem(key) ?? '');
  }
  return parts.join('\n');
}

describe('filters remembered per role', () => {
  it('brings back the filters and sort of the same role, and not of another', async () => {
    let wrapper = await remount(R69);
    await wrapper.get('[data-testid="filter-specialty"]').setValue('Cardiology');
    await wrapper.get('[data-testid="filter-assignment"]').setValue('unassigned');
    await wrapper.get('[data-testid="sort-service"]').trigger('click');
    await wrapper.get('[data-testid="worklist-search"]').setValue('999');
    const narrowed = shownUbrns(wrapper);
    expect(narrowed.length).toBeLessThan(rows.length);

    wrapper = await remount(R69);
    expect((wrapper.get('[data-testid="filter-specialty"]').element as HTMLSelectElement).value).toBe('Cardiology');
    expect((wrapper.get('[data-testid="filter-assignment"]').element as HTMLSelectElement).value).toBe('unassigned');
    expect(wrapper.get('[data-testid="sort-header-service"]').attributes('aria-sort')).toBe('ascending');
    // The search is an identifier: it is never remembered.
    expect((wrapper.get('[data-testid="worklist-search"]').element as HTMLInputElement).value).toBe('');
    expect(shownUbrns(wrapper)).toEqual(narrowed);

    wrapper = await remount(R68);
    expect((wrapper.get('[data-testid="filter-specialty"]').element as HTMLSelectElement).value).toBe('');
    expect(wrapper.get('[data-testid="sort-header-priority"]').attributes('aria-sort')).toBe('ascending');
    expect(wrapper.get('[data-testid="worklist-showing"]').text()).toBe(`Showing ${rows.length} of ${rows.length} referrals`);

    wrapper = await remount({ organisationOds: 'R69', businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN' });
    expect((wrapper.get('[data-testid="filter-specialty"]').element as HTMLSelectElement).value).toBe('');

    wrapper = await remount(R69);
    expect((wrapper.get('[data-testid="filter-specialty"]').element as HTMLSelectElement).value).toBe('Cardiology');
  });

  it('writes a sort or filter once the browser is idle, and before the role changes, never into another role', async () => {
    const key = preferencesKey({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' });
    const wrapper = await remount(R69);
    const stored = () => JSON.stringify(JSON.parse(localStorage.getItem(key) ?? '{}'));
    await wrapper.get('[data-testid="sort-service"]').trigger('click');
    // Not in the click itself: the write waits for an idle moment.
    expect(stored()).not.toContain('"column":"service"');
    await vi.waitFor(() => expect(stored()).toContain('"column":"service"'));

    await wrapper.get('[data-testid="filter-specialty"]').setValue('Cardiology');
    expect(stored()).not.toContain('Cardiology');
    // The role changes before the browser is idle: the filter is written for R69 first.
    useSessionStore(must(mounted).pinia).view = signedInView(R68);
    await flushPromises();
    expect(stored()).toContain('Cardiology');
    const r68 = preferencesKey({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R68' });
    expect(localStorage.getItem(r68) ?? '').not.toContain('Cardiology');
  });

  it('keeps each list its own filters', async () => {
    const wrapper = await remount(R69);
    await wrapper.get('[data-testid="filter-priority"]').setValue('URGENT');
    await must(mounted).router.push('/worklists/triage');
    await flushPromises();
    expect((wrapper.get('[data-testid="filter-priority"]').element as HTMLSelectElement).value).toBe('');
    await must(mounted).router.push('/worklists/referrals');
    await flushPromises();
    expect((wrapper.get('[data-testid="filter-priority"]').element as HTMLSelectElement).value).toBe('URGENT');
  });

  it('stores filter settings and times only: no UBRN, NHS number, name or plain organisation', async () => {
    const wrapper = await remount(R69);
    await wrapper.get('[data-testid="filter-specialty"]').setValue('Cardiology');
    await wrapper.get('[data-testid="worklist-search"]').setValue('100000000005');
    await must(wrapper.findAll('[data-testid="worklist-open"]')[0]).trigger('click');
    await flushPromises();
    await must(mounted).router.push('/worklists/referrals');
    await flushPromises();

    const stored = allStored();
    expect(stored).not.toBe('');
    for (const row of rows) {
      expect(stored).not.toContain(row.ubrn);
      expect(stored).not.toContain(row.nhsNumber);
      expect(stored).not.toContain(row.nhsNumber.replace(/ /g, ''));
      expect(stored).not.toContain(row.patientName);
    }
    expect(stored).not.toContain('R69');
    expect(stored).not.toContain('Dr Alex Consultant');
    const value = JSON.parse(
      must(localStorage.getItem(preferencesKey({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' }))),
    ) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['lastLooked', 'lists']);
    expect(Object.keys(value.lastLooked as object)).toEqual(['referrals']);
  });

  it('falls back to the defaults when what was stored is unreadable', async () => {
    const key = preferencesKey({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' });
    localStorage.setItem(key, '{not json');
    let wrapper = await remount(R69);
    expect(wrapper.get('[data-testid="worklist-showing"]').text()).toBe(`Showing ${rows.length} of ${rows.length} referrals`);
    localStorage.setItem(
      key,
      JSON.stringify({
        lists: {
          referrals: { filters: { specialty: 42, priority: 'SOON', assignment: 'me' }, sort: { column: 'patientName', direction: 'up' } },
        },
        lastLooked: { referrals: 'yesterday' },
      }),
    );
    wrapper = await remount(R69);
    expect((wrapper.get('[data-testid="filter-priority"]').element as HTMLSelectElement).value).toBe('');
    expect((wrapper.get('[data-testid="filter-assignment"]').element as HTMLSelectElement).value).toBe('me');
    expect(wrapper.get('[data-testid="sort-header-priority"]').attributes('aria-sort')).toBe('ascending');
    expect(wrapper.find('[data-testid="new-marker"]').exists()).toBe(false);
  });

  it('drops the rows and filters of the previous role when the role changes', async () => {
    const wrapper = await remount(R69);
    await wrapper.get('[data-testid="filter-specialty"]').setValue('Cardiology');
    const client = must(mounted).client;
    client.answers.referrals = listView('referrals', makeRows(2, 500));
    useSessionStore(must(mounted).pinia).view = signedInView(R68);
    await flushPromises();
    expect((wrapper.get('[data-testid="filter-specialty"]').element as HTMLSelectElement).value).toBe('');
    expect(shownUbrns(wrapper).sort()).toEqual(['100000000500', '100000000501']);
  });
});

describe('the idle lock', () => {
  it('drops every patient row from memory when the app locks', async () => {
    mounted = await mountWorklists(
      fakeClient({ referrals: listView('referrals', makeRows(3)), triage: listView('triage', makeRows(2, 50)) }),
      { role: R69 },
    );
    const store = useWorklistsStore(mounted.pinia);
    expect(store.lists.referrals.rows.length).toBe(3);
    const session = useSessionStore(mounted.pinia);
    session.view = { ...signedInView(R69), phase: 'locked' };
    await flushPromises();
    for (const kind of ['referrals', 'triage', 'advice'] as const) expect(store.lists[kind].rows).toEqual([]);
  });
});

describe('new since last looked', () => {
  const dated = [
    makeRow(1, { referralDate: '2025-02-09' }),
    makeRow(2, { referralDate: '2025-02-10' }),
    makeRow(3, { referralDate: '2025-02-11' }),
    makeRow(4, { referralDate: '2025-02-20' }),
  ];

  const newUbrns = (wrapper: MountedWorklists['wrapper']) =>
    wrapper
      .findAll('[data-testid="worklist-row"]')
      .filter((row) => row.find('[data-testid="new-marker"]').exists())
      .map((row) => row.attributes('data-ubrn'));

  it('marks items referred after the day the user last looked, per list', async () => {
    const key = preferencesKey({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', organisationOds: 'R69' });
    localStorage.setItem(key, JSON.stringify({ lists: {}, lastLooked: { referrals: new Date(2025, 1, 10, 12, 0).toISOString() } }));
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', dated), triage: listView('triage', dated) }), {
      role: R69,
    });
    expect(newUbrns(mounted.wrapper).sort()).toEqual(['100000000003', '100000000004']);
    expect(must(mounted.wrapper.findAll('[data-testid="new-marker"]')[0]).text()).toBe('New since you last looked');

    await mounted.router.push('/worklists/triage');
    await flushPromises();
    // Never looked at triage before: nothing can be called new.
    expect(newUbrns(mounted.wrapper)).toEqual([]);
  });

  it('records this look, so the next visit counts from it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2025, 1, 10, 9, 0));
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', dated) }), { role: R69 });
    expect(newUbrns(mounted.wrapper)).toEqual([]);

    vi.setSystemTime(new Date(2025, 1, 25, 9, 0));
    mounted.wrapper.unmount();
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', dated) }), { role: R69 });
    expect(newUbrns(mounted.wrapper).sort()).toEqual(['100000000003', '100000000004']);
    // The markers stay for the whole visit, though the look is already recorded.
    await mounted.wrapper.get('[data-testid="worklist-refresh"]').trigger('click');
    await flushPromises();
    expect(newUbrns(mounted.wrapper).sort()).toEqual(['100000000003', '100000000004']);

    vi.setSystemTime(new Date(2025, 1, 26, 9, 0));
    mounted.wrapper.unmount();
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', dated) }), { role: R69 });
    expect(newUbrns(mounted.wrapper)).toEqual([]);
  });
});
