/**
 * Sending an A&G reply again after the first send had no answer: A026 carries no version,
 * so e-RS would take a second copy. The app first looks for the first one in the
 * conversation; found, nothing is sent again; not found, it is sent; when it cannot look,
 * it sends nothing and says so. The whole app against the local e-RS with its faults.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/log/logger';
import { NO_FAULTS } from '../../../local-env/src/ers';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local-env/src/index';
import { CONSULTANT_UID } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';

let env: LocalEnvironment;
let root: string;
let app: DirectApp;
const used = new Set<string>();

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'advice-resend-'));
  env = await startLocalEnvironment({ dataDir: path.join(root, 'local-env'), log: silentLogger });
  app = await startDirectApp({ userDataDir: path.join(root, 'user'), localEnvironment: env });
  await signInDirect(app, CONSULTANT_UID, 'R69');
}, 60_000);

afterAll(async () => {
  await app?.close();
  await env?.close();
  rmSync(root, { recursive: true, force: true });
});

async function awaitingReply(): Promise<string> {
  for (const row of (await app.call('worklist.fetch', { kind: 'advice' })).rows) {
    if (used.has(row.ubrn) || env.emulator.advice(row.ubrn)?.status !== 'PROVIDER_RESPONSE_REQUIRED') continue;
    used.add(row.ubrn);
    return row.ubrn;
  }
  throw new Error('no A&G request is waiting for a reply');
}

const reply = (ubrn: string, guidance: string) => ({
  ubrn,
  outcome: 'REQUIRE_FURTHER_INFORMATION' as const,
  guidance,
  priority: 'ROUTINE' as const,
});
const a026For = (ubrn: string) => env.emulator.operations().filter((o) => o.operation === 'A026' && o.path.includes(ubrn));
const repliesWith = (ubrn: string, guidance: string) =>
  (env.emulator.advice(ubrn)?.messages ?? []).filter((m) => m.category === 'RESPONDER' && m.text === guidance).length;

describe('sending an A&G reply again after its answer was lost', () => {
  it('finds the first one in the conversation and does not send it again', async () => {
    const ubrn = await awaitingReply();
    const guidance = 'Synthetic: please repeat the ultrasound before referral.';
    env.emulator.setFaults({ loseAnswerRate: 1, onlyOperations: ['A026'] });
    const lost = await app.raw('advice.reply', reply(ubrn, guidance));
    expect(lost).toMatchObject({ ok: false, error: { message: expect.stringMatching(/may or may not have been recorded/) } });
    expect(repliesWith(ubrn, guidance)).toBe(1);

    env.emulator.setFaults(NO_FAULTS);
    const again = await app.call('advice.reply', reply(ubrn, guidance));
    expect(again).toMatchObject({
      status: 'sent',
      message: 'Your earlier reply had reached e-RS, so it was not sent again. Reload the request to see it in the conversation.',
    });
    expect(a026For(ubrn)).toHaveLength(1);
    expect(repliesWith(ubrn, guidance)).toBe(1);
  });

  it('sends nothing, and says so, while it cannot look; then finds it', async () => {
    const ubrn = await awaitingReply();
    const guidance = 'Synthetic: advice only; review in primary care.';
    env.emulator.setFaults({ loseAnswerRate: 1, onlyOperations: ['A026'] });
    expect((await app.raw('advice.reply', reply(ubrn, guidance))).ok).toBe(false);

    // e-RS fails the read the check needs.
    env.emulator.setFaults({ serverErrorRate: 1, serverErrorStatus: 500, onlyOperations: ['A024'] });
    const unchecked = await app.raw('advice.reply', reply(ubrn, guidance));
    expect(unchecked).toMatchObject({
      ok: false,
      error: {
        code: 'ADVICE_REPLY_UNCONFIRMED',
        message:
          'The app could not check whether your earlier reply reached e-RS, so it has not sent it again. Try again when e-RS is reachable; your reply is kept as a draft.',
      },
    });
    expect(a026For(ubrn)).toHaveLength(1);

    env.emulator.setFaults(NO_FAULTS);
    expect((await app.call('advice.reply', reply(ubrn, guidance))).status).toBe('sent');
    expect(a026For(ubrn)).toHaveLength(1);
    expect(repliesWith(ubrn, guidance)).toBe(1);
  });

  it('sends it when the first never reached the conversation', async () => {
    const ubrn = await awaitingReply();
    const guidance = 'Synthetic: please add the medication history.';
    env.emulator.setFaults({ serverErrorRate: 1, serverErrorStatus: 502, onlyOperations: ['A026'] });
    expect((await app.raw('advice.reply', reply(ubrn, guidance))).ok).toBe(false);
    expect(repliesWith(ubrn, guidance)).toBe(0);

    env.emulator.setFaults(NO_FAULTS);
    const again = await app.call('advice.reply', reply(ubrn, guidance));
    expect(again).toMatchObject({ status: 'sent', message: 'Advice sent to the referrer.' });
    expect(a026For(ubrn).map((o) => o.status)).toEqual([502, 200]);
    expect(repliesWith(ubrn, guidance)).toBe(1);
  });
});
