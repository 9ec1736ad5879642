import { describe, expect, it } from 'vitest';
import type { OfflineSession } from '../../../electron/offline/offline-session';
import { createReadSource } from '../../../electron/offline/read-source';

// The one place a read chooses between e-RS and the offline copy.

function fakeSession() {
  const calls: string[] = [];
  let foregroundDepth = 0;
  const session = {
    prefetcher: {
      prioritise: (keys: readonly string[]) => calls.push(`prioritise ${keys.join(',')}`),
      foreground: async <T>(work: () => Promise<T>): Promise<T> => {
        foregroundDepth += 1;
        calls.push('foreground');
        try {
          return await work();
        } finally {
          foregroundDepth -= 1;
        }
      },
    },
    noteDataFrom: (at: string) => calls.push(`noteDataFrom ${at}`),
  };
  return { session: session as unknown as OfflineSession, calls, inForeground: () => foregroundDepth > 0 };
}

const NOW = new Date('2025-01-02T03:04:05.000Z');

describe('createReadSource', () => {
  it('asks e-RS directly, fresh, when there is no offline session', async () => {
    let cachedCalls = 0;
    const read = createReadSource(
      async () => null,
      () => NOW,
    );
    const result = await read({
      fetch: async () => 'from e-RS',
      cached: async () => {
        cachedCalls += 1;
        return { value: 'kept', fetchedAt: 'then', stale: true };
      },
      showsData: true,
    });
    expect(result).toEqual({ value: 'from e-RS', fetchedAt: NOW.toISOString(), stale: false, session: null });
    expect(cachedCalls).toBe(0);
  });

  it("reads through the session's cache, as the user's own request, and moves the banner time", async () => {
    const fake = fakeSession();
    const read = createReadSource(
      async () => fake.session,
      () => NOW,
    );
    const fetch = async () => 'from e-RS';
    let given: unknown;
    let inForeground = false;
    const result = await read({
      fetch,
      cached: async (session, f) => {
        given = [session, f];
        inForeground = fake.inForeground();
        return { value: 'kept', fetchedAt: '2025-01-01T00:00:00.000Z', stale: true };
      },
      prioritise: ['item:referral:000000070000'],
      showsData: true,
    });
    expect(given).toEqual([fake.session, fetch]);
    expect(inForeground).toBe(true);
    expect(result).toEqual({ value: 'kept', fetchedAt: '2025-01-01T00:00:00.000Z', stale: true, session: fake.session });
    expect(fake.calls).toEqual(['prioritise item:referral:000000070000', 'foreground', 'noteDataFrom 2025-01-01T00:00:00.000Z']);
  });

  it('leaves the prefetch pool and the banner alone when told to', async () => {
    const fake = fakeSession();
    const read = createReadSource(
      async () => fake.session,
      () => NOW,
    );
    const result = await read({
      fetch: async () => 1,
      cached: async (_session, fetch) => ({ value: await fetch(), fetchedAt: NOW.toISOString(), stale: false }),
      foreground: false,
    });
    expect(result.value).toBe(1);
    expect(fake.calls).toEqual([]);
  });

  it('passes a refusal from e-RS on unchanged, whichever way it read', async () => {
    const refused = new Error('403');
    const direct = createReadSource(async () => null);
    await expect(
      direct({ fetch: async () => Promise.reject(refused), cached: async () => Promise.reject(new Error('not used')) }),
    ).rejects.toBe(refused);
    const fake = fakeSession();
    const through = createReadSource(async () => fake.session);
    await expect(
      through({
        fetch: async () => Promise.reject(refused),
        cached: async (_s, fetch) => ({ value: await fetch(), fetchedAt: '', stale: false }),
      }),
    ).rejects.toBe(refused);
  });
});
