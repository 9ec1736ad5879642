/**
 * Rejecting a referral booked into an indirectly bookable service, end to end against the
 * local e-RS: the app reads from A005 that the booking has no slot, the reject form's own
 * rule then asks about the PAS, and the decision it prepares is accepted by e-RS (A014
 * requires appointmentCancelledInPAS for such a booking). A directly bookable one gets no
 * such question, and e-RS takes it without. Also the NHS examples themselves (BookedIBS,
 * BookedDBS): the client tells the two apart the same way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralView, WorklistRow } from '../../../contract';
import { mapReferral } from '../../../electron/ers/map-referral';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import type { TriageClient } from '../../../renderer/api/client';
import { rejectAsksPas } from '../../../renderer/review/decision-rules';
import { prepareReject } from '../../../renderer/review/prepared-decision';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { hasReference, referenceDir } from '../../helpers/repo';

/** The seeded referral of the defect report: booked into "Riverside Cardiology ... (booked by the trust)". */
const IBS_UBRN = '000510000577';

let direct: DirectApp;
let rows: WorklistRow[];

beforeAll(async () => {
  direct = await startDirectApp();
  await signInDirect(direct, CONSULTANT_UID, 'R69');
  rows = (await direct.call('worklist.fetch', { kind: 'referrals' })).rows;
}, 60_000);

afterAll(async () => {
  await direct.close();
});

/** The renderer's client, over the app's own dispatch. */
const client = (): TriageClient => ({ call: (channel, input) => direct.call(channel, input), on: () => () => undefined });

async function rejectAsTheFormWould(referral: ReferralView, answer: 'yes' | 'no' | ''): Promise<unknown> {
  const reasons = await direct.call('referral.rejectionReasons', {});
  const reason = reasons.find((r) => r.code === 'SERVICE_INAPPROPRIATE') ?? reasons[0];
  if (!reason) throw new Error('no rejection reasons');
  const decision = prepareReject(
    referral,
    { reasonCode: reason.code, comments: 'Synthetic: please refer to the community clinic.', cancelledInPas: answer },
    reason.display,
    rejectAsksPas(referral),
  );
  return decision.send(client(), referral.version);
}

describe('reject against the local e-RS', () => {
  it('asks about the PAS for the indirectly bookable booking, and e-RS takes the rejection with the answer', async () => {
    expect(rows.some((row) => row.ubrn === IBS_UBRN)).toBe(true);
    const { referral } = await direct.call('referral.open', { ubrn: IBS_UBRN });
    expect(referral.appointment?.indirectlyBookable).toBe(true);
    expect(rejectAsksPas(referral)).toBe(true);
    const outcome = await rejectAsTheFormWould(referral, 'yes');
    expect(outcome).toMatchObject({ status: 'sent' });
    expect(direct.local?.emulator.referral(IBS_UBRN)?.status.code).toBe('REJECTED');
    const sent = direct.local?.emulator.operations().filter((o) => o.operation === 'A014' && o.path.includes(IBS_UBRN));
    expect(sent?.map((o) => o.status)).toEqual([200]);
  });

  it('does not ask for a directly bookable booking, and e-RS takes the rejection without it', async () => {
    let dbs: ReferralView | null = null;
    for (const row of rows) {
      const { referral } = await direct.call('referral.open', { ubrn: row.ubrn });
      if (referral.appointment?.status === 'booked' && !referral.appointment.indirectlyBookable && referral.state?.code === 'BOOKED') {
        dbs = referral;
        break;
      }
    }
    if (!dbs) throw new Error('no directly bookable referral awaiting review in the seed');
    expect(rejectAsksPas(dbs)).toBe(false);
    expect(await rejectAsTheFormWould(dbs, '')).toMatchObject({ status: 'sent' });
    expect(direct.local?.emulator.referral(dbs.ubrn)?.status.code).toBe('REJECTED');
  });
});

describe.skipIf(!hasReference)('the NHS examples', () => {
  const read = (name: string): unknown =>
    JSON.parse(readFileSync(path.join(referenceDir, 'examples/stu3/retrieveReferralRequest/responses', name), 'utf8'));
  const map = (name: string) =>
    mapReferral(read(name), { now: new Date('2021-09-13T12:00:00Z') }, { operation: 'A005', correlationId: 'c' });

  it('BookedIBS (000000070002) is indirectly bookable, BookedDBS is not', () => {
    expect(map('BookedIBS.json').appointment?.indirectlyBookable).toBe(true);
    expect(map('BookedDBS.json').appointment?.indirectlyBookable).toBe(false);
    expect(map('Unbooked.json').appointment?.indirectlyBookable ?? false).toBe(false);
  });
});
