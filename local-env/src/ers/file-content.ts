/**
 * The bytes behind each Binary: rendered from its DocumentSpec (seeded files) or read from
 * the data directory (uploads).
 *
 * e-RS knows a file's size without reading it, and so must the emulator: A005 lists every
 * attachment with its size, and drawing a letter to learn its length took hundreds of
 * milliseconds a referral. So each seeded document is drawn at most once per data
 * directory: its bytes are kept on disk (`ers-files/`, named by Binary id and a hash of the
 * spec, so a changed seed draws afresh), its size is read from that file's length, and the
 * same file asked for twice at once is drawn once. A few recent documents are kept in
 * memory too, so a redirect followed by a download does not even read the disk.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type DocumentSpec, type RenderDocument } from '../documents/spec';
import { type BinaryRecord } from '../seed/model';
import { type ErsStore } from './store';

const MAX_CACHED_BYTES = 64 * 1024 * 1024;
export const FILES_DIR = 'ers-files';

export class FileContent {
  private readonly sizes = new Map<string, number>();
  private readonly recent = new Map<string, Uint8Array>();
  private readonly drawing = new Map<string, Promise<Uint8Array>>();
  private recentBytes = 0;
  private renders = 0;

  /** `dataDir`: where drawn documents are kept; without one they are kept in memory only while recent. */
  constructor(
    private readonly render: RenderDocument,
    private readonly store: ErsStore,
    private readonly dataDir: string | null = null,
  ) {}

  /** Documents drawn since start (not read back from disk): for tests and the bench. */
  get rendered(): number {
    return this.renders;
  }

  async bytes(binary: BinaryRecord): Promise<Uint8Array> {
    const cached = this.recent.get(binary.id);
    if (cached) return cached;
    if (binary.content.source === 'upload') {
      const bytes = await this.store.readUpload(binary.id);
      this.sizes.set(binary.id, bytes.length);
      this.remember(binary.id, bytes);
      return bytes;
    }
    const spec = binary.content.spec;
    const pending = this.drawing.get(binary.id);
    if (pending) return pending;
    const work = this.fromDiskOrDraw(binary.id, spec).finally(() => this.drawing.delete(binary.id));
    this.drawing.set(binary.id, work);
    return work;
  }

  async size(binary: BinaryRecord): Promise<number> {
    if (binary.content.source === 'upload') return binary.content.size;
    const known = this.sizes.get(binary.id);
    if (known !== undefined) return known;
    const file = this.fileOf(binary.id, binary.content.spec);
    if (file !== null) {
      const info = await stat(file).catch(() => null);
      if (info?.isFile()) {
        this.sizes.set(binary.id, info.size);
        return info.size;
      }
    }
    return (await this.bytes(binary)).length;
  }

  /** Sizes for several binaries at once, before a resource listing them is built. */
  async sizesOf(ids: Iterable<string>): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    for (const id of ids) {
      const binary = this.store.binary(id);
      result.set(id, binary ? await this.size(binary) : 0);
    }
    return result;
  }

  /** A generated summary document (A007, A043): rendered each time, as e-RS generates it. */
  async renderSummary(spec: DocumentSpec): Promise<Uint8Array> {
    return this.render(spec);
  }

  forget(id: string): void {
    const cached = this.recent.get(id);
    if (cached) this.recentBytes -= cached.length;
    this.recent.delete(id);
    this.sizes.delete(id);
  }

  private async fromDiskOrDraw(id: string, spec: DocumentSpec): Promise<Uint8Array> {
    const file = this.fileOf(id, spec);
    if (file !== null) {
      const kept = await readFile(file).catch(() => null);
      if (kept) {
        const bytes = new Uint8Array(kept.buffer, kept.byteOffset, kept.byteLength);
        this.sizes.set(id, bytes.length);
        this.remember(id, bytes);
        return bytes;
      }
    }
    this.renders += 1;
    const bytes = await this.render(spec);
    this.sizes.set(id, bytes.length);
    this.remember(id, bytes);
    if (file !== null) await this.keep(file, bytes);
    return bytes;
  }

  /** Written whole or not at all (temporary file, then rename); a failure only means drawing it again next time. */
  private async keep(file: string, bytes: Uint8Array): Promise<void> {
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temporary, bytes);
      await rename(temporary, file);
    } catch {
      // The document is still served; it is drawn again next time.
    }
  }

  private fileOf(id: string, spec: DocumentSpec): string | null {
    if (this.dataDir === null) return null;
    const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
    return path.join(this.dataDir, FILES_DIR, `${id.replace(/[^A-Za-z0-9._-]/g, '_')}-${hash}.bin`);
  }

  private remember(id: string, bytes: Uint8Array): void {
    if (bytes.length > MAX_CACHED_BYTES / 4) return;
    const previous = this.recent.get(id);
    if (previous) this.recentBytes -= previous.length;
    this.recent.set(id, bytes);
    this.recentBytes += bytes.length;
    for (const [key, value] of this.recent) {
      if (this.recentBytes <= MAX_CACHED_BYTES && this.recent.size <= 32) break;
      this.recent.delete(key);
      this.recentBytes -= value.length;
    }
  }
}
