/**
 * Storage for the mock CIS2's sessions, interactions, codes and tokens. The local identity
 * provider is deliberately forgetful: a restart signs everyone out, as a real CIS2 outage
 * would, and the app must cope by asking the user to sign in again. Each provider instance
 * gets its own store so that two mock CIS2 servers in one process (tests start several)
 * never see each other's grants.
 */
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  model: string;
  payload: AdapterPayload;
  expiresAt: number;
}

class Store {
  private readonly entries = new Map<string, Entry>();
  private readonly byUid = new Map<string, string>();
  private readonly byUserCode = new Map<string, string>();
  private readonly byGrant = new Map<string, Set<string>>();
  private writes = 0;

  get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  /** Secondary indexes are per model: an Interaction and a Session may share nothing but a store. */
  set(model: string, key: string, payload: AdapterPayload, expiresIn: number | undefined): void {
    this.delete(key);
    // Expired entries are dropped when read; an occasional sweep keeps a long-running local
    // environment from holding every code and interaction it ever issued.
    if (++this.writes % 200 === 0) this.sweep();
    const expiresAt = expiresIn === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresIn * 1000;
    this.entries.set(key, { model, payload, expiresAt });
    if (typeof payload.uid === 'string') this.byUid.set(`${model}:${payload.uid}`, key);
    if (typeof payload.userCode === 'string') this.byUserCode.set(`${model}:${payload.userCode}`, key);
    if (typeof payload.grantId === 'string') {
      const members = this.byGrant.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      this.byGrant.set(payload.grantId, members);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const { uid, userCode, grantId } = entry.payload;
    const uidKey = `${entry.model}:${String(uid)}`;
    const userCodeKey = `${entry.model}:${String(userCode)}`;
    if (this.byUid.get(uidKey) === key) this.byUid.delete(uidKey);
    if (this.byUserCode.get(userCodeKey) === key) this.byUserCode.delete(userCodeKey);
    if (typeof grantId === 'string') this.byGrant.get(grantId)?.delete(key);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.delete(key);
  }

  keyForUid(model: string, uid: string): string | undefined {
    return this.byUid.get(`${model}:${uid}`);
  }

  keyForUserCode(model: string, userCode: string): string | undefined {
    return this.byUserCode.get(`${model}:${userCode}`);
  }

  revokeGrant(grantId: string): void {
    for (const key of this.byGrant.get(grantId) ?? []) this.delete(key);
    this.byGrant.delete(grantId);
  }
}

export function createMemoryAdapter(): AdapterFactory {
  const store = new Store();
  return (model: string): Adapter => {
    const keyFor = (id: string) => `${model}:${id}`;
    const findKey = async (key: string | undefined) => (key === undefined ? undefined : store.get(key));
    return {
      upsert: async (id, payload, expiresIn) => store.set(model, keyFor(id), payload, expiresIn),
      find: async (id) => store.get(keyFor(id)),
      findByUid: async (uid) => findKey(store.keyForUid(model, uid)),
      findByUserCode: async (userCode) => findKey(store.keyForUserCode(model, userCode)),
      consume: async (id) => {
        const payload = store.get(keyFor(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => store.delete(keyFor(id)),
      revokeByGrantId: async (grantId) => store.revokeGrant(grantId),
    };
  };
}
