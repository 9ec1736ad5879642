/**
 * The emulator's state: the generated seed plus everything that has happened since. Only
 * the changes are written to disk (the seed is regenerated from its parameters, which are
 * saved with them), so a 10,000-referral environment restarts fast and a decision costs
 * one small write. Writes are atomic (temporary file, then rename) and run one at a time,
 * so a crash leaves either the old state or the new one, never half of each.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Logger } from '../../../electron/log/logger';
import { generateSeed, resolveSeedParams, type SeedOptions } from '../seed/generate';
import { type AdviceRequest, type BinaryRecord, type Patient, type Referral, type SeedData } from '../seed/model';

const STATE_FILE = 'ers-state.json';
const UPLOADS_DIR = 'ers-uploads';
const FORMAT = 1;

interface StoredSeed {
  seed: number;
  count: number;
  referenceDate: string;
  large: boolean;
}

interface StoredState {
  format: number;
  seed: StoredSeed;
  referrals: Referral[];
  deletedReferrals: string[];
  advice: AdviceRequest[];
  deletedAdvice: string[];
  binaries: BinaryRecord[];
  /** Next id for records e-RS numbers (DocumentReference, Communication, Appointment). */
  nextId?: number;
}

const FIRST_ID = 900000;

function isStoredState(value: unknown): value is StoredState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const seed = v.seed as Record<string, unknown> | undefined;
  return (
    v.format === FORMAT &&
    typeof seed === 'object' &&
    seed !== null &&
    typeof seed.seed === 'number' &&
    typeof seed.count === 'number' &&
    typeof seed.referenceDate === 'string' &&
    Array.isArray(v.referrals) &&
    Array.isArray(v.deletedReferrals) &&
    Array.isArray(v.advice) &&
    Array.isArray(v.deletedAdvice) &&
    Array.isArray(v.binaries)
  );
}

export class ErsStore {
  readonly referrals = new Map<string, Referral>();
  readonly advice = new Map<string, AdviceRequest>();
  readonly binaries = new Map<string, BinaryRecord>();
  readonly patients = new Map<string, Patient>();
  private readonly appointmentIndex = new Map<string, string>();
  /** The seed's patients in seed order, one array per seed (the local PDS builds its records from it). */
  private patientList: readonly Patient[] = [];
  private changedReferrals = new Set<string>();
  private deletedReferrals = new Set<string>();
  private changedAdvice = new Set<string>();
  private deletedAdvice = new Set<string>();
  private changedBinaries = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private writes = 0;
  private idCounter = FIRST_ID;

  private constructor(
    private readonly dataDir: string,
    private seedParams: StoredSeed,
    private readonly logger: Logger,
  ) {}

  static async open(dataDir: string, requested: SeedOptions, logger: Logger): Promise<ErsStore> {
    await mkdir(path.join(dataDir, UPLOADS_DIR), { recursive: true });
    const stored = await ErsStore.readState(dataDir, logger);
    let params: StoredSeed;
    let overlay: StoredState | null = null;
    if (stored && ErsStore.compatible(stored.seed, requested)) {
      params = stored.seed;
      overlay = stored;
    } else {
      if (stored) logger.warn('ers.state.seed_changed', { stored: stored.seed, requested });
      const resolved = resolveSeedParams(requested);
      params = { ...resolved, large: requested.large === true };
    }
    const store = new ErsStore(dataDir, params, logger);
    store.load(generateSeed(params));
    if (overlay) store.apply(overlay);
    else await store.persist();
    return store;
  }

  /** Stored state is reused unless the caller asked, explicitly, for a different seed. */
  private static compatible(stored: StoredSeed, requested: SeedOptions): boolean {
    if (requested.seed !== undefined && requested.seed !== stored.seed) return false;
    if (requested.large !== undefined && requested.large !== stored.large) return false;
    if (requested.count !== undefined && requested.count !== stored.count) return false;
    if (requested.count === undefined && requested.large !== undefined && resolveSeedParams(requested).count !== stored.count) return false;
    if (requested.referenceDate !== undefined && requested.referenceDate !== stored.referenceDate) return false;
    return true;
  }

  private static async readState(dataDir: string, logger: Logger): Promise<StoredState | null> {
    const file = path.join(dataDir, STATE_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (isStoredState(parsed)) return parsed;
    } catch {
      // fall through: an unreadable file is set aside below
    }
    const aside = path.join(dataDir, `ers-state.unreadable-${Date.now()}.json`);
    await rename(file, aside).catch(() => undefined);
    logger.warn('ers.state.unreadable', { file: aside });
    return null;
  }

  get params(): StoredSeed {
    return { ...this.seedParams };
  }

  private load(seed: SeedData): void {
    this.referrals.clear();
    this.advice.clear();
    this.binaries.clear();
    this.patients.clear();
    this.appointmentIndex.clear();
    for (const patient of seed.patients) this.patients.set(patient.nhsNumber, patient);
    this.patientList = Object.freeze([...seed.patients]);
    for (const referral of seed.referrals) this.index(referral);
    for (const item of seed.advice) this.advice.set(item.ubrn, item);
    for (const binary of seed.binaries) this.binaries.set(binary.id, binary);
  }

  private apply(state: StoredState): void {
    for (const ubrn of state.deletedReferrals) this.referrals.delete(ubrn);
    for (const ubrn of state.deletedAdvice) this.advice.delete(ubrn);
    for (const referral of state.referrals) this.index(referral);
    for (const item of state.advice) this.advice.set(item.ubrn, item);
    for (const binary of state.binaries) this.binaries.set(binary.id, binary);
    this.changedReferrals = new Set(state.referrals.map((r) => r.ubrn));
    this.deletedReferrals = new Set(state.deletedReferrals);
    this.changedAdvice = new Set(state.advice.map((a) => a.ubrn));
    this.deletedAdvice = new Set(state.deletedAdvice);
    this.changedBinaries = new Set(state.binaries.map((b) => b.id));
    this.idCounter = typeof state.nextId === 'number' ? state.nextId : FIRST_ID;
  }

  private index(referral: Referral): void {
    this.referrals.set(referral.ubrn, referral);
    if (referral.appointment) this.appointmentIndex.set(referral.appointment.id, referral.ubrn);
  }

  referral(ubrn: string): Referral | undefined {
    return this.referrals.get(ubrn);
  }

  adviceRequest(ubrn: string): AdviceRequest | undefined {
    return this.advice.get(ubrn);
  }

  binary(id: string): BinaryRecord | undefined {
    return this.binaries.get(id);
  }

  patient(nhsNumber: string): Patient | undefined {
    return this.patients.get(nhsNumber);
  }

  seedPatients(): readonly Patient[] {
    return this.patientList;
  }

  referralByAppointment(appointmentId: string): Referral | undefined {
    const ubrn = this.appointmentIndex.get(appointmentId);
    return ubrn === undefined ? undefined : this.referrals.get(ubrn);
  }

  /** Records a changed or new referral (call persist() to write it). */
  saveReferral(referral: Referral): void {
    this.index(referral);
    this.changedReferrals.add(referral.ubrn);
    this.deletedReferrals.delete(referral.ubrn);
  }

  deleteReferral(ubrn: string): void {
    this.referrals.delete(ubrn);
    this.changedReferrals.delete(ubrn);
    this.deletedReferrals.add(ubrn);
  }

  saveAdvice(item: AdviceRequest): void {
    this.advice.set(item.ubrn, item);
    this.changedAdvice.add(item.ubrn);
    this.deletedAdvice.delete(item.ubrn);
  }

  deleteAdvice(ubrn: string): void {
    this.advice.delete(ubrn);
    this.changedAdvice.delete(ubrn);
    this.deletedAdvice.add(ubrn);
  }

  /** A fresh id for a record e-RS numbers; kept across restarts with the state. */
  nextId(): string {
    this.idCounter += 1;
    return String(this.idCounter);
  }

  saveBinary(binary: BinaryRecord): void {
    this.binaries.set(binary.id, binary);
    this.changedBinaries.add(binary.id);
  }

  uploadPath(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('An upload id is a UUID.');
    return path.join(this.dataDir, UPLOADS_DIR, id);
  }

  async writeUpload(id: string, bytes: Uint8Array): Promise<void> {
    const target = this.uploadPath(id);
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  }

  async readUpload(id: string): Promise<Uint8Array> {
    return readFile(this.uploadPath(id));
  }

  /** Writes the changes since the seed; resolves once they are safely on disk. */
  persist(): Promise<void> {
    const run = this.queue.then(() => this.writeNow());
    this.queue = run.catch((error: unknown) => {
      this.logger.error('ers.state.write_failed', { message: error instanceof Error ? error.message : String(error) });
    });
    return run;
  }

  private async writeNow(): Promise<void> {
    const state: StoredState = {
      format: FORMAT,
      seed: this.seedParams,
      referrals: [...this.changedReferrals].flatMap((ubrn) => {
        const r = this.referrals.get(ubrn);
        return r ? [r] : [];
      }),
      deletedReferrals: [...this.deletedReferrals],
      advice: [...this.changedAdvice].flatMap((ubrn) => {
        const a = this.advice.get(ubrn);
        return a ? [a] : [];
      }),
      deletedAdvice: [...this.deletedAdvice],
      binaries: [...this.changedBinaries].flatMap((id) => {
        const b = this.binaries.get(id);
        return b ? [b] : [];
      }),
      nextId: this.idCounter,
    };
    const target = path.join(this.dataDir, STATE_FILE);
    this.writes += 1;
    const temporary = `${target}.${process.pid}.${this.writes}.tmp`;
    await writeFile(temporary, JSON.stringify(state));
    await rename(temporary, target);
  }

  /** Back to the seed as first generated: changes and uploads are gone. */
  reset(): Promise<void> {
    const run = this.queue.then(async () => {
      await rm(path.join(this.dataDir, UPLOADS_DIR), { recursive: true, force: true });
      await mkdir(path.join(this.dataDir, UPLOADS_DIR), { recursive: true });
      this.changedReferrals.clear();
      this.deletedReferrals.clear();
      this.changedAdvice.clear();
      this.deletedAdvice.clear();
      this.changedBinaries.clear();
      this.idCounter = FIRST_ID;
      this.load(generateSeed(this.seedParams));
      await this.writeNow();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for writes in flight (before closing). */
  async settle(): Promise<void> {
    await this.queue;
  }
}
