/**
 * A004 reference data (e-RS code systems), cached per environment with an expiry: the
 * lists change rarely, every form needs them, and a sandbox code must never be offered
 * against production. Concurrent asks for the same list share one request.
 */
import { callContext, type ErsContext } from './client-context';
import type { ErsRequest } from './http';
import { mapCodeSystem } from './map-reference-data';
import * as check from './validate-input';
import type { CodeSystemView } from './view-models';

export const CODE_SYSTEM_IDS = [
  'SPECIALTY',
  'APPOINTMENT-CANCELLATION-REASON',
  'CLINIC-TYPE',
  'REFERRAL-CANCELLATION-REASON',
  'APPOINTMENT-NON-ATTENDANCE-REASON',
  'PRIORITY',
] as const;
export type CodeSystemId = (typeof CODE_SYSTEM_IDS)[number];

export const DEFAULT_REFERENCE_DATA_TTL_MS = 12 * 60 * 60 * 1000;

export interface ReferenceDataCacheOptions {
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  view: CodeSystemView;
  expiresAt: number;
}

export class ReferenceDataCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<CodeSystemView>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: ReferenceDataCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_REFERENCE_DATA_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  private key(environment: string, id: CodeSystemId): string {
    return `${environment}\u0000${id}`;
  }

  /** A list still in date, or undefined. */
  fresh(environment: string, id: CodeSystemId): CodeSystemView | undefined {
    const entry = this.entries.get(this.key(environment, id));
    return entry && entry.expiresAt > this.now() ? entry.view : undefined;
  }

  /** Whatever is held, in date or not: better than a bare code for a display name. */
  stale(environment: string, id: CodeSystemId): CodeSystemView | undefined {
    return this.entries.get(this.key(environment, id))?.view;
  }

  set(environment: string, id: CodeSystemId, view: CodeSystemView): void {
    this.entries.set(this.key(environment, id), { view, expiresAt: this.now() + this.ttlMs });
  }

  /** The list from cache, or loaded once however many ask at the same time. */
  async get(environment: string, id: CodeSystemId, load: () => Promise<CodeSystemView>): Promise<CodeSystemView> {
    const cached = this.fresh(environment, id);
    if (cached) return cached;
    const key = this.key(environment, id);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const promise = load()
      .then((view) => {
        this.set(environment, id, view);
        return view;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }

  clear(environment?: string): void {
    if (environment === undefined) {
      this.entries.clear();
      return;
    }
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${environment}\u0000`)) this.entries.delete(key);
  }
}

export function codeSystemRequest(id: CodeSystemId): ErsRequest {
  const codeSystem = check.oneOf('A004', id, CODE_SYSTEM_IDS, 'codeSystem', 'code system');
  return { operation: 'A004', method: 'GET', path: `/FHIR/STU3/CodeSystem/${codeSystem}` };
}

export async function fetchCodeSystem(ctx: ErsContext, id: CodeSystemId, signal?: AbortSignal): Promise<CodeSystemView> {
  const result = await ctx.transport.json({ ...codeSystemRequest(id), signal });
  return mapCodeSystem(result.body, id, callContext('A004', result.correlationId));
}
