/**
 * After reconnecting: queued decisions went out, and the screens must say so and stop
 * saying "offline". The offline bar says how many were sent; a referral or a worklist shown
 * from the offline copy is fetched again, and its offline line goes when fresh data arrives.
 */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import type { EventName, Events, OfflineStatus } from '../../../contract';
import { CLIENT_KEY } from '../../../renderer/api/client';
import OfflineBar from '../../../renderer/shell/components/OfflineBar.vue';
import { useOfflineStore } from '../../../renderer/shell/offline-store';
import { listView } from '../worklists/fixtures';
import {
  bookedReferral,
  byTestId,
  cleanUpReviewScreens,
  click,
  fakeReviewClient,
  makeRow,
  mountReview,
  need,
  referralScreen,
  until,
  type FakeReviewClient,
} from './fixtures';

const UBRN = '000000070000';
cleanUpReviewScreens();

const OFFLINE: OfflineStatus = {
  online: false,
  banner: 'Offline since 10:42, showing data from 10:31',
  prefetch: null,
  outbox: [{ id: 'o-1', operation: 'referral.reject', ubrn: UBRN, createdAt: '2025-01-06T10:45:00.000Z', state: 'queued', problem: null }],
  sent: null,
};
const BACK: OfflineStatus = {
  ...OFFLINE,
  online: true,
  banner: null,
  outbox: [],
  sent: { count: 1, message: '1 queued decision was sent to e-RS.', at: '2025-01-06T11:02:00.000Z' },
};

/** The fake client, able to push `offline.changed` as the main process does. */
function withEvents(client: FakeReviewClient): (status: OfflineStatus) => Promise<void> {
  const listeners: ((payload: OfflineStatus) => void)[] = [];
  client.on = (<E extends EventName>(event: E, listener: (payload: Events[E]) => void) => {
    if (event === 'offline.changed') listeners.push(listener as (payload: OfflineStatus) => void);
    return () => undefined;
  }) as FakeReviewClient['on'];
  return async (status) => {
    for (const listener of listeners) listener(status);
    await nextTick();
  };
}

describe('back online after working offline', () => {
  it('the review screen shown from the offline copy fetches the referral again, and its offline line goes', async () => {
    let opens = 0;
    const client = fakeReviewClient({
      'offline.status': OFFLINE,
      'referral.open': () => {
        opens += 1;
        return referralScreen(bookedReferral(UBRN), {
          stale: opens === 1,
          fetchedAt: opens === 1 ? '2025-01-06T10:31:00.000Z' : new Date().toISOString(),
        });
      },
    });
    const push = withEvents(client);
    const { pinia } = await mountReview(client, `/referral/${UBRN}`);
    await useOfflineStore(pinia).load();
    expect(byTestId('review-offline')).not.toBeNull();

    await push(BACK);
    await until(() => expect(byTestId('review-offline')).toBeNull());
    expect(opens).toBe(2);
  });

  it('the worklist shown from the offline copy is fetched again, and its offline line goes', async () => {
    let fetches = 0;
    const client = fakeReviewClient({
      'offline.status': OFFLINE,
      'worklist.fetch': ({ kind }) => {
        fetches += kind === 'referrals' ? 1 : 0;
        return listView(kind, kind === 'referrals' ? [makeRow(1, { ubrn: UBRN })] : [], { stale: kind === 'referrals' && fetches === 1 });
      },
    });
    const push = withEvents(client);
    const { pinia } = await mountReview(client, '/worklists/referrals');
    await useOfflineStore(pinia).load();
    expect(byTestId('worklist-offline')).not.toBeNull();

    await push(BACK);
    await until(() => expect(byTestId('worklist-offline')).toBeNull());
    expect(fetches).toBe(2);
  });

  it('the offline bar says how many queued decisions were sent, until dismissed', async () => {
    const client = fakeReviewClient({ 'offline.status': OFFLINE });
    const push = withEvents(client);
    const { pinia } = await mountReview(client, '/worklists/referrals');
    const bar = mount(OfflineBar, { attachTo: document.body, global: { plugins: [pinia], provide: { [CLIENT_KEY as symbol]: client } } });
    await until(() => expect(byTestId('offline-banner')).not.toBeNull());
    expect(byTestId('outbox-sent')).toBeNull();

    await push(BACK);
    expect(byTestId('offline-banner')).toBeNull();
    expect(byTestId('outbox-toggle')).toBeNull();
    expect(need('outbox-sent').textContent).toContain('1 queued decision was sent to e-RS.');
    expect(need('outbox-sent').closest('[role="status"]')).not.toBeNull();

    await click(need('outbox-sent-dismiss'));
    expect(byTestId('outbox-sent')).toBeNull();
    bar.unmount();
  });
});
