/** A029 Task bundle to the codes of the actions e-RS allows this user on the referral. */
import { malformedError, type ErsErrorContext } from './ers-error';
import { codeOf, referencedId } from './fhir-access';
import { Bundle, Task } from './fhir-types';
import { parseResource, parseShape } from './parse-fhir';

/** The action codes e-RS documents (eRS-AvailableActionsForUser-1); others are kept as given. */
export const KNOWN_ACTIONS = [
  'RECORD_REVIEW_OUTCOME',
  'CREATE_APPOINTMENT',
  'CHANGE_SHORTLIST',
  'CHANGE_SHORTLIST_AND_SEND_FOR_TRIAGE',
  'CANCEL_REFERRAL',
  'CANCEL_DIRECTLY_BOOKED_APPOINTMENT',
] as const;

export function mapAvailableActions(body: unknown, expectedUbrn: string, context: ErsErrorContext): string[] {
  const bundle = parseResource(Bundle, 'Bundle', body, context);
  const actions: string[] = [];
  for (const entry of bundle.entry ?? []) {
    if (entry.resource.resourceType !== 'Task') continue;
    const task = parseShape(Task, entry.resource, context, 'an action');
    const focus = referencedId(task.focus?.reference, 'ReferralRequest');
    if (focus && focus.id !== expectedUbrn) throw malformedError(context, 'an action is for another referral');
    const code = codeOf(task.code);
    if (code !== null && !actions.includes(code)) actions.push(code);
  }
  return actions;
}
