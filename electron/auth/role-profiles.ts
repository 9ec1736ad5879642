/**
 * The user's CIS2 role profiles, and which one a chosen e-RS role stands for. CIS2 gives
 * each role profile the user holds in `nhsid_nrbac_roles` (scope `nationalrbacaccess`, in
 * the ID token or from userinfo): its id (`person_roleid`, the URID PDS takes as
 * NHSD-Session-URID), the organisation (`org_code`) and the national job role
 * (`role_code`, "S…:G…:R…"). e-RS's roles (A030) are PractitionerRoles per organisation
 * with e-RS business functions, and carry no CIS2 id, so the two are matched by the
 * organisation's ODS code; where the user holds several profiles there, by whether the job
 * role is clinical, as the e-RS business function is.
 */
import type { RoleOption } from '../../contract';

export interface Cis2RoleProfile {
  /** `person_roleid`: the URID, digits only. */
  roleProfileId: string;
  /** `org_code`: the organisation's ODS code. */
  organisationOds: string;
  /** `role_code`: the national RBAC job role, e.g. S8000:G8000:R8000. */
  roleCode: string;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The role profiles in a CIS2 claim set; entries without a usable id or organisation are left out. */
export function cis2RoleProfiles(claims: Readonly<Record<string, unknown>>): Cis2RoleProfile[] {
  const roles = claims.nhsid_nrbac_roles;
  if (!Array.isArray(roles)) return [];
  const profiles: Cis2RoleProfile[] = [];
  for (const entry of roles as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const record = entry as Record<string, unknown>;
    const roleProfileId = text(record.person_roleid);
    const organisationOds = text(record.org_code);
    // PDS takes the URID as digits only (its specification's pattern ^[0-9]+$).
    if (!roleProfileId || !/^\d{1,20}$/.test(roleProfileId) || !organisationOds) continue;
    profiles.push({ roleProfileId, organisationOds, roleCode: text(record.role_code) ?? '' });
  }
  return profiles;
}

/** The national job roles of clinical staff: the "Clinical" staff group (S8000), as CIS2 codes it. */
const isClinicalJobRole = (roleCode: string): boolean => roleCode.startsWith('S8000:');

/** The CIS2 role profile an e-RS role is held under, or null where CIS2 gave none at that organisation. */
export function roleProfileFor(
  role: { organisationOds: string; businessFunction: RoleOption['businessFunction'] },
  profiles: readonly Cis2RoleProfile[],
): string | null {
  const atOrganisation = profiles.filter((p) => p.organisationOds.toUpperCase() === role.organisationOds.toUpperCase());
  if (atOrganisation.length <= 1) return atOrganisation[0]?.roleProfileId ?? null;
  const clinical = role.businessFunction === 'SERVICE_PROVIDER_CLINICIAN';
  return (atOrganisation.find((p) => isClinicalJobRole(p.roleCode) === clinical) ?? atOrganisation[0])?.roleProfileId ?? null;
}
