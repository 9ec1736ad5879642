import { describe, expect, it } from 'vitest';
import type { DecisionOutcome } from '../../../contract';
import { TriageError } from '../../../renderer/api/client';
import {
  bookedReferral,
  byTestId,
  check,
  choose,
  click,
  confirmRows,
  fakeReviewClient,
  itemShown,
  mountReview,
  need,
  pickFile,
  referralScreen,
  rowsFor,
  until,
  text,
  triageReferral,
  type,
  UBRN,
  withWorklist,
  cleanUpReviewScreens,
} from './fixtures';

cleanUpReviewScreens();

const SENT: DecisionOutcome = { status: 'sent', correlationId: 'corr-1', message: 'Referral accepted.' };

describe('the allowed actions decide the controls', () => {
  it('offers accept and reject for a referral booked for review, and no triage outcome', async () => {
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }), `/referral/${UBRN}`);
    expect(byTestId('decision-accept')).not.toBeNull();
    expect(byTestId('decision-reject')).not.toBeNull();
    expect(byTestId('decision-triage')).toBeNull();
    expect(text('shortcut-help')).toContain('A accept');
    expect(text('shortcut-help')).not.toContain('T triage');
  });

  it('offers the triage outcome where A029 allows RECORD_REVIEW_OUTCOME, and not accept or reject', async () => {
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(triageReferral()) }), `/referral/${UBRN}`);
    expect(byTestId('decision-triage')).not.toBeNull();
    expect(byTestId('decision-accept')).toBeNull();
    expect(byTestId('decision-reject')).toBeNull();
    expect(text('summary-referral-type')).toBe('Referral assessment (triage)');
    expect(text('shortcut-help')).toContain('T triage outcome');
  });

  it('offers nothing when A029 allows no review, and says why', async () => {
    const referral = triageReferral(UBRN, {
      allowedActions: ['CANCEL_REFERRAL'],
      state: { code: 'TRIAGE_RESPONSE', display: 'Triage response' },
    });
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(referral) }), `/referral/${UBRN}`);
    expect(byTestId('decision-triage')).toBeNull();
    expect(byTestId('decision-accept')).toBeNull();
    expect(text('decision-none')).toBe('e-RS allows no review decision on this referral now (its state is Triage response).');
  });

  it('follows the state when e-RS did not list the allowed actions (A029 refused), and says that, not "offline"', async () => {
    // Online and fresh: NHS's sandbox answers A029 with 400 for the examples' own versions.
    const referral = triageReferral(UBRN, { allowedActions: null });
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(referral, { stale: false }) }), `/referral/${UBRN}`);
    expect(byTestId('decision-triage')).not.toBeNull();
    expect(text('decision-actions-unknown')).toBe(
      "e-RS did not list the decisions it allows on this referral, so these choices follow the referral's state; e-RS will refuse one it does not allow.",
    );
    expect(text('decision-actions-unknown')).not.toContain('offline');
  });

  it('offers the triage outcome on a referral deferred to the provider when e-RS did not list the actions, as A028 allows', async () => {
    // NHS's sandbox: 000000070003 DeferredToProvider, A029 refused at its version.
    const referral = triageReferral(UBRN, {
      allowedActions: null,
      state: { code: 'DEFERRED_TO_PROVIDER', display: 'Deferred To Provider' },
    });
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(referral) }), `/referral/${UBRN}`);
    expect(byTestId('decision-triage')).not.toBeNull();
    expect(byTestId('decision-accept')).toBeNull();
    expect(byTestId('decision-reject')).toBeNull();
  });

  it('offers no decision to a provider admin, who may not make one', async () => {
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }), `/referral/${UBRN}`, {
      businessFunction: 'SERVICE_PROVIDER_ADMIN',
    });
    expect(byTestId('decision-accept')).toBeNull();
    // Told up front what the role can do, instead of an item e-RS would refuse it.
    expect(text('review-role-limits')).toContain(
      'e-RS lets only clinicians, and admins working on behalf of a clinician, open referrals and record decisions',
    );
    expect(byTestId('review-retry')).toBeNull();
  });
});

describe('form checks before anything is sent', () => {
  it('reject: a reason and comments are required, and the comments have a live count and a limit', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) });
    await mountReview(client, `/referral/${UBRN}`);
    await click('decision-reject');
    expect(need('decision-reject').getAttribute('aria-pressed')).toBe('true');
    expect(document.activeElement).toBe(need('reject-reason'));
    expect(text('reject-comments-count')).toBe('You have 2,000 characters remaining');

    await click('reject-submit');
    expect(need('reject-errors').getAttribute('role')).toBe('alert');
    expect(document.activeElement).toBe(need('reject-errors'));
    expect(text('reject-errors')).toContain('Choose a reason for rejecting the referral.');
    expect(text('reject-errors')).toContain('Write comments for the referrer explaining the rejection.');
    expect(text('reject-reason-error')).toContain('Choose a reason');
    expect(need('reject-comments').getAttribute('aria-invalid')).toBe('true');
    // Each problem links to its field.
    const link = need('reject-errors').querySelector<HTMLAnchorElement>('a[data-field]');
    link?.click();
    expect(document.activeElement).toBe(need('reject-reason'));

    await choose('reject-reason', 'WRONG_SERVICE');
    await type('reject-comments', 'x'.repeat(2001));
    expect(text('reject-comments-count')).toBe('You have 1 character too many');
    await click('reject-submit');
    expect(text('reject-errors')).toBe('There is a problem Comments must be 2,000 characters or fewer: remove 1.');
    expect(byTestId('confirm-dialog')).toBeNull();
    expect(client.inputs('referral.reject')).toEqual([]);
  });

  it('reject: says so when the reasons cannot be loaded, and loads them on request', async () => {
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral()),
      'referral.rejectionReasons': new TriageError({ code: 'ERS_503', message: 'e-RS is not answering. Try again in a few minutes.' }),
    });
    await mountReview(client, `/referral/${UBRN}`);
    await click('decision-reject');
    expect(text('reject-reasons-error')).toContain('e-RS is not answering.');
    client.handlers['referral.rejectionReasons'] = [{ code: 'R1', display: 'Synthetic reason' }];
    await click('reject-reasons-retry');
    expect(byTestId('reject-reasons-error')).toBeNull();
    expect(Array.from(need<HTMLSelectElement>('reject-reason').options).map((o) => o.text)).toEqual([
      'Choose a reason',
      'Synthetic reason',
    ]);
  });

  it('triage: an outcome and comments are required; returning with advice keeps the priority', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(triageReferral()) });
    await mountReview(client, `/referral/${UBRN}`);
    await click('decision-triage');
    await click('triage-submit');
    expect(text('triage-errors')).toContain('Choose a triage outcome.');
    expect(text('triage-errors')).toContain('Write comments for the referrer.');

    await check('triage-outcome-ACCEPT_REFER_BOOK_LATER');
    await choose('triage-priority', 'URGENT');
    expect(need('triage-comments').closest('.form-group')?.querySelector('label')?.textContent).toBe('Comments for your admin team');
    await check('triage-outcome-RETURN_TO_REFERRER_WITH_ADVICE');
    const priority = need<HTMLSelectElement>('triage-priority');
    expect(priority.disabled).toBe(true);
    expect(priority.value).toBe('');
    await type('triage-comments', 'y'.repeat(8001));
    await click('triage-submit');
    expect(text('triage-errors')).toBe('There is a problem Comments must be 8,000 characters or fewer: remove 1.');
    expect(client.inputs('referral.recordTriageOutcome')).toEqual([]);
  });

  it('triage: a file too big, of a type e-RS refuses, or not what its name says is refused before sending', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(triageReferral()) });
    await mountReview(client, `/referral/${UBRN}`);
    await click('decision-triage');

    // A refused file replaces a good one chosen before: nothing is left to send by mistake.
    await pickFile('triage-file', new File(['%PDF-1.4 first'], 'first.pdf', { type: 'application/pdf' }));
    await until(() => expect(text('triage-file-chosen')).toContain('first.pdf'));
    await pickFile('triage-file', new File([new Uint8Array(5 * 1024 * 1024 + 1)], 'big.pdf', { type: 'application/pdf' }));
    await until(() => expect(text('triage-file-error')).toContain('The file is 5.0 MB: e-RS accepts files of up to 5 MB.'));
    expect(byTestId('triage-file-chosen')).toBeNull();

    await pickFile('triage-file', new File(['MZ'], 'tool.exe', { type: 'application/x-msdownload' }));
    await until(() => expect(text('triage-file-error')).toContain('e-RS does not accept this type of file.'));

    await pickFile('triage-file', new File(['just text'], 'scan.pdf', { type: 'application/pdf' }));
    await until(() => expect(text('triage-file-error')).toContain('labelled as a PDF document but its contents are a text file'));

    await check('triage-outcome-ACCEPT_REFER_BOOK_LATER');
    await type('triage-comments', 'Book into the synthetic clinic.');
    await click('triage-submit');
    expect(text('triage-errors')).toContain('labelled as a PDF document');
    expect(byTestId('confirm-dialog')).toBeNull();

    await pickFile('triage-file', new File(['%PDF-1.4 synthetic'], 'advice sheet.pdf', { type: 'application/pdf' }));
    await until(() => expect(text('triage-file-chosen')).toContain('advice sheet.pdf'));
    expect(byTestId('triage-file-error')).toBeNull();
    await click('triage-submit');
    expect(byTestId('confirm-dialog')).not.toBeNull();
  });
});

describe('confirmation and sending', () => {
  it('shows exactly what will be sent, sends nothing on "go back", and sends only on confirm', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()), 'referral.reject': SENT });
    withWorklist(client, 'referrals', rowsFor([UBRN]));
    await mountReview(client, `/referral/${UBRN}`);
    await click('decision-reject');
    await choose('reject-reason', 'WRONG_SERVICE');
    await type('reject-comments', '  Please refer to the synthetic rapid-access clinic.\nThank you.  ');
    await click('reject-submit');

    expect(need('confirm-dialog').getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(need('confirm-send'));
    expect(confirmRows()).toEqual({
      Patient: 'Not checked with PDS NHS number 999 000 0001 (fails its check digit)',
      Decision: 'Reject the referral and return it to the referrer',
      Referral: '1000 0000 0001',
      Reason: 'Referred to the wrong service (synthetic)',
      Comments: 'Please refer to the synthetic rapid-access clinic.\nThank you.',
    });

    await click('confirm-cancel');
    expect(byTestId('confirm-dialog')).toBeNull();
    expect(client.inputs('referral.reject')).toEqual([]);
    expect(document.activeElement).toBe(need('reject-submit'));

    await click('reject-submit');
    await click('confirm-send');
    expect(client.inputs('referral.reject')).toEqual([
      { ubrn: UBRN, version: '4', reasonCode: 'WRONG_SERVICE', comments: 'Please refer to the synthetic rapid-access clinic.\nThank you.' },
    ]);
  });

  it('sends a triage outcome with its priority change and file, as shown', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(triageReferral()), 'referral.recordTriageOutcome': SENT });
    withWorklist(client, 'triage', rowsFor([UBRN]));
    await mountReview(client, `/referral/${UBRN}?list=triage`);
    await click('decision-triage');
    await check('triage-outcome-ACCEPT_REFER_BOOK_LATER');
    await choose('triage-priority', 'TWO_WEEK_WAIT');
    await type('triage-comments', 'Book within two weeks.');
    await pickFile('triage-file', new File(['%PDF-1.4 synthetic'], 'plan.pdf', { type: '' }));
    await click('triage-submit');
    expect(confirmRows()).toEqual({
      Patient: 'Not checked with PDS NHS number 999 000 0001 (fails its check digit)',
      Decision: 'Accept, refer or book later',
      Referral: '1000 0000 0001',
      Priority: 'Change from Routine to Two week wait',
      Comments: 'Book within two weeks.',
      Attachment: 'plan.pdf (18 bytes)',
    });
    await click('confirm-send');
    const [sent] = client.inputs('referral.recordTriageOutcome');
    expect(sent).toMatchObject({
      ubrn: UBRN,
      version: '4',
      outcome: 'ACCEPT_REFER_BOOK_LATER',
      comments: 'Book within two weeks.',
      priority: 'TWO_WEEK_WAIT',
    });
    expect(sent?.attachment?.fileName).toBe('plan.pdf');
    expect(sent?.attachment?.contentType).toBe('application/pdf');
    expect(new TextDecoder().decode(sent?.attachment?.bytes)).toBe('%PDF-1.4 synthetic');
  });

  it('after success says so and moves on to the next item of the list, then back to the list after the last', async () => {
    const second = '100000000002';
    const client = fakeReviewClient({
      'referral.open': ({ ubrn }) => referralScreen(bookedReferral(ubrn)),
      'referral.accept': SENT,
    });
    withWorklist(client, 'referrals', rowsFor([UBRN, second]));
    const mounted = await mountReview(client, `/referral/${UBRN}`);
    await click('decision-accept');
    expect(confirmRows()).toMatchObject({ Decision: 'Accept the referral' });
    // The version is sent, not shown: it means nothing to a clinician.
    expect(need('confirm-dialog').textContent).not.toMatch(/version/i);
    await click('confirm-send');

    expect(client.inputs('referral.accept')).toEqual([{ ubrn: UBRN, version: '4' }]);
    await until(() => expect(mounted.router.currentRoute.value.fullPath).toBe(`/referral/${second}?list=referrals`));
    await itemShown(`Referral ${second}`);
    expect(need('decision-status').getAttribute('role')).toBe('status');
    await until(() => expect(text('decision-status')).toBe('1000 0000 0001: Referral accepted. This is the next referral in your list.'));
    await until(() => expect(document.activeElement).toBe(need('item-heading')));

    await click('decision-accept');
    await click('confirm-send');
    await until(() => expect(mounted.router.currentRoute.value.path).toBe('/worklists/referrals'));
    // The list says what became of the last one (NHS's sandbox has one referral per list).
    await until(() => expect(text('worklist-decided')).toBe('1000 0000 0002: Referral accepted. That was the last item on this list.'));
    expect(need('worklist-decided').closest('[role="status"]')).not.toBeNull();
  });

  it('skips an item decided already when the list still shows it', async () => {
    const [a, b, c] = ['100000000011', '100000000012', '100000000013'];
    const client = fakeReviewClient({ 'referral.open': ({ ubrn }) => referralScreen(bookedReferral(ubrn)), 'referral.accept': SENT });
    withWorklist(client, 'referrals', rowsFor([a, b, c]));
    const mounted = await mountReview(client, `/referral/${b}`);
    await click('decision-accept');
    await click('confirm-send');
    await until(() => expect(mounted.router.currentRoute.value.path).toBe(`/referral/${c}`));
    await itemShown(`Referral ${c}`);
    // Back to a, then the next after a is b, decided already: c.
    await mounted.router.push(`/referral/${a}?list=referrals`);
    await itemShown(`Referral ${a}`);
    await click('decision-accept');
    await click('confirm-send');
    await until(() => expect(mounted.router.currentRoute.value.path).toBe(`/referral/${c}`));
    expect(client.inputs('referral.accept')).toEqual([
      { ubrn: b, version: '4' },
      { ubrn: a, version: '4' },
    ]);
  });

  it('says a decision made offline is queued, and moves on', async () => {
    const second = '100000000002';
    const client = fakeReviewClient({
      'referral.open': ({ ubrn }) => referralScreen(bookedReferral(ubrn)),
      'referral.accept': { status: 'queued', outboxId: 'out-1', message: 'Saved to send later.' },
    });
    withWorklist(client, 'referrals', rowsFor([UBRN, second]));
    await mountReview(client, `/referral/${UBRN}`);
    await click('decision-accept');
    await click('confirm-send');
    await until(() =>
      expect(text('decision-status')).toBe(
        '1000 0000 0001: Queued: will be sent when e-RS is reachable. This is the next referral in your list.',
      ),
    );
  });

  it('keeps the decision and says what to do when sending fails', async () => {
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral()),
      'referral.reject': new TriageError({
        code: 'ERS_422',
        message: 'e-RS refused the rejection: the reason is not in force. Choose another reason.',
      }),
    });
    const mounted = await mountReview(client, `/referral/${UBRN}`);
    await click('decision-reject');
    await choose('reject-reason', 'WRONG_SERVICE');
    await type('reject-comments', 'Synthetic comment.');
    await click('reject-submit');
    await click('confirm-send');
    await until(() =>
      expect(text('decision-error')).toBe('e-RS refused the rejection: the reason is not in force. Choose another reason.'),
    );
    expect(need('decision-error').getAttribute('role')).toBe('alert');
    await until(() => expect(document.activeElement).toBe(need('decision-error')));
    expect(need<HTMLTextAreaElement>('reject-comments').value).toBe('Synthetic comment.');
    expect(mounted.router.currentRoute.value.path).toBe(`/referral/${UBRN}`);
  });
});

describe('a conflict', () => {
  it('shows what changed, keeps the decision, and sends it again against the new version', async () => {
    const current = bookedReferral(UBRN, { version: '6', priority: 'TWO_WEEK_WAIT' });
    let answer: DecisionOutcome = {
      status: 'conflict',
      referral: current,
      changes: [
        { field: 'Version', before: '4', after: '6' },
        { field: 'Priority', before: 'URGENT', after: 'TWO_WEEK_WAIT' },
      ],
      message: 'Someone else changed this referral while you were looking at it.',
    };
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()), 'referral.reject': () => answer });
    withWorklist(client, 'referrals', rowsFor([UBRN]));
    const mounted = await mountReview(client, `/referral/${UBRN}`);
    await click('decision-reject');
    await choose('reject-reason', 'CLINICALLY_INAPPROPRIATE');
    await type('reject-comments', 'Synthetic reason for the referrer.');
    await click('reject-submit');
    await click('confirm-send');

    const panel = await until(() => need('conflict-panel'));
    expect(text('conflict-message')).toBe('Someone else changed this referral while you were looking at it.');
    const changes = Array.from(panel.querySelectorAll('[data-testid="conflict-change"]')).map((row) =>
      Array.from(row.children).map((c) => c.textContent),
    );
    // The version is e-RS's concurrency token: listed nowhere a clinician reads.
    expect(changes).toEqual([['Priority', 'URGENT', 'TWO_WEEK_WAIT']]);
    expect(text('conflict-kept')).toContain('Synthetic reason for the referrer.');
    expect(text('conflict-panel')).not.toMatch(/version/i);
    // The screen shows the referral as it is now.
    expect(text('summary-priority')).toBe('Two week wait');
    await until(() => expect(document.activeElement?.id).toBe('conflict-heading'));

    answer = { status: 'sent', correlationId: 'c2', message: 'Referral rejected and returned to the referrer.' };
    await click('conflict-resend');
    expect(client.inputs('referral.reject').map((i) => i.version)).toEqual(['4', '6']);
    expect(client.inputs('referral.reject')[1]).toMatchObject({
      reasonCode: 'CLINICALLY_INAPPROPRIATE',
      comments: 'Synthetic reason for the referrer.',
    });
    await until(() => expect(mounted.router.currentRoute.value.path).toBe('/worklists/referrals'));
  });

  it('lets the user drop the decision, and its draft', async () => {
    const drafts = new Map();
    const client = fakeReviewClient(
      {
        'referral.open': referralScreen(bookedReferral()),
        'referral.accept': {
          status: 'conflict',
          referral: bookedReferral(UBRN, { version: '5' }),
          changes: [{ field: 'Version', before: '4', after: '5' }],
          message: 'Changed meanwhile.',
        },
      },
      drafts,
    );
    await mountReview(client, `/referral/${UBRN}`);
    await click('decision-accept');
    await click('confirm-send');
    expect(byTestId('conflict-panel')).not.toBeNull();
    await click('conflict-discard');
    expect(byTestId('conflict-panel')).toBeNull();
    expect(byTestId('decision-accept')).not.toBeNull();
    expect(client.inputs('referral.accept')).toHaveLength(1);
  });

  it('lets the user change the kept decision, which then goes against the new version', async () => {
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral()),
      'referral.reject': {
        status: 'conflict',
        referral: bookedReferral(UBRN, { version: '7' }),
        changes: [{ field: 'Version', before: '4', after: '7' }],
        message: 'Changed meanwhile.',
      },
    });
    await mountReview(client, `/referral/${UBRN}`);
    await click('decision-reject');
    await choose('reject-reason', 'WRONG_SERVICE');
    await type('reject-comments', 'First wording.');
    await click('reject-submit');
    await click('confirm-send');
    await click('conflict-edit');
    expect(byTestId('conflict-panel')).toBeNull();
    expect(need<HTMLTextAreaElement>('reject-comments').value).toBe('First wording.');
    expect(document.activeElement).toBe(need('reject-reason'));
    await type('reject-comments', 'Second wording, after seeing the change.');
    await click('reject-submit');
    expect(confirmRows()).toMatchObject({ Comments: 'Second wording, after seeing the change.' });
    await click('confirm-send');
    expect(client.inputs('referral.reject').map((i) => [i.version, i.comments])).toEqual([
      ['4', 'First wording.'],
      ['7', 'Second wording, after seeing the change.'],
    ]);
  });

  it('will not send again a decision the change rules out', async () => {
    const rejected = bookedReferral(UBRN, { version: '5', state: { code: 'REJECTED', display: 'Rejected' } });
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral()),
      'referral.accept': {
        status: 'conflict',
        referral: rejected,
        changes: [{ field: 'Status', before: 'Booked', after: 'Rejected' }],
        message: 'Changed meanwhile.',
      },
    });
    await mountReview(client, `/referral/${UBRN}`);
    await click('decision-accept');
    await click('confirm-send');
    expect(text('conflict-blocked')).toContain('e-RS no longer allows this decision');
    expect(need<HTMLButtonElement>('conflict-resend').disabled).toBe(true);
  });
});
