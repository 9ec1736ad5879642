/**
 * The key that lets two asks for a worklist share one answer in flight: anything that makes
 * the list another user's, another role's or another list must make the key differ.
 */
import { describe, expect, it } from 'vitest';
import { worklistRequestKey, type ReferralWorklistInput } from '../../../electron/ers/worklists';

const identity = {
  userId: '555000000001',
  role: { businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN', organisationOds: 'R69', onBehalfOfUserId: '555000000002' },
};
const list: ReferralWorklistInput = { listType: 'REFERRALS_FOR_REVIEW' };

describe('worklistRequestKey', () => {
  it('is the same for the same user, role and list, however the objects were built', () => {
    const again = {
      role: { onBehalfOfUserId: '555000000002', organisationOds: 'R69', businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN' },
      userId: '555000000001',
    };
    expect(worklistRequestKey(again, { listType: 'REFERRALS_FOR_REVIEW' })).toBe(worklistRequestKey(identity, list));
  });

  it('differs for another user, business function, organisation or clinician acted for', () => {
    const key = worklistRequestKey(identity, list);
    const others = [
      { ...identity, userId: '555000000009' },
      { ...identity, role: { ...identity.role, businessFunction: 'SERVICE_PROVIDER_ADMIN' } },
      { ...identity, role: { ...identity.role, organisationOds: 'RX1' } },
      { ...identity, role: { ...identity.role, onBehalfOfUserId: '555000000003' } },
      { ...identity, role: { ...identity.role, onBehalfOfUserId: null } },
    ];
    const keys = others.map((other) => worklistRequestKey(other, list));
    for (const other of keys) expect(other).not.toBe(key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('differs for another list or any filter', () => {
    const inputs: ReferralWorklistInput[] = [
      list,
      { listType: 'APPOINTMENT_SLOT_ISSUES' },
      { ...list, serviceId: '1001' },
      { ...list, specialty: { assigned: true, code: 'CARDIOLOGY' } },
      { ...list, specialty: { assigned: false } },
      { ...list, locationOds: 'R69AA' },
      { ...list, clinician: { assigned: true, userId: '555000000002' } },
      { ...list, clinician: { assigned: false } },
    ];
    const keys = inputs.map((input) => worklistRequestKey(identity, input));
    expect(new Set(keys).size).toBe(inputs.length);
  });

  it('cannot be made to collide by putting a separator inside a value', () => {
    const a = worklistRequestKey({ ...identity, userId: 'a","b' }, list);
    const b = worklistRequestKey({ ...identity, userId: 'a' }, { ...list, serviceId: 'b' });
    expect(a).not.toBe(b);
  });
});
