import { describe, expect, it } from 'vitest';
import { channelNames, channels, type Channel, type ChannelInput, type SessionPhase } from '../../../contract';
import { dispatch } from '../../../electron/dispatch';
import type { Handlers } from '../../../electron/handlers';
import { dispatchTarget } from '../../helpers/handlers';

// Who may call what is declared once, in the contract, and dispatch() holds every call to
// it before a handler runs; no handler checks the session itself.

/** The sign-in screen's own channels: the only ones callable before sign-in. */
const OPEN_CHANNELS: readonly Channel[] = [
  'app.info',
  'session.get',
  'session.signIn',
  'session.cancelSignIn',
  'session.chooseRole',
  'session.signOut',
  'session.activity',
];

const UBRN = '000000070000';
const FILE = { fileName: 'letter.pdf', contentType: 'application/pdf', bytes: new Uint8Array([37, 80, 68, 70]) };

/** A valid input for every channel, so the schema passes and only the session decides. */
const VALID: { [C in Channel]: ChannelInput<C> } = {
  'app.info': {},
  'session.get': {},
  'session.signIn': {},
  'session.cancelSignIn': {},
  'session.chooseRole': { roleId: 'role-1' },
  'session.signOut': {},
  'session.activity': {},
  'worklist.fetch': { kind: 'referrals' },
  'referral.open': { ubrn: UBRN },
  'referral.attachment': { ubrn: UBRN, attachmentId: 'att-70000-70001' },
  'referral.clinicalInfo': { ubrn: UBRN },
  'referral.rejectionReasons': {},
  'referral.accept': { ubrn: UBRN, version: '4' },
  'referral.reject': { ubrn: UBRN, version: '4', reasonCode: 'R1', comments: 'Not for this service.' },
  'referral.recordTriageOutcome': {
    ubrn: UBRN,
    version: '4',
    outcome: 'ACCEPT_REFER_BOOK_LATER',
    comments: 'Book routine.',
    priority: 'URGENT',
    attachment: FILE,
  },
  'attachment.openExternally': { source: 'referral', ubrn: UBRN, attachmentId: 'att-70000-70001' },
  'advice.open': { ubrn: UBRN },
  'advice.attachment': { ubrn: UBRN, attachmentId: 'att-70000-70001' },
  'advice.overview': { ubrn: UBRN },
  'advice.reply': { ubrn: UBRN, outcome: 'REQUIRE_FURTHER_INFORMATION', guidance: 'Please send bloods.', priority: 'ROUTINE' },
  'advice.convert': { ubrn: UBRN, version: '4', guidance: 'Referring on.', priority: 'ROUTINE', reviewComments: 'Book soon.' },
  'draft.load': { itemId: 'r-000000070000' },
  'draft.save': { itemId: 'r-000000070000', form: { comments: 'half-written' } },
  'draft.discard': { itemId: 'r-000000070000' },
  'offline.status': {},
  'outbox.cancel': { id: 'outbox-1' },
  'patient.get': { nhsNumber: '9000000009' },
  'patient.summaries': { nhsNumbers: ['9000000009'] },
  'templates.list': {},
  'templates.save': { kind: 'reject', title: 'Community MSK first', text: 'Please refer to the community MSK service first.' },
  'templates.delete': { id: 'b3f1c2d4-0000-4000-8000-000000000001' },
};

/** Every handler records that it ran and answers 'ran'. */
function recordingHandlers(reached: string[]): Handlers {
  const handlers: Record<string, () => Promise<unknown>> = {};
  for (const name of channelNames) {
    handlers[name] = async () => {
      reached.push(name);
      return 'ran';
    };
  }
  return handlers as unknown as Handlers;
}

const NOT_SIGNED_IN: SessionPhase[] = ['signed-out', 'waiting-for-browser', 'choosing-role'];

describe('session policy', () => {
  it("is declared by every channel, and only the sign-in screen's channels need no session", () => {
    for (const name of channelNames) expect(['required', 'none'], name).toContain(channels[name].session);
    expect(channelNames.filter((name) => channels[name].session === 'none').sort()).toEqual([...OPEN_CHANNELS].sort());
  });

  it('has a valid input in this test for every channel', () => {
    expect(Object.keys(VALID).sort()).toEqual([...channelNames].sort());
  });

  it('refuses a session-required channel before sign-in, and never calls its handler', async () => {
    for (const phase of NOT_SIGNED_IN) {
      const reached: string[] = [];
      const target = dispatchTarget(recordingHandlers(reached), phase);
      for (const name of channelNames.filter((c) => channels[c].session === 'required')) {
        const result = await dispatch(target, name, VALID[name]);
        expect(result, `${name} while ${phase}`).toEqual({
          ok: false,
          error: { code: 'NOT_SIGNED_IN', message: 'Sign in and choose your role to see worklists.' },
        });
      }
      expect(reached).toEqual([]);
    }
  });

  it('refuses a session-required channel while locked, and never calls its handler', async () => {
    const reached: string[] = [];
    const target = dispatchTarget(recordingHandlers(reached), 'locked');
    for (const name of channelNames.filter((c) => channels[c].session === 'required')) {
      const result = await dispatch(target, name, VALID[name]);
      expect(result, name).toEqual({ ok: false, error: { code: 'LOCKED', message: 'The app is locked. Sign in again to carry on.' } });
    }
    expect(reached).toEqual([]);
  });

  it("runs the sign-in screen's channels in every phase, and every channel once signed in", async () => {
    for (const phase of [...NOT_SIGNED_IN, 'locked', 'signed-in'] as SessionPhase[]) {
      const reached: string[] = [];
      const target = dispatchTarget(recordingHandlers(reached), phase);
      const admitted = phase === 'signed-in' ? channelNames : OPEN_CHANNELS;
      for (const name of admitted)
        expect(await dispatch(target, name, VALID[name]), `${name} while ${phase}`).toEqual({ ok: true, value: 'ran' });
      expect(reached).toEqual([...admitted]);
    }
  });

  it('still answers invalid input as invalid before looking at the session', async () => {
    const reached: string[] = [];
    const result = await dispatch(dispatchTarget(recordingHandlers(reached), 'signed-out'), 'referral.open', { ubrn: '12' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(reached).toEqual([]);
  });
});
