import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, channels } from '../../../contract';
import { AppError } from '../../../electron/app-error';
import { dispatch } from '../../../electron/dispatch';
import { createLogger } from '../../../electron/log/logger';
import { startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { dispatchTarget, handlersWith } from '../../helpers/handlers';

let direct: DirectApp;
beforeAll(async () => {
  direct = await startDirectApp();
});
afterAll(async () => {
  await direct.close();
});

describe('the contract', () => {
  it('names every channel once and the composition root handles each of them', async () => {
    expect(new Set(channelNames).size).toBe(channelNames.length);
    expect(Object.keys(direct.app.handlers).sort()).toEqual([...channelNames].sort());
  });

  it('rejects an unknown channel with a typed error and never reaches a handler', async () => {
    for (const name of ['nope', 'app.info ', '__proto__', 'constructor', 'toString', 42, null]) {
      const result = await dispatch(direct.app, name, {});
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('UNKNOWN_CHANNEL');
        expect(result.error.message).toMatch(/\.\s|\.$/);
      }
    }
  });

  it('rejects invalid input with field issues before the handler runs', async () => {
    let reached = 0;
    const handlers = handlersWith({
      'app.info': async () => {
        reached++;
        throw new Error('must not run');
      },
    });
    for (const input of [{ extra: 1 }, 'text', 7, [], JSON.parse('{"__proto__": {"polluted": true}}') as unknown]) {
      const result = await dispatch(dispatchTarget(handlers), 'app.info', input);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('INVALID_INPUT');
        expect(result.error.issues?.length).toBeGreaterThan(0);
      }
    }
    expect(reached).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers app.info with the version and environment', async () => {
    const result = await dispatch(direct.app, 'app.info', {});
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'e-RS Triage',
        version: '0.0.0-test',
        environment: 'local',
        environmentLabel: 'Local (synthetic training data)',
        managed: false,
        transport: 'browser-host',
        setup: null,
      },
    });
  });

  it('passes an AppError through as its shape, with the correlation id', async () => {
    const handlers = handlersWith({
      'app.info': async () => {
        throw new AppError('ERS_412', 'Someone else changed this referral. Reload it and check before sending again.', {
          correlationId: 'abc-123',
        });
      },
    });
    const result = await dispatch(dispatchTarget(handlers), 'app.info', {});
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'ERS_412',
        message: 'Someone else changed this referral. Reload it and check before sending again.',
        correlationId: 'abc-123',
      },
    });
  });

  it('turns any other thrown error into INTERNAL without leaking its text, and logs it redacted', async () => {
    const lines: string[] = [];
    const handlers = handlersWith({
      'app.info': async () => {
        throw new Error('secret detail eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl for 943 476 5919');
      },
    });
    const result = await dispatch(
      dispatchTarget(handlers),
      'app.info',
      {},
      createLogger((line) => lines.push(line)),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INTERNAL');
      expect(result.error.message).not.toContain('secret detail');
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('eyJhbGci');
    expect(lines[0]).not.toContain('943 476 5919');
  });

  it('gives every channel an input schema', () => {
    for (const name of channelNames) expect(channels[name].input).toBeDefined();
  });

  it("holds decisions to e-RS's own rules, with the sentences the forms show", async () => {
    let reached = 0;
    const handlers = handlersWith({
      'referral.reject': async () => {
        reached++;
        throw new Error('must not run');
      },
      'referral.recordTriageOutcome': async () => {
        reached++;
        throw new Error('must not run');
      },
    });
    const target = dispatchTarget(handlers);
    const base = { ubrn: '000000070000', version: '4' };
    // A014: "Maximum 2000 characters."
    expect(await dispatch(target, 'referral.reject', { ...base, reasonCode: 'R1', comments: 'x'.repeat(2001) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', issues: [{ path: 'comments', message: 'Comments must be 2,000 characters or fewer: remove 1.' }] },
    });
    // A028 records only 'Return to referrer with advice' and 'Accept and refer/book later'.
    expect(
      await dispatch(target, 'referral.recordTriageOutcome', { ...base, outcome: 'CANCEL_APPOINTMENT_ACTION_LATER', comments: 'c' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', issues: [{ path: 'outcome' }] },
    });
    expect(reached).toBe(0);
  });
});
