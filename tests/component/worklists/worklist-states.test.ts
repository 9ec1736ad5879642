import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorklistView } from '../../../contract';
import { TriageError } from '../../../renderer/api/client';
import { fakeClient, listView, makeRows, mountWorklists, type MountedWorklists } from './fixtures';

let mounted: MountedWorklists | null = null;

beforeEach(() => localStorage.clear());
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = null;
  vi.useRealTimers();
});

describe('the worklist screen: tabs, counts and states', () => {
  it('shows the three lists as tabs with their counts, the current one marked', async () => {
    const client = fakeClient({
      referrals: listView('referrals', makeRows(7)),
      triage: listView('triage', makeRows(4, 100)),
      advice: listView('advice', makeRows(1, 200)),
    });
    mounted = await mountWorklists(client);
    const { wrapper } = mounted;

    expect(wrapper.get('[data-testid="worklist-count-referrals"]').text()).toBe('7 items');
    expect(wrapper.get('[data-testid="worklist-count-triage"]').text()).toBe('4 items');
    expect(wrapper.get('[data-testid="worklist-count-advice"]').text()).toBe('1 item');
    expect(wrapper.get('[data-testid="worklist-tab-referrals"]').text()).toContain('Referrals for review');
    expect(wrapper.get('[data-testid="worklist-tab-triage"]').text()).toContain('Triage requests');
    expect(wrapper.get('[data-testid="worklist-tab-advice"]').text()).toContain('Advice & guidance');
    expect(wrapper.get('[data-testid="worklist-tab-referrals"]').attributes('aria-current')).toBe('page');
    expect(wrapper.get('[data-testid="worklist-tab-triage"]').attributes('aria-current')).toBeUndefined();
    expect(wrapper.get('nav').attributes('aria-label')).toBe('Worklists');
    expect(wrapper.get('h1').text()).toBe('Referrals for review');
    expect(wrapper.get('[data-testid="worklist-showing"]').text()).toBe('Showing 7 of 7 referrals');
    expect(wrapper.get('[data-testid="worklist-showing"]').attributes('role')).toBe('status');
    expect(wrapper.findAll('[data-testid="worklist-row"]')).toHaveLength(7);
    // Each list fetched once, and the shown list first.
    expect(client.fetches.map((f) => f.kind)).toEqual(['referrals', 'triage', 'advice']);

    await wrapper.get('[data-testid="worklist-tab-triage"]').trigger('click');
    await flushPromises();
    expect(mounted.router.currentRoute.value.path).toBe('/worklists/triage');
    expect(wrapper.get('h1').text()).toBe('Triage requests');
    expect(wrapper.get('[data-testid="worklist-tab-triage"]').attributes('aria-current')).toBe('page');
    expect(wrapper.get('[data-testid="worklist-showing"]').text()).toBe('Showing 4 of 4 triage requests');
  });

  it('redirects / to the referrals list', async () => {
    mounted = await mountWorklists(fakeClient({}), { path: '/' });
    expect(mounted.router.currentRoute.value.path).toBe('/worklists/referrals');
  });

  it('says it is loading until the list arrives', async () => {
    let release: (view: WorklistView) => void = () => undefined;
    const pendingView = new Promise<WorklistView>((resolve) => {
      release = resolve;
    });
    mounted = await mountWorklists(fakeClient({ referrals: () => pendingView }));
    const { wrapper } = mounted;
    expect(wrapper.get('[data-testid="worklist-loading"]').text()).toBe('Loading referrals…');
    expect(wrapper.find('[data-testid="worklist-table"]').exists()).toBe(false);
    release(listView('referrals', makeRows(2)));
    await flushPromises();
    expect(wrapper.find('[data-testid="worklist-loading"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="worklist-row"]')).toHaveLength(2);
  });

  it('shows the error sentence and a Try again button that fetches again', async () => {
    const client = fakeClient({
      referrals: new TriageError({ code: 'ERS_503', message: 'e-RS is not answering at the moment. Try again in a few minutes.' }),
    });
    mounted = await mountWorklists(client);
    const { wrapper } = mounted;
    const alert = wrapper.get('[data-testid="worklist-error"]');
    expect(alert.attributes('role')).toBe('alert');
    expect(alert.text()).toContain('e-RS is not answering at the moment. Try again in a few minutes.');
    expect(wrapper.find('[data-testid="worklist-table"]').exists()).toBe(false);

    client.answers.referrals = listView('referrals', makeRows(3));
    await wrapper.get('[data-testid="worklist-retry"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="worklist-error"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="worklist-row"]')).toHaveLength(3);
    expect(client.fetches.filter((f) => f.kind === 'referrals')).toEqual([{ kind: 'referrals' }, { kind: 'referrals', refresh: true }]);
  });

  it('turns a failure that is not a TriageError into a sentence, not a crash', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: new TypeError('boom') }));
    expect(mounted.wrapper.get('[data-testid="worklist-error"]').text()).toContain(
      'The worklist could not be loaded. Check your connection, then try again.',
    );
  });

  it('keeps the rows it has when a refresh fails, and says so', async () => {
    const client = fakeClient({ referrals: listView('referrals', makeRows(3)) });
    mounted = await mountWorklists(client);
    const { wrapper } = mounted;
    client.answers.referrals = new TriageError({
      code: 'TRANSPORT',
      message: 'The app could not reach its background service. Restart the app; your work is kept.',
    });
    await wrapper.get('[data-testid="worklist-refresh"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="worklist-error"]').text()).toContain('The app could not reach its background service.');
    expect(wrapper.get('[data-testid="worklist-error"]').text()).toContain('may be out of date');
    expect(wrapper.findAll('[data-testid="worklist-row"]')).toHaveLength(3);
  });

  it('says plainly when a list is empty', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', []) }));
    const { wrapper } = mounted;
    expect(wrapper.get('[data-testid="worklist-empty"]').text()).toBe('There are no referrals in this list.');
    expect(wrapper.find('[data-testid="clear-filters"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="worklist-count-referrals"]').text()).toBe('0 items');
  });

  it('says when nothing matches the filters, and Clear filters brings the rows back', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(6)) }));
    const { wrapper } = mounted;
    await wrapper.get('[data-testid="worklist-search"]').setValue('123456');
    expect(wrapper.get('[data-testid="worklist-empty"]').text()).toContain('No referrals match these filters');
    expect(wrapper.get('[data-testid="worklist-showing"]').text()).toBe('Showing 0 of 6 referrals');
    await wrapper.get('[data-testid="clear-filters"]').trigger('click');
    expect(wrapper.findAll('[data-testid="worklist-row"]')).toHaveLength(6);
    expect((wrapper.get('[data-testid="worklist-search"]').element as HTMLInputElement).value).toBe('');
    expect(wrapper.get('[data-testid="worklist-showing"]').text()).toBe('Showing 6 of 6 referrals');
  });

  it('marks a list from the offline cache with the time of its data', async () => {
    const fetchedAt = new Date();
    fetchedAt.setHours(10, 31, 0, 0);
    mounted = await mountWorklists(
      fakeClient({ referrals: listView('referrals', makeRows(2), { stale: true, fetchedAt: fetchedAt.toISOString() }) }),
    );
    const { wrapper } = mounted;
    expect(wrapper.get('[data-testid="worklist-offline"]').text()).toBe('Offline: showing data from 10:31');
    expect(wrapper.find('[data-testid="worklist-updated"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="worklist-row"]')).toHaveLength(2);
  });

  it('says how long ago the list was updated, and keeps counting', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const fetchedAt = new Date(Date.now() - 3 * 60_000).toISOString();
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(2), { fetchedAt }) }));
    const { wrapper } = mounted;
    expect(wrapper.get('[data-testid="worklist-updated"]').text()).toBe('Updated 3 minutes ago');
    vi.advanceTimersByTime(2 * 60_000);
    await flushPromises();
    expect(wrapper.get('[data-testid="worklist-updated"]').text()).toBe('Updated 5 minutes ago');
  });

  it('refreshes on demand and on return to the list', async () => {
    const client = fakeClient({ referrals: listView('referrals', makeRows(3)) });
    mounted = await mountWorklists(client);
    const { wrapper, router } = mounted;
    const referralFetches = () => client.fetches.filter((f) => f.kind === 'referrals');
    expect(referralFetches()).toEqual([{ kind: 'referrals' }]);

    client.answers.referrals = listView('referrals', makeRows(5));
    await wrapper.get('[data-testid="worklist-refresh"]').trigger('click');
    await flushPromises();
    expect(referralFetches()).toEqual([{ kind: 'referrals' }, { kind: 'referrals', refresh: true }]);
    expect(wrapper.findAll('[data-testid="worklist-row"]')).toHaveLength(5);

    await router.push('/referral/100000000001');
    await flushPromises();
    client.answers.referrals = listView('referrals', makeRows(4));
    await router.push('/worklists/referrals');
    await flushPromises();
    expect(referralFetches()).toHaveLength(3);
    expect(referralFetches()[2]).toEqual({ kind: 'referrals', refresh: true });
    expect(wrapper.findAll('[data-testid="worklist-row"]')).toHaveLength(4);
    expect(wrapper.get('[data-testid="worklist-count-referrals"]').text()).toBe('4 items');
  });

  it('drops a list that comes back for another kind rather than showing it', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('advice', makeRows(2)) }));
    expect(mounted.wrapper.get('[data-testid="worklist-error"]').text()).toContain(
      'The worklist that came back was not the one asked for.',
    );
    expect(mounted.wrapper.find('[data-testid="worklist-row"]').exists()).toBe(false);
  });
});
