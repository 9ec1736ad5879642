/**
 * The local e-RS: a stateful stand-in for the NHS e-Referral Service FHIR API on loopback.
 * It serves the provider operations under `<origin>/referrals/FHIR/STU3/...` and
 * `.../R4/...` (so the e-RS base URL is `<origin>/referrals`, as the NHS's is
 * `https://sandbox.api.service.nhs.uk/referrals`), validates tokens and role headers as
 * e-RS does, keeps its state in a data directory, and can be told to misbehave.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../../electron/log/logger';
import { type RenderDocument } from '../documents/spec';
import { type SeedOptions } from '../seed/generate';
import { type AdviceRequest, type BinaryRecord, type Patient, type Referral } from '../seed/model';
import { authenticate, authorise, type TokenVerifier } from './access';
import { FaultInjector, type FaultConfig } from './faults';
import { FileContent } from './file-content';
import { accepts, header, jsonReply, writeReply, type Reply } from './http-io';
import { startObjectStore } from './object-store';
import { type OperationContext } from './operation-context';
import { type OperationRecord } from './operation-ids';
import { ErsError, operationOutcome, type FhirFlavour } from './outcome';
import { PLATFORM_MAX_RESPONSE_BYTES, throughPlatform } from './platform-limit';
import { matchRoute, type RouteMatch } from './routes';
import { ErsStore } from './store';

export interface ErsEmulatorOptions {
  /** Where state and uploads are kept; survives restarts. */
  dataDir: string;
  /** Verifies bearer tokens (the local APIM's LocalTokenAuthority). */
  tokens: TokenVerifier;
  /** Renders seeded documents (electron/local/documents/render.ts). */
  renderDocument: RenderDocument;
  log?: Logger;
  host?: string;
  /** 0 (the default) lets the OS choose. */
  port?: number;
  objectStorePort?: number;
  seed?: SeedOptions;
  faults?: Partial<FaultConfig>;
  /** How long an A042 redirect URL stays valid. */
  signedUrlTtlSeconds?: number;
  /** The emulator's clock (tests move it). */
  now?: () => Date;
  /** Source of chance for share-based faults. */
  random?: () => number;
  /** Operation records kept for inspection (oldest dropped first). */
  maxOperationRecords?: number;
  /**
   * The NHS API platform's limit on an answer (10 MB, as for e-RS's worklists): a larger one
   * is refused with 502 and Apigee's TooBigBody fault (see platform-limit.ts).
   */
  maxResponseBytes?: number;
}

export interface ErsEmulator {
  origin: string;
  /** The e-RS base URL: `<origin>/referrals`. */
  baseUrl: string;
  /** The FHIR base, `<baseUrl>/FHIR`: what the NHS examples write as `_baseUrl_`. */
  fhirBaseUrl: string;
  objectStoreOrigin: string;
  operations(): OperationRecord[];
  clearOperations(): void;
  /** Seeded documents drawn since start; each is drawn at most once per data directory (file-content.ts). */
  documentsDrawn(): number;
  /** Draws and keeps these Binaries' files now, as e-RS has its files before anyone asks; answers how many were drawn. */
  prepareDocuments(binaryIds: Iterable<string>): Promise<number>;
  faults(): FaultConfig;
  setFaults(faults: Partial<FaultConfig>): void;
  /** Copies of the current records, for inspection. */
  referral(ubrn: string): Referral | undefined;
  advice(ubrn: string): AdviceRequest | undefined;
  binary(id: string): BinaryRecord | undefined;
  /** The seed's patients, in seed order (the same array until the seed changes), for the local PDS. */
  seedPatients(): readonly Patient[];
  /** The day the seed's dates count back from (yyyy-mm-dd). */
  referenceDate(): string;
  /** Changes a referral behind the app's back (another user, a test's arrangement). */
  updateReferral(ubrn: string, change: (referral: Referral) => void): Promise<Referral>;
  updateAdvice(ubrn: string, change: (advice: AdviceRequest) => void): Promise<AdviceRequest>;
  setReferralVersion(ubrn: string, version: number): Promise<void>;
  /** Another user changed the referral: its version moves on. Returns the new version. */
  touchReferral(ubrn: string): Promise<number>;
  deleteReferral(ubrn: string): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const SERVER_ERRORS: Record<number, [string, string]> = {
  500: ['INTERNAL_SERVER_ERROR', 'e-RS failed to process the request: try again shortly.'],
  502: ['BAD_GATEWAY', 'e-RS could not reach a system it depends on: try again shortly.'],
  503: ['SYSTEM_UNAVAILABLE', 'e-RS is temporarily unavailable: try again shortly.'],
  504: ['GATEWAY_TIMEOUT', 'e-RS took too long to answer: try again shortly.'],
};

/** Operations that answer with something other than FHIR JSON. */
const NON_JSON = new Set(['A006', 'A007', 'A042', 'A043']);

export async function startErsEmulator(options: ErsEmulatorOptions): Promise<ErsEmulator> {
  const logger = options.log ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? (() => new Date());
  const faults = new FaultInjector(options.faults ?? {}, options.random);
  const store = await ErsStore.open(options.dataDir, options.seed ?? {}, logger);
  const files = new FileContent(options.renderDocument, store, options.dataDir);
  const maxRecords = options.maxOperationRecords ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? PLATFORM_MAX_RESPONSE_BYTES;
  let records: OperationRecord[] = [];
  const record = (entry: OperationRecord) => {
    records.push(entry);
    if (records.length > maxRecords) records = records.slice(records.length - maxRecords);
  };

  const objectStore = await startObjectStore({
    host,
    port: options.objectStorePort ?? 0,
    ttlSeconds: options.signedUrlTtlSeconds ?? 60,
    now,
    logger,
    faults,
    find: (id) => store.binary(id),
    bytes: (binary) => files.bytes(binary),
    record,
  });

  let origin = '';

  /** Fault mode's verdict on a request before it is handled: the error to answer with, if any. */
  async function injectFault(): Promise<{ error: ErsError; fault: OperationRecord['fault'] } | null> {
    const retryAfter = faults.rateLimited(Date.now());
    if (retryAfter !== null) {
      return {
        error: new ErsError(429, 'TOO_MANY_REQUESTS', 'Too many requests were sent to e-RS: wait and retry.', {
          'Retry-After': String(retryAfter),
        }),
        fault: 'rate-limited',
      };
    }
    const latency = faults.latencyMs();
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const failure = faults.serverError();
    if (failure === null) return null;
    const [code, text] = SERVER_ERRORS[failure] ?? ['INTERNAL_SERVER_ERROR', 'e-RS failed: try again shortly.'];
    return { error: new ErsError(failure, code, text, failure === 503 ? { 'Retry-After': '1' } : {}), fault: 'server-error' };
  }

  async function answer(request: IncomingMessage, url: URL, match: RouteMatch, flavour: FhirFlavour): Promise<Reply> {
    if (!match.route) {
      // Another method on a known path is no endpoint either: the e-RS specification
      // documents no 405, and NHS's own sandbox answers it 404.
      if (match.allowed.length > 0)
        throw new ErsError(404, 'NOT_FOUND', `e-RS has no ${request.method ?? ''} endpoint here: use ${match.allowed.join(' or ')}.`);
      throw new ErsError(404, 'NOT_FOUND', 'e-RS has no such endpoint: check the URL.');
    }
    const route = match.route;
    const claims = await authenticate(request, options.tokens);
    const caller = authorise(route.operation, request, claims);
    if (!NON_JSON.has(route.operation) && !accepts(request, 'application/fhir+json')) {
      throw new ErsError(406, 'NOT_ACCEPTABLE', 'e-RS answers this request with application/fhir+json: accept that type and retry.');
    }
    const context: OperationContext = {
      operation: route.operation,
      request,
      url,
      params: match.params,
      caller,
      flavour,
      store,
      files,
      fhirBase: `${origin}/referrals/FHIR`,
      now,
      logger,
      signedObjectUrl: (id) => objectStore.signedUrl(id),
    };
    return route.handler(context);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedMs = Date.now();
    const time = now().toISOString();
    const correlationId = header(request, 'x-correlation-id');
    const rawUrl = request.url ?? '/';
    const url = new URL(rawUrl.startsWith('/') ? rawUrl : `/${rawUrl}`, origin);
    let pathname = url.pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      // keep the raw path: it will simply not match a route
    }
    const flavour: FhirFlavour = pathname.includes('/FHIR/R4/') ? 'R4' : 'STU3';
    const match = matchRoute(request.method ?? 'GET', pathname);
    const operation: OperationRecord['operation'] = match.route?.operation ?? 'UNKNOWN';
    let reply: Reply;
    let fault: OperationRecord['fault'];
    const targeted = faults.appliesTo(operation);
    try {
      const injected = targeted ? await injectFault() : null;
      if (injected) {
        fault = injected.fault;
        throw injected.error;
      }
      reply = throughPlatform(await answer(request, url, match, flavour), maxResponseBytes);
      // A slow commit: the change is made; the answer takes its time.
      const commitDelay = targeted && reply.status < 300 ? faults.commitDelayMs() : 0;
      if (commitDelay > 0) {
        fault = 'slow-commit';
        await new Promise((resolve) => setTimeout(resolve, commitDelay));
      }
    } catch (thrown) {
      if (thrown instanceof ErsError) {
        reply = jsonReply(thrown.status, operationOutcome(flavour, thrown, now()), thrown.headers);
      } else {
        logger.error('ers.request.failed', { operation, message: thrown instanceof Error ? thrown.message : String(thrown) });
        const error = new ErsError(500, 'INTERNAL_SERVER_ERROR', 'e-RS failed to process the request: try again shortly.');
        reply = jsonReply(500, operationOutcome(flavour, error, now()));
      }
    }
    if (correlationId !== undefined) reply.headers['X-Correlation-ID'] = correlationId;
    reply.headers['X-Request-ID'] = randomUUID();
    const lose = fault === undefined && targeted && faults.shouldLoseAnswer();
    const drop = !lose && fault === undefined && targeted && faults.shouldDrop();
    if (lose) fault = 'answer-lost';
    if (drop) fault = 'dropped';
    try {
      // An answer lost whole: the change stands, and the client never hears a status.
      if (lose) response.socket?.destroy();
      else if (!response.destroyed) writeReply(response, reply, drop);
    } catch (error) {
      logger.warn('ers.response.write_failed', { operation, message: error instanceof Error ? error.message : String(error) });
    }
    const entry: OperationRecord = {
      operation,
      method: request.method ?? 'GET',
      path: rawUrl,
      status: reply.status,
      time,
      durationMs: Date.now() - startedMs,
    };
    if (correlationId !== undefined) entry.correlationId = correlationId;
    if (fault) entry.fault = fault;
    record(entry);
    logger.debug('ers.request', { operation, status: reply.status, durationMs: entry.durationMs, ...(fault ? { fault } : {}) });
  }

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      logger.error('ers.request.unhandled', { message: error instanceof Error ? error.message : String(error) });
      if (!response.headersSent) {
        response.statusCode = 500;
        response.end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  logger.info('ers.started', { origin, objectStore: objectStore.origin, referrals: store.referrals.size });

  const copy = <T>(value: T | undefined): T | undefined => (value === undefined ? undefined : structuredClone(value));
  const requireReferral = (ubrn: string): Referral => {
    const found = store.referral(ubrn);
    if (!found) throw new Error(`The local e-RS has no referral ${ubrn}.`);
    return found;
  };

  return {
    origin,
    baseUrl: `${origin}/referrals`,
    fhirBaseUrl: `${origin}/referrals/FHIR`,
    objectStoreOrigin: objectStore.origin,
    operations: () => records.map((r) => ({ ...r })),
    clearOperations: () => {
      records = [];
    },
    documentsDrawn: () => files.rendered,
    async prepareDocuments(binaryIds) {
      const before = files.rendered;
      for (const id of binaryIds) {
        const binary = store.binary(id);
        if (binary?.content.source === 'document') await files.size(binary);
      }
      return files.rendered - before;
    },
    faults: () => faults.current(),
    setFaults: (partial) => faults.set(partial),
    referral: (ubrn) => copy(store.referral(ubrn)),
    advice: (ubrn) => copy(store.adviceRequest(ubrn)),
    binary: (id) => copy(store.binary(id)),
    seedPatients: () => store.seedPatients(),
    referenceDate: () => store.params.referenceDate,
    async updateReferral(ubrn, change) {
      const next = structuredClone(requireReferral(ubrn));
      change(next);
      store.saveReferral(next);
      await store.persist();
      return structuredClone(next);
    },
    async updateAdvice(ubrn, change) {
      const found = store.adviceRequest(ubrn);
      if (!found) throw new Error(`The local e-RS has no advice and guidance request ${ubrn}.`);
      const next = structuredClone(found);
      change(next);
      store.saveAdvice(next);
      await store.persist();
      return structuredClone(next);
    },
    async setReferralVersion(ubrn, version) {
      const next = structuredClone(requireReferral(ubrn));
      next.version = version;
      store.saveReferral(next);
      await store.persist();
    },
    async touchReferral(ubrn) {
      const next = structuredClone(requireReferral(ubrn));
      next.version += 1;
      next.lastUpdated = now().toISOString();
      next.history.push({ version: next.version, at: next.lastUpdated, action: 'UPDATED_ELSEWHERE' });
      store.saveReferral(next);
      await store.persist();
      return next.version;
    },
    async deleteReferral(ubrn) {
      store.deleteReferral(ubrn);
      await store.persist();
    },
    async reset() {
      await store.reset();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await objectStore.close();
      await store.settle();
    },
  };
}
