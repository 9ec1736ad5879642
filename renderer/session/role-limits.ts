/**
 * What each e-RS role lets the user do in this app, said once and up front. e-RS lets a
 * service provider admin list the worklists (A008, A023) and nothing more: reading a
 * referral or an A&G request and every decision need a clinician, or a clinician admin
 * acting for one. So that role is told so, and offered nothing it would be refused.
 */
import type { RoleOption } from '../../contract';

type BusinessFunction = RoleOption['businessFunction'];

export const SERVICE_PROVIDER_ADMIN_LIMITS =
  'As a service provider admin you can see your organisation\u2019s worklists, but e-RS lets only clinicians, and admins working on behalf of a clinician, open referrals and record decisions.';

/** The one sentence a role needs up front, or null when it can do everything the app offers. */
export function roleLimitsText(businessFunction: BusinessFunction | null | undefined): string | null {
  return businessFunction === 'SERVICE_PROVIDER_ADMIN' ? SERVICE_PROVIDER_ADMIN_LIMITS : null;
}

/** Whether the role may open worklist items (e-RS's A005 and A024). */
export function canOpenItems(businessFunction: BusinessFunction | null | undefined): boolean {
  return businessFunction !== 'SERVICE_PROVIDER_ADMIN';
}
