import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorklistView } from '../../../electron/api';
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
});
