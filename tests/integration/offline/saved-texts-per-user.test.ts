/**
 * Saved texts are the user's wording, not a role's: a text saved while working at one
 * organisation is there at another, and for nobody else. (Patient data stays per role:
 * role-partitions.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/log/logger';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local-env/src/index';
import { CONSULTANT_UID, SECOND_CONSULTANT_UID } from '../../../local-env/src/users';
import { signInDirect, startDirectApp, type DirectApp } from '../../helpers/app-direct';

let root: string;
let env: LocalEnvironment;
let app: DirectApp;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'saved-texts-per-user-'));
  env = await startLocalEnvironment({ dataDir: path.join(root, 'env'), log: silentLogger });
  app = await startDirectApp({ userDataDir: path.join(root, 'user'), localEnvironment: env });
}, 60_000);

afterAll(async () => {
  await app?.app.dispose();
  await env?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('saved texts per user', () => {
  it('a text saved at one organisation is there at the other, and not for another user', async () => {
    await signInDirect(app, CONSULTANT_UID, 'R69');
    const saved = await app.call('templates.save', {
      kind: 'reply',
      title: 'Bloods first',
      text: 'Please send recent bloods (synthetic).',
    });
    expect(saved.map((t) => t.title)).toEqual(['Bloods first']);
    await app.call('session.signOut', {});

    await signInDirect(app, CONSULTANT_UID, 'R68');
    expect((await app.call('templates.list', {})).map((t) => [t.title, t.text])).toEqual([
      ['Bloods first', 'Please send recent bloods (synthetic).'],
    ]);
    await app.call('session.signOut', {});

    await signInDirect(app, SECOND_CONSULTANT_UID, 'R69');
    expect(await app.call('templates.list', {})).toEqual([]);
    await app.call('session.signOut', {});
  }, 120_000);
});
