/**
 * The bytes behind each Binary: rendered from its DocumentSpec (seeded files) or read from
 * the data directory (uploads). Rendering is deterministic, so sizes are remembered rather
 * than stored, and a few recent documents are kept in memory so a redirect followed by a
 * download does not render twice.
 */
import { type DocumentSpec, type RenderDocument } from '../documents/spec';
import { type BinaryRecord } from '../seed/model';
import { type ErsStore } from './store';

const MAX_CACHED_BYTES = 64 * 1024 * 1024;

export class FileContent {
  private readonly sizes = new Map<string, number>();
  private readonly recent = new Map<string, Uint8Array>();
  private recentBytes = 0;

  constructor(
    private readonly render: RenderDocument,
    private readonly store: ErsStore,
  ) {}

  async bytes(binary: BinaryRecord): Promise<Uint8Array> {
    const cached = this.recent.get(binary.id);
    if (cached) return cached;
    const bytes = binary.content.source === 'upload' ? await this.store.readUpload(binary.id) : await this.render(binary.content.spec);
    this.sizes.set(binary.id, bytes.length);
    this.remember(binary.id, bytes);
    return bytes;
  }

  async size(binary: BinaryRecord): Promise<number> {
    if (binary.content.source === 'upload') return binary.content.size;
    const known = this.sizes.get(binary.id);
    if (known !== undefined) return known;
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

  private remember(id: string, bytes: Uint8Array): void {
    if (bytes.length > MAX_CACHED_BYTES / 4) return;
    this.recent.set(id, bytes);
    this.recentBytes += bytes.length;
    for (const [key, value] of this.recent) {
      if (this.recentBytes <= MAX_CACHED_BYTES && this.recent.size <= 32) break;
      this.recent.delete(key);
      this.recentBytes -= value.length;
    }
  }
}
