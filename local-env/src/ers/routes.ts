/**
 * The e-RS API's paths under `<origin>/referrals/FHIR`, each mapped to its operation and
 * handler, exactly as the specification lays them out.
 */
import { type ErsOperationId } from './operation-ids';
import { type OperationHandler } from './operation-context';
import { convertAdviceToReferral, retrieveAdvice, retrieveConversation, sendAdviceResponse } from './ops/advice';
import { retrieveAttachmentR4, retrieveAttachmentStu3, uploadFile } from './ops/attachments';
import { listAvailableActions } from './ops/available-actions';
import { retrieveBusinessFunctions } from './ops/business-functions';
import { retrieveOnBehalfOfPractitioners } from './ops/practitioners';
import { acceptReferral, recordTriageOutcome, rejectReferral } from './ops/referral-decisions';
import { retrieveAppointment, retrieveReferral } from './ops/referral-reads';
import { retrieveCodeSystem } from './ops/reference-data';
import { adviceOverview, clinicalInformation } from './ops/summaries';
import { fetchAdviceWorklist, fetchReferralWorklist } from './ops/worklists';

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  operation: ErsOperationId;
  handler: OperationHandler;
}

function path(template: string): RegExp {
  const body = template
    .split('/')
    .map((part) => (part.startsWith(':') ? `(?<${part.slice(1)}>[^/]+)` : part.replace(/[$.]/g, (c) => `\\${c}`)))
    .join('/');
  return new RegExp(`^/referrals/FHIR${body}$`);
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: path('/STU3/CodeSystem/:codeSystemType'), operation: 'A004', handler: retrieveCodeSystem },
  { method: 'POST', pattern: path('/STU3/ReferralRequest/$ers.fetchworklist'), operation: 'A008', handler: fetchReferralWorklist },
  {
    method: 'POST',
    pattern: path('/STU3/ReferralRequest/$ers.createFromCommunicationRequestActionLater'),
    operation: 'A027',
    handler: convertAdviceToReferral,
  },
  { method: 'GET', pattern: path('/STU3/ReferralRequest/:ubrn'), operation: 'A005', handler: retrieveReferral },
  { method: 'GET', pattern: path('/STU3/ReferralRequest/:ubrn/_history/:version'), operation: 'A005', handler: retrieveReferral },
  { method: 'POST', pattern: path('/STU3/ReferralRequest/:ubrn/$ers.generateCRI'), operation: 'A007', handler: clinicalInformation },
  { method: 'POST', pattern: path('/STU3/ReferralRequest/:ubrn/$ers.acceptReferral'), operation: 'A013', handler: acceptReferral },
  { method: 'POST', pattern: path('/STU3/ReferralRequest/:ubrn/$ers.rejectReferral'), operation: 'A014', handler: rejectReferral },
  {
    method: 'POST',
    pattern: path('/STU3/ReferralRequest/:ubrn/$ers.recordReviewOutcome'),
    operation: 'A028',
    handler: recordTriageOutcome,
  },
  { method: 'GET', pattern: path('/STU3/Binary/:id'), operation: 'A006', handler: retrieveAttachmentStu3 },
  { method: 'POST', pattern: path('/STU3/Binary'), operation: 'A020', handler: uploadFile },
  { method: 'POST', pattern: path('/STU3/CommunicationRequest/$ers.fetchworklist'), operation: 'A023', handler: fetchAdviceWorklist },
  { method: 'GET', pattern: path('/STU3/CommunicationRequest/:ubrn'), operation: 'A024', handler: retrieveAdvice },
  { method: 'GET', pattern: path('/STU3/CommunicationRequest/:ubrn/_history/:version'), operation: 'A024', handler: retrieveAdvice },
  { method: 'GET', pattern: path('/STU3/Communication'), operation: 'A025', handler: retrieveConversation },
  {
    method: 'POST',
    pattern: path('/STU3/CommunicationRequest/:ubrn/$ers.sendCommunicationToRequester'),
    operation: 'A026',
    handler: sendAdviceResponse,
  },
  { method: 'POST', pattern: path('/STU3/CommunicationRequest/:ubrn/$ers.generateCRI'), operation: 'A043', handler: adviceOverview },
  { method: 'GET', pattern: path('/STU3/Task'), operation: 'A029', handler: listAvailableActions },
  { method: 'GET', pattern: path('/STU3/Appointment/:id'), operation: 'A038', handler: retrieveAppointment },
  { method: 'GET', pattern: path('/STU3/Appointment/:id/_history/:version'), operation: 'A038', handler: retrieveAppointment },
  { method: 'GET', pattern: path('/R4/PractitionerRole'), operation: 'A030', handler: retrieveBusinessFunctions },
  { method: 'GET', pattern: path('/R4/Practitioner'), operation: 'A040', handler: retrieveOnBehalfOfPractitioners },
  { method: 'GET', pattern: path('/R4/Binary/:id'), operation: 'A042', handler: retrieveAttachmentR4 },
];

export type RouteMatch = { route: Route; params: Record<string, string> } | { route: null; allowed: string[] };

export function matchRoute(method: string, pathname: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    // An operation name in the id position ($ers.x) is not an id.
    const params = { ...(match.groups ?? {}) };
    if (Object.values(params).some((value) => value.startsWith('$'))) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return { route: null, allowed };
}
