/**
 * Fuzzing the contract: every channel in `channelNames`, and names that are not channels,
 * with random and malformed input sent through the real `dispatch()`. Every handler
 * records that it was reached and then returns, throws an AppError, throws a plain error
 * carrying secrets, or throws something that is not an Error at all.
 *
 * For every run: dispatch never throws; a failure is always a typed error (a non-empty
 * code and message); a handler is reached exactly when the channel's schema accepts the
 * input (checked independently with valibot's safeParse), and with what the schema
 * produced; nothing a handler threw leaks into the answer or the log; Object.prototype is
 * never polluted.
 *
 * Valid inputs are generated from each channel's own schema, so channels added later are
 * fuzzed too without touching this file.
 */
import * as fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, describe, expect, it } from 'vitest';
import { channelNames, channels, type Channel } from '../../../contract';
import { AppError } from '../../../electron/app-error';
import { dispatch } from '../../../electron/dispatch';
import type { Handlers } from '../../../electron/handlers';
import { createLogger } from '../../../electron/log/logger';
import { writeFigures } from './security-figures';

/** About 5,000 runs in all whatever the number of channels, so the file stays well under 20 s. */
const RUNS_PER_PROPERTY = Math.max(40, Math.min(150, Math.floor(5000 / (2 * channelNames.length))));
const SECRET_NHS = '943 476 5919';
const SECRET_JWT = 'eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiJmdXp6In0.c2lnbmF0dXJlLWZ1enotZnV6eg';
const MEGABYTE = 'A'.repeat(1024 * 1024);
const MEGABYTE_DIGITS = '1'.repeat(1024 * 1024);

const figures = {
  runs: 0,
  handlerReached: 0,
  refusedAsInvalid: 0,
  unknownChannel: 0,
  typedErrors: 0,
  channels: channelNames.length,
  /** Channels whose schema has parts the generator only approximates (their valid inputs are fewer). */
  channelsApproximated: [] as string[],
};
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

afterAll(() => {
  writeFigures('contract-fuzz', figures);
  console.log(
    `contract fuzz: ${figures.runs} runs over ${figures.channels} channels and unknown names; ${figures.handlerReached} reached a handler, ${figures.refusedAsInvalid} refused as invalid, ${figures.unknownChannel} refused as unknown`,
  );
});

// ---------------------------------------------------------------------------------------
// Valid input from a channel's own schema

interface Generated {
  arb: fc.Arbitrary<unknown>;
  /** False when the schema has parts this generator only approximates. */
  exact: boolean;
}

function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringFrom(schema: unknown): Generated {
  const pipe = prop(schema, 'pipe');
  let arb: fc.Arbitrary<string> = fc.string({ maxLength: 40 });
  let exact = true;
  const checks: ((s: string) => boolean)[] = [];
  if (Array.isArray(pipe)) {
    for (const action of pipe.slice(1)) {
      const type = prop(action, 'type');
      const requirement = prop(action, 'requirement');
      if (type === 'regex' && requirement instanceof RegExp) arb = fc.stringMatching(requirement);
      else if (type === 'max_length' && typeof requirement === 'number') checks.push((s) => s.length <= requirement);
      else if (type === 'min_length' && typeof requirement === 'number') checks.push((s) => s.length >= requirement);
      else exact = false;
    }
  }
  return { arb: checks.length ? arb.filter((s) => checks.every((check) => check(s))) : arb, exact };
}

function validFrom(schema: unknown, depth = 0): Generated {
  const type = prop(schema, 'type');
  if (depth > 6) return { arb: fc.constant(undefined), exact: false };
  switch (type) {
    case 'string':
      return stringFrom(schema);
    case 'boolean':
      return { arb: fc.boolean(), exact: true };
    case 'number':
      return { arb: fc.oneof(fc.integer(), fc.double({ noNaN: true })), exact: !Array.isArray(prop(schema, 'pipe')) };
    case 'literal':
      return { arb: fc.constant(prop(schema, 'literal')), exact: true };
    case 'picklist': {
      const options = prop(schema, 'options');
      return Array.isArray(options) && options.length > 0
        ? { arb: fc.constantFrom(...(options as unknown[])), exact: true }
        : { arb: fc.anything(), exact: false };
    }
    case 'null':
      return { arb: fc.constant(null), exact: true };
    case 'optional':
    case 'exact_optional':
    case 'undefinedable':
    case 'nullable':
    case 'nullish': {
      const inner = validFrom(prop(schema, 'wrapped'), depth + 1);
      const nil = type === 'nullable' ? null : undefined;
      return { arb: fc.option(inner.arb, { nil }), exact: inner.exact };
    }
    case 'object':
    case 'strict_object':
    case 'loose_object': {
      const entries = prop(schema, 'entries');
      if (typeof entries !== 'object' || entries === null) return { arb: fc.anything(), exact: false };
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const required: string[] = [];
      let exact = true;
      for (const [key, entry] of Object.entries(entries)) {
        const entryType = prop(entry, 'type');
        const optional =
          entryType === 'optional' || entryType === 'exact_optional' || entryType === 'nullish' || entryType === 'undefinedable';
        const generated = validFrom(optional ? prop(entry, 'wrapped') : entry, depth + 1);
        model[key] = generated.arb;
        exact &&= generated.exact;
        if (!optional) required.push(key);
      }
      return { arb: fc.record(model, { requiredKeys: required }), exact };
    }
    case 'array': {
      const item = validFrom(prop(schema, 'item'), depth + 1);
      return { arb: fc.array(item.arb, { maxLength: 5 }), exact: item.exact && !Array.isArray(prop(schema, 'pipe')) };
    }
    case 'union':
    case 'variant': {
      const options = prop(schema, 'options');
      if (!Array.isArray(options) || options.length === 0) return { arb: fc.anything(), exact: false };
      const generated = options.map((option: unknown) => validFrom(option, depth + 1));
      return { arb: fc.oneof(...generated.map((g) => g.arb)), exact: generated.every((g) => g.exact) };
    }
    case 'instance':
      return prop(schema, 'class') === Uint8Array
        ? { arb: fc.uint8Array({ maxLength: 64 }), exact: true }
        : { arb: fc.anything(), exact: false };
    default:
      return { arb: fc.anything(), exact: false };
  }
}

// ---------------------------------------------------------------------------------------
// Hostile input

function deeplyNested(depth: number, asArray: boolean): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    NaN,
    Infinity,
    -Infinity,
    -0,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    -1e308,
    MEGABYTE,
    MEGABYTE_DIGITS,
    '',
    ' ',
    '\u0000',
    '\u202e',
    '\ud800',
    '__proto__',
    'constructor',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '${7*7}',
    '%00',
    null,
    undefined,
    true,
    false,
    0,
    [],
    {},
    new Uint8Array(8),
    new Date(NaN),
    BigInt('123456789012345678901234567890'),
    Symbol('s'),
  ),
  fc.constantFrom(deeplyNested(5_000, false), deeplyNested(5_000, true), deeplyNested(200, false)),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.double(),
  fc.bigInt(),
);

const anythingHostile = fc.anything({
  maxDepth: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

const PROTO_JSON = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"prototype":{"polluted":"yes"}}',
  '{"__proto__":{"__proto__":{"polluted":"yes"}},"kind":"referrals"}',
  '{"roleId":"r","__proto__":{"roleId":"x","polluted":"yes"}}',
  '{"kind":"referrals","constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":null}',
];
const protoKeyInput = fc.constantFrom(...PROTO_JSON).map((text) => JSON.parse(text) as unknown);

/** A valid input with one thing wrong: a key too many, a value replaced, a key missing. */
function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const dangerousKey = fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'valueOf',
    'hasOwnProperty',
    'then',
    'polluted',
  );
  return fc.oneof(
    fc.tuple(valid, dangerousKey, anythingHostile).map(([value, key, extra]) => {
      if (typeof value !== 'object' || value === null) return value;
      // Through JSON.parse, as a transport would build it: __proto__ becomes an own key.
      let text: string;
      try {
        text = JSON.stringify({ ...value, [key]: extra === undefined ? null : extra }) ?? '{}';
      } catch {
        return value;
      }
      return JSON.parse(text) as unknown;
    }),
    fc.tuple(valid, hostileScalar).map(([value, replacement]) => {
      if (typeof value !== 'object' || value === null) return replacement;
      const keys = Object.keys(value);
      if (keys.length === 0) return { extra: replacement };
      return { ...value, [keys[0] as string]: replacement };
    }),
    fc.tuple(valid, dangerousKey).map(([value, key]) => {
      if (typeof value !== 'object' || value === null) return value;
      return JSON.parse(JSON.stringify(value).replace(/^\{/, `{"${key}":{"polluted":"yes"},`).replace(',}', '}')) as unknown;
    }),
    valid.map((value) => {
      if (typeof value !== 'object' || value === null) return value;
      return Object.fromEntries(Object.entries(value).slice(1));
    }),
  );
}

// ---------------------------------------------------------------------------------------
// The harness

type Behaviour = 'return' | 'app-error' | 'plain-error' | 'throw-string' | 'throw-undefined' | 'sync-throw';
const behaviours: Behaviour[] = ['return', 'app-error', 'plain-error', 'throw-string', 'throw-undefined', 'sync-throw'];

interface Reach {
  channel: Channel;
  input: unknown;
}

function recordingHandlers(reached: Reach[], behaviour: () => Behaviour): Handlers {
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of channelNames) {
    handlers[name] = (input: unknown) => {
      reached.push({ channel: name, input });
      switch (behaviour()) {
        case 'return':
          return Promise.resolve({ echoed: true });
        case 'app-error':
          return Promise.reject(new AppError('SOMETHING_EXPECTED', 'Something expected happened. Try again.'));
        case 'plain-error':
          return Promise.reject(new Error(`internal detail ${SECRET_JWT} for ${SECRET_NHS}`));
        case 'throw-string':
          return Promise.reject(`raw string ${SECRET_NHS}`);
        case 'throw-undefined':
          return Promise.reject(undefined);
        case 'sync-throw':
          throw new TypeError(`sync ${SECRET_JWT}`);
      }
    };
  }
  return handlers as unknown as Handlers;
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The schema's verdict, computed here, independently of dispatch. */
function schemaAccepts(channel: Channel, raw: unknown): { ok: true; output: unknown } | { ok: false } {
  const input = raw ?? {};
  if (!isPlainObject(input)) return { ok: false };
  const parsed = v.safeParse(channels[channel].input, input);
  return parsed.success ? { ok: true, output: parsed.output } : { ok: false };
}

async function checkOne(channel: unknown, raw: unknown, behaviour: Behaviour): Promise<void> {
  figures.runs += 1;
  const reached: Reach[] = [];
  const logLines: string[] = [];
  const handlers = recordingHandlers(reached, () => behaviour);
  // Signed in, so that every channel's handler is reachable; the session policy has its own test.
  const result = await dispatch(
    { handlers, session: { get: () => ({ phase: 'signed-in' as const }) } },
    channel,
    raw,
    createLogger((line) => logLines.push(line), 'debug'),
  );

  expect(typeof result).toBe('object');
  if (!result.ok) {
    expect(typeof result.error.code).toBe('string');
    expect(result.error.code.length).toBeGreaterThan(0);
    expect(typeof result.error.message).toBe('string');
    expect(result.error.message.trim().length).toBeGreaterThan(0);
    const answer = JSON.stringify(result.error);
    expect(answer).not.toContain(SECRET_NHS);
    expect(answer).not.toContain(SECRET_JWT);
    figures.typedErrors += 1;
  }
  const logged = logLines.join('\n');
  expect(logged).not.toContain(SECRET_NHS);
  expect(logged).not.toContain(SECRET_JWT);

  const known =
    typeof channel === 'string' && (channelNames as string[]).includes(channel) && Object.prototype.hasOwnProperty.call(channels, channel);
  if (!known) {
    expect(reached).toEqual([]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('UNKNOWN_CHANNEL');
    figures.unknownChannel += 1;
  } else {
    const verdict = schemaAccepts(channel as Channel, raw);
    if (verdict.ok) {
      expect(reached).toHaveLength(1);
      expect(reached[0]?.channel).toBe(channel);
      expect(reached[0]?.input).toStrictEqual(verdict.output);
      expect(result.ok).toBe(behaviour === 'return');
      if (!result.ok) expect(result.error.code).toBe(behaviour === 'app-error' ? 'SOMETHING_EXPECTED' : 'INTERNAL');
      figures.handlerReached += 1;
    } else {
      expect(reached).toEqual([]);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT');
      figures.refusedAsInvalid += 1;
    }
  }
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

const behaviourArb = fc.constantFrom(...behaviours);

describe('contract fuzzing through dispatch()', () => {
  for (const name of channelNames) {
    describe(name, () => {
      const generated = validFrom(channels[name].input);
      if (!generated.exact) figures.channelsApproximated.push(name);

      it('reaches the handler with every input its schema accepts, and only those', async () => {
        const before = figures.handlerReached;
        await fc.assert(
          fc.asyncProperty(generated.arb, behaviourArb, async (input, behaviour) => checkOne(name, input, behaviour)),
          { numRuns: RUNS_PER_PROPERTY },
        );
        // The generator must really produce valid input, or the property above proves little.
        if (generated.exact) expect(figures.handlerReached).toBeGreaterThan(before);
      });

      it('refuses malformed input with a typed error: wrong types, huge, deep, prototype keys, one thing wrong', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(anythingHostile, hostileScalar, protoKeyInput, mutated(generated.arb)),
            behaviourArb,
            async (input, behaviour) => checkOne(name, input, behaviour),
          ),
          { numRuns: RUNS_PER_PROPERTY },
        );
      });
    });
  }

  it('refuses every name that is not a channel, whatever the input', async () => {
    const names = fc
      .oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom<unknown>(
          '__proto__',
          'constructor',
          'toString',
          'hasOwnProperty',
          'valueOf',
          'prototype',
          '',
          ' ',
          'APP.INFO',
          `${channelNames[0]} `,
          `${channelNames[0]}\u0000`,
          `\u202e${channelNames[0]}`,
          MEGABYTE,
          null,
          undefined,
          42,
          {},
          [],
          ['app.info'],
          { toString: () => 'app.info' },
          new String('app.info'),
        ),
        anythingHostile,
      )
      .filter((name) => !(typeof name === 'string' && (channelNames as string[]).includes(name)));
    await fc.assert(
      fc.asyncProperty(names, fc.oneof(anythingHostile, protoKeyInput), behaviourArb, async (name, input, behaviour) =>
        checkOne(name, input, behaviour),
      ),
      { numRuns: RUNS_PER_PROPERTY * 2 },
    );
  });

  it('handles the extremes outright: 1 MB strings, 5,000-deep nesting, NaN and Infinity on every channel', async () => {
    for (const name of channelNames) {
      for (const input of [
        { roleId: MEGABYTE },
        { kind: MEGABYTE },
        { [MEGABYTE.slice(0, 100_000)]: 1 },
        deeplyNested(5_000, false),
        { kind: deeplyNested(5_000, true) },
        { kind: 'referrals', refresh: NaN },
        { roleId: Infinity },
        { onBehalfOfUserId: 1e308, roleId: 'r' },
        MEGABYTE,
        [MEGABYTE],
      ]) {
        for (const behaviour of ['return', 'plain-error'] as const) await checkOne(name, input, behaviour);
      }
    }
  });
});
