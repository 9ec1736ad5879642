/**
 * The real file logger, fed what must never reach a log (tokens, NHS numbers in every
 * grouping, names, clinical text, file contents) in the ways code really logs them, then
 * read back from disk. Also: rotation keeps at most N files of at most the size, lines
 * survive in order, and files and directory are private.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLogger } from '../../../electron/log/file-logger';
import { writeFigures } from './security-figures';

const POSIX = process.platform !== 'win32';
let dir = '';
const tried = { tokens: 0, nhsNumbers: 0, names: 0, clinicalTexts: 0, fileContents: 0, datesOfBirth: 0, postcodes: 0 };

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ers-logs-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterAll(() => {
  const badInputsTried = Object.values(tried).reduce((sum, n) => sum + n, 0);
  writeFigures('logs', { badInputsTried, ...tried });
  console.log(`logs: ${badInputsTried} sensitive values fed through the file logger, none found in the files`);
});

/** The NHS number check digit, computed here independently of the code under test. */
function nhsNumber(nine: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  if (check === 10) throw new Error(`${nine} has no valid check digit`);
  return `${nine}${check}`;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
function syntheticJwt(): string {
  return [
    b64url(JSON.stringify({ alg: 'RS512', typ: 'JWT', kid: 'test-1' })),
    b64url(
      JSON.stringify({ sub: '555000000001', iss: 'https://cis2.example.test', exp: 1_900_000_000, nonce: randomBytes(8).toString('hex') }),
    ),
    b64url(randomBytes(64)),
  ].join('.');
}
const opaque = () => randomBytes(32).toString('base64url');

function readAll(): string {
  return readdirSync(dir)
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('');
}

function entries(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Every ten-digit run in the text, separators removed, in any grouping. */
function tenDigitRuns(text: string): string[] {
  return [...text.matchAll(/(?<!\d)\d(?:[\s.-]?\d){9}(?!\d)/g)].map((m) => m[0].replace(/\D/g, ''));
}

describe('redaction through the file logger', () => {
  it('keeps tokens out, in headers, URLs, JSON text, form bodies, errors and under secret-ish keys', () => {
    const log = createFileLogger({ dir, minLevel: 'debug' });
    const jwt = syntheticJwt();
    const idToken = syntheticJwt();
    const access = opaque();
    const refresh = opaque();
    const code = opaque();
    const verifier = opaque();
    const secret = opaque();
    const cookie = opaque();
    const basic = Buffer.from(`client:${opaque()}`).toString('base64');
    const tokens = [jwt, idToken, access, refresh, code, verifier, secret, cookie, basic];
    tried.tokens += tokens.length;

    log.info('auth.tokens', {
      accessToken: access,
      refresh_token: refresh,
      id_token: idToken,
      clientSecret: secret,
      code_verifier: verifier,
    });
    log.info('http.request', { headers: { Authorization: `Bearer ${jwt}`, cookie: `sid=${cookie}`, 'x-api-key': secret } });
    log.warn('http.redirect', { location: `http://127.0.0.1:4000/callback?code=${code}&state=${opaque()}` });
    log.warn('auth.response', { detail: `{"access_token":"${access}","token_type":"Bearer","refresh_token":"${refresh}"}` });
    log.warn('auth.form', { sent: `grant_type=authorization_code&code=${code}&code_verifier=${verifier}&client_secret=${secret}` });
    log.error('auth.failed', { error: new Error(`token endpoint said no to Bearer ${access} with assertion ${jwt}`) });
    log.error('auth.basic', { error: `upstream refused Basic ${basic}` });
    log.info('untagged', { value: access, list: [jwt, refresh], nested: { deeper: { deepest: idToken } } });
    log.flush();

    const text = readAll();
    for (const token of tokens) {
      expect(text).not.toContain(token);
      // Nor a recognisable piece of it.
      expect(text).not.toContain(token.slice(8, 24));
    }
    expect(text).not.toMatch(/eyJ[\w-]{10,}/);
    expect(entries(text)).toHaveLength(8);
  });

  it('keeps NHS numbers out in every grouping, inside longer strings, as numbers and as keys', () => {
    const log = createFileLogger({ dir, minLevel: 'debug' });
    const numbers = ['999000001', '999123456', '943476591', '999765432', '999555111'].map((nine) => {
      try {
        return nhsNumber(nine);
      } catch {
        return nhsNumber(`${nine.slice(0, 8)}2`);
      }
    });
    tried.nhsNumbers += numbers.length * 9;
    for (const n of numbers) {
      const [a, b, c] = [n.slice(0, 3), n.slice(3, 6), n.slice(6)];
      log.info('patient.lookup', { nhsNumber: n });
      log.info('free.form', {
        contiguous: n,
        spaced: `${a} ${b} ${c}`,
        dashed: `${a}-${b}-${c}`,
        dotted: `${a}.${b}.${c}`,
        oddlyGrouped: `${n.slice(0, 5)} ${n.slice(5)}`,
        inside: `NHS${n}x`,
        inUrl: `http://127.0.0.1:9/FHIR/R4/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|${n}`,
        asNumber: Number(n),
        [n]: 'keyed by the number',
      });
      log.error('mapping.failed', { error: new Error(`No patient ${a} ${b} ${c} in contained resources`) });
    }
    log.flush();
    const text = readAll();
    const leaked = tenDigitRuns(text).filter((run) => numbers.includes(run));
    expect(leaked).toEqual([]);
    for (const n of numbers) expect(text).not.toContain(n);
  });

  it('keeps names, clinical text and file contents out, by key and by shape', () => {
    const log = createFileLogger({ dir, minLevel: 'debug' });
    const names = ['Alice Synthetic', 'Bartholomew Testperson', 'Dr Carol Madeup', 'Zebedee'];
    const clinical = [
      'Three weeks of exertional chest pain radiating to the left arm',
      'Suspected basal cell carcinoma on the left temple, enlarging',
      'Please see and advise: HbA1c rising despite metformin',
    ];
    const letter = 'Dear Colleague, thank you for seeing Mrs Alice Synthetic who has had haematuria since March.';
    tried.names += names.length;
    tried.clinicalTexts += clinical.length;
    tried.fileContents += 4;

    log.info('worklist.row', {
      patientName: names[0],
      givenName: 'Alice',
      familyName: 'Synthetic',
      referrer: names[2],
      assignedClinician: names[1],
    });
    log.info('user', { user: { id: '555000000001', name: names[1], displayName: names[1] } });
    log.info('decision', { comments: clinical[0], clinicalInformation: clinical[1], guidanceText: clinical[2], reasonText: clinical[0] });
    log.info('untagged', { detail: clinical[1], who: names[2], list: [clinical[2]] });
    log.info('attachment', { title: `Referral letter for ${names[0]}`, fileName: `${names[3]} biopsy.pdf`, description: clinical[1] });
    log.info('attachment.bytes', {
      content: Buffer.from(letter),
      data: Buffer.from(letter).toString('base64'),
      body: letter,
      bytes: new TextEncoder().encode(letter),
    });
    // Parsers echo their input in error messages: a JSON body of clinical text must not ride in on one.
    let parseError: unknown;
    try {
      JSON.parse(`${clinical[0]} for ${names[0]}`);
    } catch (error) {
      parseError = error;
    }
    log.error('ers.parse_failed', { error: parseError });
    log.error('thrown', { error: new Error(`Referral for "${names[0]}" could not be mapped: '${clinical[2]}'`) });
    log.flush();

    const text = readAll();
    for (const value of [...names, ...clinical, letter]) expect(text).not.toContain(value);
    for (const word of ['Synthetic', 'Testperson', 'Madeup', 'Zebedee', 'chest pain', 'carcinoma', 'metformin', 'haematuria']) {
      expect(text).not.toContain(word);
    }
    expect(text).not.toContain(Buffer.from(letter).toString('base64').slice(0, 40));
    // The byte count is harmless and useful.
    expect(text).toContain(`[${Buffer.byteLength(letter)} bytes]`);
  });

  it('keeps 28-character platform tokens, surname-first names, dates of birth and postcodes out', () => {
    const log = createFileLogger({ dir, minLevel: 'debug' });
    // NHS API platform access and refresh tokens are 28 characters, under the long-token rule.
    // Seeded, so the run is the same every time (the shape rule misses about 2 random tokens
    // in 100,000: digit-free ones that read as camelCase words).
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let seed = 0x5eed;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const shortTokens = Array.from({ length: 400 }, (_, i) => {
      const length = i < 200 ? 28 : 20 + (i % 12);
      return Array.from({ length }, () => alphabet[(next() >> 8) % alphabet.length]).join('');
    });
    shortTokens.push('Sr5PGv19wTEHJdDr2wx2f7IaJ3D0');
    const names = [
      'SMITH, John',
      'SMITH, John (Mr)',
      "O'BRIEN, Mary (Mrs)",
      'SYNTHETIC-PATIENT, Anne Marie',
      'TESTPERSON, Dr Zebedee',
      'MADEUP, J.',
    ];
    const dates = ['01/02/1980', '1/2/80', '01-02-1980', '01.02.1980', '1980-02-01', '1 February 1980', '1st Feb 1980', '01-Feb-1980'];
    const postcodes = ['LS1 4AP', 'LS14AP', 'ls1 4ap', 'Sw1A 1aA', 'SW1A\u00a01AA', 'M1  1AE'];
    tried.tokens += shortTokens.length;
    tried.names += names.length;
    tried.datesOfBirth += dates.length;
    tried.postcodes += postcodes.length;

    for (const token of shortTokens) log.info('apim.token', { value: token, detail: `refused ${token} at the platform` });
    for (const name of names) {
      log.info('untagged', { who: name });
      log.error('mapping.failed', { error: new Error(`No match for ${name} in the worklist`) });
    }
    for (const date of dates) log.warn('pds.mismatch', { detail: `born ${date}`, error: new Error(`birthDate ${date} does not match`) });
    for (const postcode of postcodes)
      log.warn('address', { detail: `lives at ${postcode}, near`, error: new Error(`no practice for ${postcode}`) });
    log.flush();

    const text = readAll();
    for (const token of shortTokens) expect(text).not.toContain(token);
    for (const value of [...names, ...dates, ...postcodes.map((p) => p.replace('\u00a0', '\\u00a0'))])
      expect(text, value).not.toContain(value);
    for (const word of [
      'SMITH',
      'BRIEN',
      'SYNTHETIC-PATIENT',
      'TESTPERSON',
      'MADEUP',
      'February',
      '1980',
      'LS1',
      'ls1',
      'SW1A',
      'Sw1A',
      'M1 ',
    ]) {
      expect(text, word).not.toContain(word);
    }
  });

  it('still keeps the times, identifiers and versions support reads', () => {
    const log = createFileLogger({ dir });
    log.info('ers.call', {
      at: '2026-12-01T14:38:04.099Z',
      handler: 'refreshAfterUnauthorised',
      failure: 'JWSSignatureVerificationFailed',
      operation: 'retrieveReferralRequest',
      code: 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
      role: 'SERVICE_PROVIDER_CLINICIAN',
      kid: 'test-2f1a3c5e-9c1d',
      version: '0.1.10',
      error: new Error('ECONNRESET, retrying A030 in 2000 ms on e-RS Triage 0.1.10, Node 22.12.0'),
    });
    log.flush();
    const [entry] = entries(readAll());
    expect(entry).toMatchObject({
      at: '2026-12-01T14:38:04.099Z',
      handler: 'refreshAfterUnauthorised',
      failure: 'JWSSignatureVerificationFailed',
      operation: 'retrieveReferralRequest',
      code: 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
      role: 'SERVICE_PROVIDER_CLINICIAN',
      kid: 'test-2f1a3c5e-9c1d',
      version: '0.1.10',
      error: { message: 'ECONNRESET, retrying A030 in 2000 ms on e-RS Triage 0.1.10, Node 22.12.0' },
    });
  });

  it('keeps what support needs: UBRN, correlation id, operation, status, error codes and the event', () => {
    const log = createFileLogger({ dir });
    log.info('ers.call', {
      operation: 'A005',
      ubrn: '000000070000',
      correlationId: '3f2b1c4d-1111-4222-8333-444455556666',
      status: 200,
      retries: 1,
      durationMs: 321,
    });
    log.warn('ers.call.failed', { operation: 'A013', ubrn: '000000070001', code: 'ERS_412', status: 412 });
    log.error('handler.failed', { channel: 'worklist.fetch', error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    log.flush();
    const [call, failed, handler] = entries(readAll());
    expect(call).toMatchObject({
      level: 'info',
      event: 'ers.call',
      operation: 'A005',
      ubrn: '000000070000',
      correlationId: '3f2b1c4d-1111-4222-8333-444455556666',
      status: 200,
      retries: 1,
      durationMs: 321,
    });
    expect(failed).toMatchObject({ level: 'warn', code: 'ERS_412', ubrn: '000000070001', status: 412 });
    expect(handler).toMatchObject({ channel: 'worklist.fetch', error: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' } });
    expect(Array.isArray((handler?.error as { stack?: unknown }).stack)).toBe(true);
  });

  it('lets no field overwrite time, level or event, and no key pollute a prototype', () => {
    const log = createFileLogger({ dir });
    log.info('real.event', { level: 'debug', event: 'forged', time: 'yesterday' });
    log.info(
      'proto',
      JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}') as Record<string, unknown>,
    );
    log.flush();
    const [first] = entries(readAll());
    expect(first).toMatchObject({ level: 'info', event: 'real.event', 'field.level': 'debug', 'field.event': 'forged' });
    expect(first?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the log files', () => {
  it('rotates by size: at most N files, none over the size, and the newest lines kept in order', () => {
    const maxBytes = 2048;
    const maxFiles = 3;
    const log = createFileLogger({ dir, maxBytes, maxFiles });
    const total = 400;
    for (let seq = 0; seq < total; seq++) log.info('tick', { seq, operation: 'A008' });
    log.flush();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['e-rs-triage.1.log', 'e-rs-triage.2.log', 'e-rs-triage.log']);
    for (const name of files) expect(statSync(path.join(dir, name)).size).toBeLessThanOrEqual(maxBytes);
    // Oldest first: .2, .1, then the current file; together a gapless run ending at the last line.
    const seqs = ['e-rs-triage.2.log', 'e-rs-triage.1.log', 'e-rs-triage.log'].flatMap((name) =>
      entries(readFileSync(path.join(dir, name), 'utf8')).map((entry) => entry.seq as number),
    );
    expect(seqs[seqs.length - 1]).toBe(total - 1);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => total - seqs.length + i));
    expect(seqs.length).toBeGreaterThan(20);
  });

  it('removes files left by a run that kept more, and replaces a line too long for any file', () => {
    for (let i = 1; i <= 6; i++) writeFileSync(path.join(dir, `e-rs-triage.${i}.log`), 'old\n');
    const log = createFileLogger({ dir, maxBytes: 1024, maxFiles: 2 });
    log.info('huge', { operation: 'x'.repeat(5000) });
    log.flush();
    expect(readdirSync(dir).sort()).toEqual(['e-rs-triage.1.log', 'e-rs-triage.log']);
    const [marker] = entries(readFileSync(path.join(dir, 'e-rs-triage.log'), 'utf8'));
    expect(marker).toMatchObject({ event: 'log.line_too_long' });
  });

  it.runIf(POSIX)('makes the directory 0700 and every file 0600, even when they existed with wider modes', () => {
    const logDir = path.join(dir, 'logs');
    mkdirSync(logDir, { mode: 0o755 });
    chmodSync(logDir, 0o755);
    writeFileSync(path.join(logDir, 'e-rs-triage.log'), '', { mode: 0o644 });
    chmodSync(path.join(logDir, 'e-rs-triage.log'), 0o644);
    const log = createFileLogger({ dir: logDir, maxBytes: 600, maxFiles: 3 });
    for (let seq = 0; seq < 30; seq++) log.info('tick', { seq });
    log.close();
    expect(statSync(logDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(logDir);
    expect(files.length).toBe(3);
    for (const name of files) expect(statSync(path.join(logDir, name)).mode & 0o777).toBe(0o600);
  });

  it('never throws when it cannot write, and says how many lines it lost once it can again', () => {
    const blocked = path.join(dir, 'blocked');
    writeFileSync(blocked, 'a file where the log directory should be');
    const log = createFileLogger({ dir: blocked });
    expect(() => {
      log.info('lost.one');
      log.error('lost.two', { error: new Error('x') });
    }).not.toThrow();
    rmSync(blocked);
    log.info('back');
    log.flush();
    expect(existsSync(path.join(blocked, 'e-rs-triage.log'))).toBe(true);
    const lines = entries(readFileSync(path.join(blocked, 'e-rs-triage.log'), 'utf8'));
    expect(lines.map((line) => line.event)).toEqual(['log.lines_dropped', 'back']);
    expect(lines[0]?.count).toBe(2);
  });
});
