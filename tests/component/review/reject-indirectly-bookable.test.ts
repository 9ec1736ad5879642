/**
 * Rejecting a referral booked into an indirectly bookable service: e-RS (A014) requires
 * appointmentCancelledInPAS then, and refuses it for a directly bookable one. The form asks
 * exactly when it is required, will not go on without an answer, shows the answer on the
 * confirmation and sends it.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionOutcome } from '../../../contract';
import {
  bookedReferral,
  byTestId,
  check,
  choose,
  cleanUpReviewScreens,
  click,
  confirmRows,
  fakeReviewClient,
  mountReview,
  referralScreen,
  text,
  type,
  UBRN,
} from './fixtures';

cleanUpReviewScreens();

const SENT: DecisionOutcome = { status: 'sent', correlationId: 'corr-1', message: 'Referral rejected and returned to the referrer.' };

function indirectlyBooked() {
  const direct = bookedReferral();
  return bookedReferral(UBRN, { appointment: { ...(direct.appointment ?? ({} as never)), indirectlyBookable: true } });
}

async function fillReason(): Promise<void> {
  await click('decision-reject');
  await choose('reject-reason', 'WRONG_SERVICE');
  await type('reject-comments', 'Please refer to the community clinic (synthetic).');
}

describe('rejecting a referral booked into an indirectly bookable service', () => {
  it('asks whether the appointment was cancelled in the PAS, and will not go on without an answer', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(indirectlyBooked()), 'referral.reject': SENT });
    await mountReview(client, `/referral/${UBRN}`);
    await fillReason();
    expect(text('reject-pas')).toContain('Has the appointment been cancelled in your patient administration system (PAS)?');
    await click('reject-submit');
    expect(byTestId('confirm-dialog')).toBeNull();
    expect(text('reject-pas-error')).toBe(
      'Error: Say whether the appointment has already been cancelled in your patient administration system (PAS).',
    );
    expect(text('reject-errors')).toContain('Say whether the appointment has already been cancelled');
    expect(client.inputs('referral.reject')).toEqual([]);
  });

  it('shows the answer on the confirmation and sends it as appointmentCancelledInPas', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(indirectlyBooked()), 'referral.reject': SENT });
    await mountReview(client, `/referral/${UBRN}`);
    await fillReason();
    await check('reject-pas-no');
    await click('reject-submit');
    expect(confirmRows()['Cancelled in PAS']).toBe('No, still booked in the PAS');
    await click('confirm-send');
    expect(client.inputs('referral.reject')).toEqual([
      {
        ubrn: UBRN,
        version: '4',
        reasonCode: 'WRONG_SERVICE',
        comments: 'Please refer to the community clinic (synthetic).',
        appointmentCancelledInPas: false,
      },
    ]);
  });

  it('keeps the answer in the draft', async () => {
    const drafts = new Map();
    const first = fakeReviewClient({ 'referral.open': referralScreen(indirectlyBooked()) }, drafts);
    const { wrapper } = await mountReview(first, `/referral/${UBRN}`);
    await fillReason();
    await check('reject-pas-yes');
    wrapper.unmount();
    await expect.poll(() => [...drafts.values()][0]?.form['reject.pas']).toBe('yes');
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(indirectlyBooked()) }, drafts), `/referral/${UBRN}`);
    expect(byTestId<HTMLInputElement>('reject-pas-yes')?.checked).toBe(true);
  });
});

describe('rejecting a referral booked into a directly bookable service', () => {
  it('does not ask about the PAS, and sends no answer (e-RS refuses one there)', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()), 'referral.reject': SENT });
    await mountReview(client, `/referral/${UBRN}`);
    await fillReason();
    expect(byTestId('reject-pas')).toBeNull();
    await click('reject-submit');
    expect(confirmRows()['Cancelled in PAS']).toBeUndefined();
    await click('confirm-send');
    expect(client.inputs('referral.reject')[0]).not.toHaveProperty('appointmentCancelledInPas');
  });
});
