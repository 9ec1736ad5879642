/**
 * The PDS client against NHS England's own PDS examples, served as they are from a loopback
 * PDS: a full record (Patient.json, which is also deceased), a restricted one
 * (Sensitive_Patient.json), poor data quality (Minimal_Patient.json), a compound given name
 * (PatientCompoundName.json, a search Bundle whose Patient is served on its own), a
 * superseded record (Patient.json answered for another NHS number, as PDS answers a merged
 * one), and the sandbox's 404 and 400 answers. The examples' periods end in 2025, so the
 * client's clock is set inside them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testFetch } from '../helpers/fetch';
import type { PatientLookup } from '../../contract';
import { silentLogger } from '../../electron/log/logger';
import { createPatientDirectory, type PatientDirectory } from '../../electron/pds/patient-directory';
import { lookupProblem } from '../../electron/pds/lookup-problems';
import { createPdsClient } from '../../electron/pds/pds-client';
import { exampleRangeNhsNumber, startPdsLoopback, type PdsLoopback } from '../helpers/pds-loopback';
import { missingPdsExamples, readPdsExample, warnIfNoPdsExamples } from '../helpers/pds-reference';

const haveExamples = missingPdsExamples().length === 0;
warnIfNoPdsExamples("the PDS client against NHS England's PDS examples");

const NOW = Date.parse('2025-06-01T12:00:00Z');
const SUPERSEDED = exampleRangeNhsNumber(41);

let pds: PdsLoopback;
let directory: PatientDirectory;

function found(lookup: PatientLookup) {
  if (lookup.status === 'unchecked') throw new Error(`expected details, got: ${lookup.message}`);
  return lookup;
}

beforeAll(async () => {
  pds = await startPdsLoopback();
  if (haveExamples) {
    const bundle = readPdsExample('PatientCompoundName.json') as { entry: { resource: { id: string } }[] };
    const compound = bundle.entry[0]?.resource;
    if (!compound) throw new Error('PatientCompoundName.json has no entry');
    pds.answers.set('9000000009', { status: 200, body: readPdsExample('Patient.json') });
    pds.answers.set('9000000025', { status: 200, body: readPdsExample('Sensitive_Patient.json') });
    pds.answers.set('9000000033', { status: 200, body: readPdsExample('Minimal_Patient.json') });
    pds.answers.set(compound.id, { status: 200, body: compound });
    // Merged into 9000000009: PDS answers with that record, whose id differs from the one asked for.
    pds.answers.set(SUPERSEDED, { status: 200, body: readPdsExample('Patient.json') });
  }
  pds.answers.set('9000000000', { status: 400, code: 'INVALID_RESOURCE_ID' });
  const client = createPdsClient({
    baseUrl: pds.baseUrl,
    fetch: testFetch,
    now: () => NOW,
    getAccessToken: async () => 'token-for-test',
    getUser: () => ({ organisationOds: 'R69', roleProfileId: null }),
  });
  directory = createPatientDirectory({
    client,
    store: async () => null,
    offline: () => false,
    log: silentLogger,
    now: () => NOW,
    minIntervalMs: 0,
  });
  directory.allow(['9000000009', '9000000025', '9000000033', SUPERSEDED, '9111231130', '9000000000']);
});

afterAll(async () => {
  await pds?.close();
});

describe.skipIf(!haveExamples)("the PDS client against NHS England's examples", () => {
  it('reads Patient.json: the usual name and title, birth date, gender, death, and the home address, telephone and GP', async () => {
    const lookup = found(await directory.lookup('9000000009'));
    expect(lookup.status).toBe('found');
    expect(lookup.stale).toBe(false);
    expect(lookup.patient).toEqual({
      nhsNumber: '900 000 0009',
      name: { titles: ['Mrs'], given: ['Jane'], family: 'Smith' },
      birthDate: '2010-10-22',
      gender: 'female',
      deceased: { date: '2010-10-22' },
      restricted: false,
      address: '1 Trevelyan Square, Boar Lane, City Centre, Leeds, West Yorkshire, LS1 6AE',
      telephone: '01632960587',
      gpPracticeOds: 'Y12345',
    });
  });

  it('reads Sensitive_Patient.json as restricted, with no address, telephone or GP', async () => {
    const { patient } = found(await directory.lookup('9000000025'));
    expect(patient.restricted).toBe(true);
    expect(patient.name).toEqual({ titles: ['Mrs'], given: ['Janet'], family: 'Smythe' });
    expect([patient.address, patient.telephone, patient.gpPracticeOds]).toEqual([null, null, null]);
  });

  it('reads Minimal_Patient.json: the number is found, and nothing else is invented', async () => {
    const { patient, status } = found(await directory.lookup('9000000033'));
    expect(status).toBe('found');
    expect(patient).toEqual({
      nhsNumber: '900 000 0033',
      name: null,
      birthDate: null,
      gender: null,
      deceased: null,
      restricted: false,
      address: null,
      telephone: null,
      gpPracticeOds: null,
    });
  });

  it('keeps a compound first given name whole (PatientCompoundName.json)', async () => {
    // The example's 9000000015 fails the modulus 11 check, so the app would flag it and not
    // ask; the client itself reads it.
    const client = createPdsClient({ baseUrl: pds.baseUrl, fetch: testFetch, now: () => NOW });
    const { patient } = await client.readPatient('9000000015');
    expect(patient.name).toEqual({ titles: ['Mr'], given: ['John Paul'], family: 'Smith' });
    expect(patient.gender).toBe('male');
  });

  it('says when PDS answers with another NHS number (superseded), and shows both', async () => {
    const lookup = found(await directory.lookup(SUPERSEDED));
    expect(lookup.status).toBe('superseded');
    expect(lookup.requestedNhsNumber).toBe(`${SUPERSEDED.slice(0, 3)} ${SUPERSEDED.slice(3, 6)} ${SUPERSEDED.slice(6)}`);
    expect(lookup.patient.nhsNumber).toBe('900 000 0009');
  });

  it('gives the worklist names and ages only: no address, telephone or GP', async () => {
    const [summary] = await directory.summaries(['9000000009']);
    expect(summary).toEqual({
      nhsNumber: '9000000009',
      status: 'found',
      name: { titles: ['Mrs'], given: ['Jane'], family: 'Smith' },
      birthDate: '2010-10-22',
      gender: 'female',
      deceased: true,
      restricted: false,
      problem: null,
    });
  });
});

describe('PDS refusals, as the sandbox gives them', () => {
  it('404 RESOURCE_NOT_FOUND: the details could not be checked because PDS has no such record', async () => {
    const lookup = await directory.lookup('9111231130');
    expect(lookup).toMatchObject({ status: 'unchecked', problem: 'not-found', requestedNhsNumber: '911 123 1130' });
    if (lookup.status === 'unchecked') expect(lookup.message).toMatch(/^PDS has no record of this NHS number.*before acting\.$/);
  });

  it('400 INVALID_RESOURCE_ID: PDS says the number is not valid', async () => {
    // 9000000000 fails its check digit, so the app itself never sends it: ask the client directly.
    const client = createPdsClient({ baseUrl: pds.baseUrl, fetch: testFetch, now: () => NOW });
    const error = await client.readPatient('9000000000').catch((e: unknown) => e);
    expect(lookupProblem(error)).toMatchObject({
      problem: 'invalid',
      message: expect.stringMatching(/^PDS says this NHS number is not valid/),
    });
    expect(await directory.lookup('9000000000')).toMatchObject({ status: 'unchecked', problem: 'check-digit' });
  });
});
