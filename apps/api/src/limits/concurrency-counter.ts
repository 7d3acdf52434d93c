/** Requests in flight per key, each taken with `tryAcquire` and given back once by its release. */
export class ConcurrencyCounter {
  private readonly counts = new Map<string, number>();

  /** A release function when `key` holds fewer than `max`, else undefined (nothing taken). */
  tryAcquire(key: string, max: number): (() => void) | undefined {
    const held = this.counts.get(key) ?? 0;
    if (held >= max) return undefined;
    this.counts.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      // Idle keys are dropped: the map holds only callers with requests in flight.
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    };
  }

  inFlight(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Keys with requests in flight. */
  get size(): number {
    return this.counts.size;
  }
}
