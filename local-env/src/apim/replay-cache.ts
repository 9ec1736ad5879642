/**
 * Remembers each client assertion `jti` until its assertion expires, so that a captured
 * assertion cannot be replayed. Assertions live at most five minutes, so this stays small.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  /** Records the id; false when it was already used by an assertion that has not yet expired. */
  remember(key: string, expiresAt: number, now: number): boolean {
    for (const [seenKey, seenExpiry] of this.seen) if (seenExpiry < now) this.seen.delete(seenKey);
    if (this.seen.has(key)) return false;
    this.seen.set(key, expiresAt);
    return true;
  }
}
