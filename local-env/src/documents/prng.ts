/**
 * The seeded randomness behind every synthetic document. Each part of a document draws
 * from its own stream (`fork('letterhead')`, `fork('page-3')`), so changing how much one
 * part consumes never shifts what another part looks like, and the same seed always gives
 * the same bytes on any machine (no Math.random, no clock).
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  float(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items in a random order (all of them when count is larger). */
  sample<T>(items: readonly T[], count: number): T[];
  /** A roughly normal value (sum of uniforms): cheap and bounded, enough for noise. */
  gaussian(mean: number, deviation: number): number;
  /** A 32-bit unsigned integer, for code that runs its own fast loop (image noise). */
  uint32(): number;
  /** An independent stream named by `label`, derived from this stream's seed. */
  fork(label: string): Rng;
}

// FNV-1a over the label's UTF-16 units, then a murmur3-style finaliser to spread the bits.
function mix(hash: number, text: string): number {
  let h = hash >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds any safe integer seed (negative or above 2^32 too) into 32 bits without collapsing the high part. */
function foldSeed(seed: number): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / 0x100000000) >>> 0;
  return mix(mix(0x811c9dc5, String(low)), `:${high}`);
}

function fromState(state: number): Rng {
  let s = state >>> 0;
  // mulberry32: small, fast and good enough for synthetic text and pictures.
  const uint32 = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => uint32() / 0x100000000;
  const rng: Rng = {
    next,
    uint32,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick() needs at least one item');
      return items[Math.floor(next() * items.length)] as T;
    },
    sample: <T>(items: readonly T[], count: number): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy.slice(0, Math.max(0, count));
    },
    gaussian: (mean, deviation) => mean + (next() + next() + next() + next() - 2) * deviation * 1.732,
    fork: (label) => fromState(mix(state, `/${label}`)),
  };
  return rng;
}

/** A stream for one document: the same seed always gives the same sequence. */
export function createRng(seed: number): Rng {
  return fromState(foldSeed(seed));
}
