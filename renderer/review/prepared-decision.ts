/**
 * A decision checked and ready to send: the rows the confirmation shows (exactly what will
 * go to e-RS, in words) and the one call that sends it. The send takes the version, because a
 * conflict sends the same decision again against the referral's new version.
 */
import type { DecisionOutcome, Priority } from '../../contract';
import type { TriageClient } from '../api/client';
import {
  RECOMMENDATION_TEXT,
  REPLY_OUTCOME_TEXT,
  TRIAGE_OUTCOME_TEXT,
  type ConvertForm,
  type PickedFile,
  type RejectForm,
  type ReplyForm,
  type TriageForm,
} from './decision-rules';
import { fileSizeText, PRIORITY_TEXT, ubrnText } from './review-text';

export type DecisionAction = 'accept' | 'reject' | 'triage' | 'reply' | 'convert';

export interface SummaryRow {
  label: string;
  value: string;
  /** Long free text, shown in full with its line breaks. */
  long?: boolean;
  testid: string;
}

export interface PreparedDecision {
  action: DecisionAction;
  /** The dialog's heading, a question: "Accept this referral?" */
  title: string;
  /** The send button's words. */
  sendLabel: string;
  /**
   * What the confirmation shows. Not the item's version: that is e-RS's concurrency token,
   * sent with the decision but meaningless to a clinician.
   */
  rows: () => SummaryRow[];
  send: (client: TriageClient, version: string) => Promise<DecisionOutcome>;
}

function fileRow(file: PickedFile | null): SummaryRow {
  return {
    label: 'Attachment',
    value: file ? `${file.fileName} (${fileSizeText(file.bytes.byteLength)})` : 'None',
    testid: 'confirm-row-file',
  };
}

function itemRows(kindLabel: string, ubrn: string): SummaryRow[] {
  return [{ label: kindLabel, value: ubrnText(ubrn), testid: 'confirm-row-ubrn' }];
}

export function prepareAccept(ubrn: string): PreparedDecision {
  return {
    action: 'accept',
    title: 'Accept this referral?',
    sendLabel: 'Accept referral',
    rows: () => [{ label: 'Decision', value: 'Accept the referral', testid: 'confirm-row-decision' }, ...itemRows('Referral', ubrn)],
    send: (client, version) => client.call('referral.accept', { ubrn, version }),
  };
}

export function prepareReject(ubrn: string, form: RejectForm, reasonText: string): PreparedDecision {
  const reasonCode = form.reasonCode;
  const comments = form.comments.trim();
  return {
    action: 'reject',
    title: 'Reject this referral?',
    sendLabel: 'Reject referral',
    rows: () => [
      { label: 'Decision', value: 'Reject the referral and return it to the referrer', testid: 'confirm-row-decision' },
      ...itemRows('Referral', ubrn),
      { label: 'Reason', value: reasonText, testid: 'confirm-row-reason' },
      { label: 'Comments', value: comments, long: true, testid: 'confirm-row-comments' },
    ],
    send: (client, version) => client.call('referral.reject', { ubrn, version, reasonCode, comments }),
  };
}

export function prepareTriage(ubrn: string, form: TriageForm, currentPriority: Priority): PreparedDecision {
  if (form.outcome === '') throw new Error('prepareTriage needs a validated form.');
  const outcome = form.outcome;
  const comments = form.comments.trim();
  const priority = form.priority === '' || form.priority === currentPriority ? undefined : form.priority;
  const file = form.file;
  return {
    action: 'triage',
    title: 'Record this triage outcome?',
    sendLabel: 'Record outcome',
    rows: () => [
      { label: 'Decision', value: TRIAGE_OUTCOME_TEXT[outcome].label, testid: 'confirm-row-decision' },
      ...itemRows('Referral', ubrn),
      {
        label: 'Priority',
        value: priority ? `Change from ${PRIORITY_TEXT[currentPriority]} to ${PRIORITY_TEXT[priority]}` : `Unchanged (${PRIORITY_TEXT[currentPriority]})`,
        testid: 'confirm-row-priority',
      },
      { label: 'Comments', value: comments, long: true, testid: 'confirm-row-comments' },
      fileRow(file),
    ],
    send: (client, version) =>
      client.call('referral.recordTriageOutcome', {
        ubrn,
        version,
        outcome,
        comments,
        ...(priority ? { priority } : {}),
        ...(file ? { attachment: { fileName: file.fileName, contentType: file.contentType, bytes: file.bytes } } : {}),
      }),
  };
}

export function prepareReply(ubrn: string, form: ReplyForm): PreparedDecision {
  if (form.outcome === '' || form.priority === '') throw new Error('prepareReply needs a validated form.');
  const outcome = form.outcome;
  const priority = form.priority;
  const recommendation = outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' && form.recommendation !== '' ? form.recommendation : undefined;
  const guidance = form.guidance.trim();
  const file = form.file;
  const rows: SummaryRow[] = [
    { label: 'Reply', value: REPLY_OUTCOME_TEXT[outcome], testid: 'confirm-row-decision' },
    ...itemRows('Advice request', ubrn),
  ];
  if (recommendation) rows.push({ label: 'Intended recommendation', value: RECOMMENDATION_TEXT[recommendation], testid: 'confirm-row-recommendation' });
  rows.push(
    { label: 'Priority', value: PRIORITY_TEXT[priority], testid: 'confirm-row-priority' },
    { label: 'Guidance', value: guidance, long: true, testid: 'confirm-row-guidance' },
    fileRow(file),
  );
  return {
    action: 'reply',
    title: 'Send this reply to the referrer?',
    sendLabel: 'Send reply',
    rows: () => rows,
    send: (client) =>
      client.call('advice.reply', {
        ubrn,
        outcome,
        ...(recommendation ? { intendedRecommendation: recommendation } : {}),
        guidance,
        priority,
        ...(file ? { attachment: { fileName: file.fileName, contentType: file.contentType, bytes: file.bytes } } : {}),
      }),
  };
}

export function prepareConvert(ubrn: string, form: ConvertForm): PreparedDecision {
  if (form.priority === '') throw new Error('prepareConvert needs a validated form.');
  const priority = form.priority;
  const guidance = form.guidance.trim();
  const reviewComments = form.reviewComments.trim();
  return {
    action: 'convert',
    title: 'Convert this request to a referral?',
    sendLabel: 'Convert to referral',
    rows: () => [
      { label: 'Decision', value: 'Convert the advice request to a referral', testid: 'confirm-row-decision' },
      ...itemRows('Advice request', ubrn),
      { label: 'Priority of the referral', value: PRIORITY_TEXT[priority], testid: 'confirm-row-priority' },
      { label: 'Guidance for the referrer', value: guidance, long: true, testid: 'confirm-row-guidance' },
      { label: 'Comments for the booking team', value: reviewComments, long: true, testid: 'confirm-row-comments' },
    ],
    send: (client, version) => client.call('advice.convert', { ubrn, version, guidance, priority, reviewComments }),
  };
}
