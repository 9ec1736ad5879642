/**
 * After a decision is sent or queued: remember it, and go to the next item of the list
 * the user is working through, or back to that list when this was the last.
 */
import { useRouter } from 'vue-router';
import type { WorklistKind } from '../../../contract';
import { useReviewStore, type DecisionNotice } from '../review-store';
import type { Finished } from './use-decision-flow';
import { itemLocation, listPath } from '../review-routes';

export const QUEUED_TEXT = 'Queued: will be sent when e-RS is reachable.';

export function noticeFor(ubrn: string, outcome: Finished): DecisionNotice {
  return { ubrn, status: outcome.status, text: outcome.status === 'queued' ? QUEUED_TEXT : outcome.message };
}

export function useMoveOn(kind: () => WorklistKind) {
  const review = useReviewStore();
  const router = useRouter();
  return async (itemId: string, notice: DecisionNotice): Promise<void> => {
    review.recordDecision(itemId, notice);
    let next = null;
    try {
      next = await review.nextItem(kind(), itemId);
    } catch {
      // The list could not be fetched: the list screen says so and offers to try again.
    }
    await router.push(next ? itemLocation(kind(), next) : listPath(kind()));
  };
}
