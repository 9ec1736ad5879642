import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, channels } from '../../../electron/api';
import { AppError } from '../../../electron/app-error';
import { dispatch } from '../../../electron/dispatch';
import type { Handlers } from '../../../electron/handlers';
import { createLogger } from '../../../electron/log/logger';
import { startDirectApp, type DirectApp } from '../../helpers/app-direct';
import { handlersWith } from '../../helpers/handlers';

let direct: DirectApp;
beforeAll(async () => {
  direct = await startDirectApp();
});
afterAll(async () => {
  await direct.close();
});
const realHandlers = async (): Promise<Handlers> => direct.app.handlers;

describe('the contract', () => {
  it('names every channel once and the composition root handles each of them', async () => {
    const handlers = await realHandlers();
    expect(new Set(channelNames).size).toBe(channelNames.length);
    expect(Object.keys(handlers).sort()).toEqual([...channelNames].sort());
  });

  it('rejects an unknown channel with a typed error and never reaches a handler', async () => {
    const handlers = await realHandlers();
    for (const name of ['nope', 'app.info ', '__proto__', 'constructor', 'toString', 42, null]) {
      const result = await dispatch(handlers, name, {});
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
      const result = await dispatch(handlers, 'app.info', input);
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
    const handlers = await realHandlers();
    const result = await dispatch(handlers, 'app.info', {});
    expect(result).toEqual({
      ok: true,
      value: { name: 'e-RS Triage', version: '0.0.0-test', environment: 'local', environmentLabel: 'Local (synthetic training data)', managed: false, transport: 'browser-host', setup: null },
    });
  });

  it('passes an AppError through as its shape, with the correlation id', async () => {
    const handlers = handlersWith({
      'app.info': async () => {
        throw new AppError('ERS_412', 'Someone else changed this referral. Reload it and check before sending again.', { correlationId: 'abc-123' });
      },
    });
    const result = await dispatch(handlers, 'app.info', {});
    expect(result).toEqual({ ok: false, error: { code: 'ERS_412', message: 'Someone else changed this referral. Reload it and check before sending again.', correlationId: 'abc-123' } });
  });

  it('turns any other thrown error into INTERNAL without leaking its text, and logs it redacted', async () => {
    const lines: string[] = [];
    const handlers = handlersWith({
      'app.info': async () => {
        throw new Error('secret detail eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl for 943 476 5919');
      },
    });
    const result = await dispatch(handlers, 'app.info', {}, createLogger((line) => lines.push(line)));
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
});
