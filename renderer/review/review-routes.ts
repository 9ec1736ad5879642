/**
 * Where a review screen sits among the worklists: which list the user came from (so
 * "next item" and "back" follow that list), and the address of another item.
 */
import type { RouteLocationNormalizedLoaded, RouteLocationRaw, Router } from 'vue-router';
import type { WorklistKind, WorklistRow } from '../../contract';
import type { useWorklistsStore } from '../worklist/worklists-store';

const KINDS: readonly WorklistKind[] = ['referrals', 'triage', 'advice'];

function isKind(value: unknown): value is WorklistKind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/** `?list=triage` when the app moved here itself; else the worklist page the user came from. */
export function listFromNavigation(route: RouteLocationNormalizedLoaded, router: Router): WorklistKind | null {
  const query = route.query.list;
  if (isKind(query)) return query;
  const back = router.options.history.state.back;
  const match = typeof back === 'string' ? /^\/worklists\/([a-z]+)/.exec(back) : null;
  return match && isKind(match[1]) ? match[1] : null;
}

/** The list that holds the item, for an item opened from a link or after a restart. */
export function listHolding(
  worklists: ReturnType<typeof useWorklistsStore>,
  id: string,
  candidates: readonly WorklistKind[],
): WorklistKind | null {
  return candidates.find((kind) => worklists.lists[kind].rows.some((item) => item.row.id === id)) ?? null;
}

export function itemLocation(kind: WorklistKind, row: WorklistRow): RouteLocationRaw {
  const path = kind === 'advice' ? `/advice/${encodeURIComponent(row.id)}` : `/referral/${encodeURIComponent(row.ubrn)}`;
  return { path, query: { list: kind } };
}

export const listPath = (kind: WorklistKind): string => `/worklists/${kind}`;
