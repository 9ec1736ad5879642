import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import {
  allByTestId,
  bookedReferral,
  byTestId,
  choose,
  click,
  fakeReviewClient,
  key,
  mountReview,
  need,
  referralScreen,
  rowsFor,
  until,
  shown,
  text,
  triageReferral,
  type,
  UBRN,
  withWorklist,
  cleanUpReviewScreens,
} from './fixtures';

cleanUpReviewScreens();

async function press(name: string, target: Element | null = document.activeElement, init: KeyboardEventInit = {}): Promise<KeyboardEvent> {
  const event = key(name, target, init);
  await nextTick();
  return event;
}

function selectedName(): string | null | undefined {
  return allByTestId('attachment-item')
    .find((item) => item.getAttribute('aria-current') === 'true')
    ?.querySelector('.review-attachment__name')?.textContent;
}

describe('keyboard shortcuts', () => {
  it('lists the keys that work on this screen in a visible help line', async () => {
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }), `/referral/${UBRN}`);
    expect(text('shortcut-help')).toBe(
      'Keys: A accept R reject N next attachment P previous attachment J next item K previous item U back to the list Ctrl + Enter check or send a form Esc close a dialog All keyboard shortcuts and settings',
    );
  });

  it('a opens the accept confirmation; Escape closes it, sends nothing, and focus goes back', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) });
    await mountReview(client, `/referral/${UBRN}`);
    const heading = need('item-heading');
    expect(document.activeElement).toBe(heading);

    expect((await press('a')).defaultPrevented).toBe(true);
    expect(byTestId('confirm-dialog')).not.toBeNull();
    await until(() => expect(document.activeElement).toBe(need('confirm-send')));
    // The screen underneath is out of reach while the dialog is open.
    expect(document.getElementById('main')?.inert).toBe(true);
    // While the dialog is open its keys are its own: r does not open the reject form.
    await press('r');
    expect(byTestId('reject-form')).toBeNull();

    await press('Escape');
    expect(byTestId('confirm-dialog')).toBeNull();
    expect(document.getElementById('main')?.inert).toBe(false);
    await until(() => expect(document.activeElement).toBe(heading));
    expect(client.inputs('referral.accept')).toEqual([]);
  });

  it('Ctrl+Enter sends from the confirmation', async () => {
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral()),
      'referral.accept': { status: 'sent', correlationId: 'c', message: 'Referral accepted.' },
    });
    withWorklist(client, 'referrals', rowsFor([UBRN]));
    await mountReview(client, `/referral/${UBRN}`);
    await press('a');
    await press('Enter', need('confirm-send'), { ctrlKey: true });
    expect(client.inputs('referral.accept')).toEqual([{ ubrn: UBRN, version: '4' }]);
  });

  it('Tab stays inside the open dialog', async () => {
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }), `/referral/${UBRN}`);
    await press('a');
    const cancel = need('confirm-cancel');
    cancel.focus();
    expect((await press('Tab', cancel)).defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(need('confirm-send'));
    expect((await press('Tab', need('confirm-send'), { shiftKey: true })).defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(cancel);
  });

  it('r opens the reject form on its first field; letters typed into a field stay there; Ctrl+Enter checks the form', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) });
    await mountReview(client, `/referral/${UBRN}`);
    await press('r', document.body);
    await until(() => expect(document.activeElement).toBe(need('reject-reason')));

    const comments = need<HTMLTextAreaElement>('reject-comments');
    comments.focus();
    expect((await press('a', comments)).defaultPrevented).toBe(false);
    expect(byTestId('confirm-dialog')).toBeNull();

    await press('Enter', comments, { ctrlKey: true });
    expect(text('reject-errors')).toContain('Choose a reason for rejecting the referral.');

    await choose('reject-reason', 'WRONG_SERVICE');
    await type('reject-comments', 'Synthetic comment.');
    await press('Enter', need('reject-comments'), { ctrlKey: true });
    expect(byTestId('confirm-dialog')).not.toBeNull();
    expect(client.inputs('referral.reject')).toEqual([]);
  });

  it('t opens the triage form where a triage outcome is allowed, and a does nothing there', async () => {
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(triageReferral()) }), `/referral/${UBRN}`);
    expect((await press('a', document.body)).defaultPrevented).toBe(false);
    expect(byTestId('confirm-dialog')).toBeNull();
    await press('t', document.body);
    expect(byTestId('triage-form')).not.toBeNull();
    await until(() => expect(document.activeElement).toBe(need('triage-outcome-RETURN_TO_REFERRER_WITH_ADVICE')));
  });

  it('n and p move through the attachments', async () => {
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }), `/referral/${UBRN}`);
    expect(selectedName()).toBe('Referral letter 1.txt');
    await press('n', document.body);
    expect(selectedName()).toBe('Blood results.txt');
    await until(() => expect(text('text-content')).toBe('Synthetic letter text for att-2.'));
    await press('n', document.body);
    expect(selectedName()).toBe('Blood results.txt');
    await press('p', document.body);
    await press('p', document.body);
    expect(selectedName()).toBe('Clinical information summary');
    await until(() => expect(text('text-content')).toBe('Synthetic clinical information summary.'));
  });

  it('leaves a key a viewer has used to the viewer', async () => {
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }), `/referral/${UBRN}`);
    await shown('text-viewer');
    const stage = need('text-viewer');
    stage.addEventListener('keydown', (event) => event.preventDefault(), { once: true });
    await press('r', stage);
    expect(byTestId('reject-form')).toBeNull();
  });
});

describe('focus', () => {
  it('moves into the form the user chose, and into the error summary when the form is wrong', async () => {
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }), `/referral/${UBRN}`);
    await click('decision-reject');
    expect(document.activeElement).toBe(need('reject-reason'));
    await click('reject-submit');
    expect(document.activeElement).toBe(need('reject-errors'));
    expect(need('reject-reason').getAttribute('aria-describedby')).toContain('-error');
  });
});
