/**
 * The local e-RS for tests: a real emulator on loopback with its own temporary data
 * directory and token authority, a small real document renderer (pdf-lib PDFs; fixed small
 * bytes for other kinds), and helpers to mint tokens and build e-RS request headers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { LocalTokenAuthority } from '../../local-env/src/access-tokens';
import { type DocumentSpec, type RenderDocument } from '../../local-env/src/documents/spec';
import { startErsEmulator, type ErsEmulator, type ErsEmulatorOptions } from '../../local-env/src/ers';
import { CONSULTANT_UID } from '../../local-env/src/users';

export const TEST_AUDIENCE = 'e-referrals-service-api';
export const TEST_ISSUER = 'local-apim';
export const TEST_REFERENCE_DATE = '2025-03-03';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Deterministic bytes for a spec: PDFs with real pages and text, others a recognisable stub. */
export const testRenderDocument: RenderDocument = async (spec: DocumentSpec) => {
  if (spec.large) {
    // Bigger than e-RS's 5 MB limit on A006, so the FILE_SIZE_ERROR path can be driven.
    const bytes = new Uint8Array(6 * 1024 * 1024);
    bytes.set(Buffer.from('%PDF-1.7\n'));
    return bytes;
  }
  if (spec.kind.startsWith('pdf')) {
    const pdf = await PDFDocument.create();
    pdf.setCreationDate(new Date(0));
    pdf.setModificationDate(new Date(0));
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const pages = spec.pages ?? 2;
    for (let i = 0; i < pages; i += 1) {
      const page = pdf.addPage([595, 842]);
      page.drawText(`${spec.title} (page ${i + 1} of ${pages})`, { x: 50, y: 780, size: 14, font });
      page.drawText(`UBRN ${spec.context?.ubrn ?? '-'} seed ${spec.seed}`, { x: 50, y: 750, size: 10, font });
    }
    return pdf.save({ useObjectStreams: false });
  }
  const text = Buffer.from(`${spec.kind}:${spec.seed}:${spec.title}`, 'utf8');
  if (spec.kind === 'png') return Uint8Array.from([...PNG_SIGNATURE, ...text]);
  return new Uint8Array(text);
};

export interface RoleHeaders {
  uid?: string;
  ods?: string;
  businessFunction?: string | null;
  onBehalfOf?: string;
  correlationId?: string;
  token?: string;
}

export interface TestEmulator {
  emulator: ErsEmulator;
  tokens: LocalTokenAuthority;
  dataDir: string;
  /** A valid access token for the user (the consultant by default). */
  token(uid?: string, options?: { ttlSeconds?: number; now?: number }): Promise<string>;
  /** Authorization and e-RS role headers; the consultant at R69 by default. */
  headers(role?: RoleHeaders): Promise<Record<string, string>>;
  /** fetch against the FHIR base (`/STU3/...`, `/R4/...`). */
  fhir(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  restart(overrides?: Partial<ErsEmulatorOptions>): Promise<void>;
  close(): Promise<void>;
}

export async function startTestEmulator(overrides: Partial<ErsEmulatorOptions> = {}): Promise<TestEmulator> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ers-emulator-'));
  const tokens = await LocalTokenAuthority.create({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  const options = (): ErsEmulatorOptions => ({
    dataDir,
    tokens,
    renderDocument: testRenderDocument,
    seed: { referenceDate: TEST_REFERENCE_DATE },
    ...overrides,
  });
  const handle: TestEmulator = {
    emulator: await startErsEmulator(options()),
    tokens,
    dataDir,
    async token(uid = CONSULTANT_UID, tokenOptions = {}) {
      const issued = await tokens.issue({ sub: uid, sid: 'test-session', scope: 'nhs-cis2:aal3', ...tokenOptions });
      return issued.token;
    },
    async headers(role = {}) {
      const headers: Record<string, string> = { Authorization: `Bearer ${role.token ?? (await handle.token(role.uid))}` };
      const businessFunction = role.businessFunction === undefined ? 'SERVICE_PROVIDER_CLINICIAN' : role.businessFunction;
      if (businessFunction !== null) {
        headers['NHSD-eRS-Business-Function'] = businessFunction;
        headers['NHSD-End-User-Organisation-ODS'] = role.ods ?? 'R69';
      }
      if (role.onBehalfOf) headers['NHSD-eRS-On-Behalf-Of-User-ID'] = role.onBehalfOf;
      if (role.correlationId) headers['X-Correlation-ID'] = role.correlationId;
      return headers;
    },
    fhir(pathAndQuery, init) {
      return fetch(`${handle.emulator.fhirBaseUrl}${pathAndQuery}`, { redirect: 'manual', ...init });
    },
    async restart(more = {}) {
      await handle.emulator.close();
      handle.emulator = await startErsEmulator({ ...options(), ...more });
    },
    async close() {
      await handle.emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** A JSON POST body with the FHIR media type. */
export function fhirJson(body: unknown, headers: Record<string, string>, extra: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { ...headers, 'Content-Type': 'application/fhir+json', ...extra }, body: JSON.stringify(body) };
}

export interface OutcomeSummary {
  code: string | undefined;
  diagnostics: string | undefined;
  resourceType: unknown;
}

/** The e-RS error code and message of an OperationOutcome answer. */
export async function outcomeOf(response: Response): Promise<OutcomeSummary> {
  const body = (await response.json()) as {
    resourceType?: unknown;
    issue?: { details?: { coding?: { code?: string }[] }; diagnostics?: string }[];
  };
  const issue = body.issue?.[0];
  return { resourceType: body.resourceType, code: issue?.details?.coding?.[0]?.code, diagnostics: issue?.diagnostics };
}
