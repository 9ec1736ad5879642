/**
 * A decision checked and ready to send: the patient it is about, the rows the confirmation
 * shows (exactly what will go to e-RS, in words), whether it takes the patient off the
 * two-week-wait pathway (which asks for a second confirmation), and the one call that sends
 * it. Sending takes the version, because a conflict sends the same decision again against
 * the referral's new version; the version is e-RS's bookkeeping and is never shown.
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
import { fileSizeText, nhsNumberText, PRIORITY_TEXT, ubrnText } from './review-text';

export type DecisionAction = 'accept' | 'reject' | 'triage' | 'reply' | 'convert';

export interface SummaryRow {
  label: string;
  value: string;
  /** Long free text, shown in full with its line breaks. */
  long?: boolean;
  testid: string;
}

/** The referral or A&G request a decision is about, as the screen shows it. */
export interface DecisionSubject {
  ubrn: string;
  /** As e-RS gives it; shown formatted 3 3 4. */
  nhsNumber: string;
  /** The patient's name where the app has one (PDS); null leaves the name out. */
  patientName: string | null;
}

/** A two-week-wait referral given a lower priority: the patient leaves the 2WW (suspected cancer) pathway. */
export interface Downgrade {
  from: 'TWO_WEEK_WAIT';
  to: Exclude<Priority, 'TWO_WEEK_WAIT'>;
}

export interface PreparedDecision {
  action: DecisionAction;
  /** The dialog's heading, a question: "Accept this referral?" */
  title: string;
  /** The send button's words. */
  sendLabel: string;
  /** Who the decision is about, shown above the rows: the name slot, then the NHS number. */
  patient: { name: string | null; nhsNumber: string };
  rows: () => SummaryRow[];
  /** Set when the decision downgrades a two-week wait: confirmed a second time, explicitly. */
  downgrade: Downgrade | null;
  send: (client: TriageClient, version: string) => Promise<DecisionOutcome>;
}

function patientOf(subject: DecisionSubject): PreparedDecision['patient'] {
  return { name: subject.patientName, nhsNumber: nhsNumberText(subject.nhsNumber) };
}

/** From a two-week wait to anything else is a downgrade off the 2WW pathway. */
export function downgradeOf(current: Priority, chosen: Priority | undefined): Downgrade | null {
  return current === 'TWO_WEEK_WAIT' && chosen !== undefined && chosen !== 'TWO_WEEK_WAIT' ? { from: 'TWO_WEEK_WAIT', to: chosen } : null;
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

export function prepareAccept(subject: DecisionSubject): PreparedDecision {
  const { ubrn } = subject;
  return {
    action: 'accept',
    title: 'Accept this referral?',
    sendLabel: 'Accept referral',
    patient: patientOf(subject),
    rows: () => [{ label: 'Decision', value: 'Accept the referral', testid: 'confirm-row-decision' }, ...itemRows('Referral', ubrn)],
    downgrade: null,
    send: (client, version) => client.call('referral.accept', { ubrn, version }),
  };
}

export function prepareReject(subject: DecisionSubject, form: RejectForm, reasonText: string, asksPas: boolean): PreparedDecision {
  const { ubrn } = subject;
  const reasonCode = form.reasonCode;
  const comments = form.comments.trim();
  if (asksPas && form.cancelledInPas === '') throw new Error('prepareReject needs the PAS question answered.');
  // Sent exactly when e-RS requires it (an indirectly bookable service), never otherwise.
  const pas = asksPas ? { appointmentCancelledInPas: form.cancelledInPas === 'yes' } : {};
  const pasRow: SummaryRow[] = asksPas
    ? [
        {
          label: 'Cancelled in PAS',
          value: form.cancelledInPas === 'yes' ? 'Yes, already cancelled in the PAS' : 'No, still booked in the PAS',
          testid: 'confirm-row-pas',
        },
      ]
    : [];
  return {
    action: 'reject',
    title: 'Reject this referral?',
    sendLabel: 'Reject referral',
    patient: patientOf(subject),
    downgrade: null,
    rows: () => [
      { label: 'Decision', value: 'Reject the referral and return it to the referrer', testid: 'confirm-row-decision' },
      ...itemRows('Referral', ubrn),
      { label: 'Reason', value: reasonText, testid: 'confirm-row-reason' },
      { label: 'Comments', value: comments, long: true, testid: 'confirm-row-comments' },
      ...pasRow,
    ],
    send: (client, version) => client.call('referral.reject', { ubrn, version, reasonCode, comments, ...pas }),
  };
}

export function prepareTriage(subject: DecisionSubject, form: TriageForm, currentPriority: Priority): PreparedDecision {
  if (form.outcome === '') throw new Error('prepareTriage needs a validated form.');
  const { ubrn } = subject;
  const outcome = form.outcome;
  const comments = form.comments.trim();
  const priority = form.priority === '' || form.priority === currentPriority ? undefined : form.priority;
  const file = form.file;
  return {
    action: 'triage',
    title: 'Record this triage outcome?',
    sendLabel: 'Record outcome',
    patient: patientOf(subject),
    downgrade: downgradeOf(currentPriority, priority),
    rows: () => [
      { label: 'Decision', value: TRIAGE_OUTCOME_TEXT[outcome].label, testid: 'confirm-row-decision' },
      ...itemRows('Referral', ubrn),
      {
        label: 'Priority',
        value: priority
          ? `Change from ${PRIORITY_TEXT[currentPriority]} to ${PRIORITY_TEXT[priority]}`
          : `Unchanged (${PRIORITY_TEXT[currentPriority]})`,
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

export function prepareReply(subject: DecisionSubject, form: ReplyForm, currentPriority: Priority): PreparedDecision {
  if (form.outcome === '' || form.priority === '') throw new Error('prepareReply needs a validated form.');
  const { ubrn } = subject;
  const outcome = form.outcome;
  const priority = form.priority;
  const recommendation = outcome === 'RETURN_TO_REFERRER_WITH_ADVICE' && form.recommendation !== '' ? form.recommendation : undefined;
  const guidance = form.guidance.trim();
  const file = form.file;
  const rows: SummaryRow[] = [
    { label: 'Reply', value: REPLY_OUTCOME_TEXT[outcome], testid: 'confirm-row-decision' },
    ...itemRows('Advice request', ubrn),
  ];
  if (recommendation)
    rows.push({ label: 'Intended recommendation', value: RECOMMENDATION_TEXT[recommendation], testid: 'confirm-row-recommendation' });
  rows.push(
    { label: 'Priority', value: PRIORITY_TEXT[priority], testid: 'confirm-row-priority' },
    { label: 'Guidance', value: guidance, long: true, testid: 'confirm-row-guidance' },
    fileRow(file),
  );
  return {
    action: 'reply',
    title: 'Send this reply to the referrer?',
    sendLabel: 'Send reply',
    patient: patientOf(subject),
    downgrade: downgradeOf(currentPriority, priority),
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

export function prepareConvert(subject: DecisionSubject, form: ConvertForm, currentPriority: Priority): PreparedDecision {
  if (form.priority === '') throw new Error('prepareConvert needs a validated form.');
  const { ubrn } = subject;
  const priority = form.priority;
  const guidance = form.guidance.trim();
  const reviewComments = form.reviewComments.trim();
  const guidanceFile = form.guidanceFile.file;
  const referralFile = form.referralFile.file;
  const upload = (file: PickedFile) => ({ fileName: file.fileName, contentType: file.contentType, bytes: file.bytes });
  return {
    action: 'convert',
    title: 'Convert this request to a referral?',
    sendLabel: 'Convert to referral',
    patient: patientOf(subject),
    downgrade: downgradeOf(currentPriority, priority),
    rows: () => [
      { label: 'Decision', value: 'Convert the advice request to a referral', testid: 'confirm-row-decision' },
      ...itemRows('Advice request', ubrn),
      { label: 'Priority of the referral', value: PRIORITY_TEXT[priority], testid: 'confirm-row-priority' },
      { label: 'Guidance for the referrer', value: guidance, long: true, testid: 'confirm-row-guidance' },
      { ...fileRow(guidanceFile), label: 'File for the referrer', testid: 'confirm-row-guidance-file' },
      { label: 'Comments for the booking team', value: reviewComments, long: true, testid: 'confirm-row-comments' },
      { ...fileRow(referralFile), label: 'File for the booking team', testid: 'confirm-row-referral-file' },
    ],
    send: (client, version) =>
      client.call('advice.convert', {
        ubrn,
        version,
        guidance,
        priority,
        reviewComments,
        ...(guidanceFile ? { guidanceAttachment: upload(guidanceFile) } : {}),
        ...(referralFile ? { referralAttachment: upload(referralFile) } : {}),
      }),
  };
}
