/**
 * Prefetch sources on the e-RS client. The client made here is the prefetcher's own: every
 * request it sends to e-RS is paced through the shared RateControl, which therefore sees
 * each 429 with its Retry-After (the object store an attachment redirects to is not e-RS and
 * takes no paced slot), and it does not retry by itself, so that
 * the prefetcher decides about retries for the whole pool. Pass the prefetcher the same
 * `rateControl` with `pacing: 'by-transport'`.
 */
import { createErsClient, type ErsClientOptions, type FetchLike } from '../../ers/client';
import { isUnreachableError } from '../connectivity';
import type { PrefetchList, PrefetchSources } from '../prefetch';
import { rateControlledFetch, type RateControl } from './rate-control';

export function createErsPrefetchSources(clientOptions: ErsClientOptions, rateControl: RateControl): PrefetchSources {
  const baseFetch: FetchLike = clientOptions.fetch;
  const client = createErsClient({
    ...clientOptions,
    fetch: rateControlledFetch(baseFetch, rateControl, clientOptions.baseUrl),
    retry: { ...clientOptions.retry, maxAttempts: 1 },
  });

  return {
    async listWorklists(signal) {
      // A008 once for referrals and triage together (they share "Referrals for review"), A023 for A&G.
      const [referrals, advice] = await Promise.allSettled([
        client.fetchReferralWorklist({ listType: 'REFERRALS_FOR_REVIEW' }, signal),
        client.fetchAdviceWorklist(signal),
      ]);
      // A role without A&G (or without referrals) still prefetches the list it has.
      for (const result of [referrals, advice]) {
        if (result.status === 'rejected' && isUnreachableError(result.reason)) throw result.reason;
      }
      if (referrals.status === 'rejected' && advice.status === 'rejected') throw referrals.reason;
      const lists: PrefetchList[] = [];
      if (referrals.status === 'fulfilled') {
        lists.push({ kind: 'referrals', rows: referrals.value.filter((item) => item.kind === 'referrals').map((item) => item.row) });
        lists.push({ kind: 'triage', rows: referrals.value.filter((item) => item.kind === 'triage').map((item) => item.row) });
      }
      if (advice.status === 'fulfilled') lists.push({ kind: 'advice', rows: advice.value });
      return lists;
    },
    fetchReferral: ({ kind, ubrn }, signal) =>
      kind === 'advice' ? client.getAdviceRequest({ ubrn }, signal) : client.openReferral({ ubrn }, signal),
    fetchClinicalInformation: ({ kind, ubrn }, signal) =>
      kind === 'advice' ? client.getAdviceOverview({ ubrn }, signal) : client.getClinicalInformation({ ubrn }, signal),
    fetchAttachment: ({ attachmentId }, signal) => client.getAttachment({ attachmentId }, signal),
  };
}
