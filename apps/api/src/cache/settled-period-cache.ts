/**
 * Answers for periods that are over and settled, kept in memory for a while.
 *
 * Usage over a period that ended long enough ago (late samples and collector retries have
 * landed) does not change, yet billing clients, CSV downloads and dashboards ask for the same month
 * again and again — each time streaming millions of samples out of InfluxDB. This cache keeps such
 * answers, bounded in count and in weight (pods), each for a limited time so a backfill or a
 * retention policy shows up after at most `ttlMs`. Periods that are not settled are never cached.
 * Concurrent requests for the same uncached key share one computation.
 *
 * Every caller gets its own deep copy: no caller can change what the next one receives.
 */

export interface SettledPeriodCacheOptions {
  /** Data whose newest sample read is older than this is final. */
  settleMs: number;
  /** How long an entry is served before it is computed again. */
  ttlMs: number;
  /** At most this many entries (least recently used dropped first). */
  maxEntries: number;
  /** At most this summed weight (e.g. pods), so a few huge answers cannot fill the memory. */
  maxWeight: number;
  now?: () => number;
}

interface Entry<T> {
  value: T;
  weight: number;
  expiresAt: number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Requests for periods too recent to cache. */
  bypassed: number;
  entries: number;
  weight: number;
}

export class SettledPeriodCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly now: () => number;
  private totalWeight = 0;
  private readonly counters = { hits: 0, misses: 0, bypassed: 0 };

  constructor(private readonly options: SettledPeriodCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The answer for `key`, whose data ends at `readUntilMs` (exclusive, epoch ms): from the cache when
   * the period is settled and the entry fresh, else computed (and kept when settled).
   */
  async get(key: string, readUntilMs: number, compute: () => Promise<T>, weigh: (value: T) => number): Promise<T> {
    const now = this.now();
    if (readUntilMs > now - this.options.settleMs) {
      this.counters.bypassed++;
      return compute();
    }
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) {
      this.counters.hits++;
      // Most recently used goes to the end of the map's order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return structuredClone(hit.value);
    }
    if (hit) this.remove(key);
    let pending = this.inFlight.get(key);
    if (!pending) {
      this.counters.misses++;
      pending = compute().then((value) => {
        this.store(key, value, weigh(value));
        return value;
      });
      this.inFlight.set(key, pending);
      pending.then(
        () => this.inFlight.delete(key),
        () => this.inFlight.delete(key),
      );
    }
    return structuredClone(await pending);
  }

  /** Whether `get` would answer without computing: a fresh entry, or the same answer being computed. */
  holds(key: string, readUntilMs: number): boolean {
    const now = this.now();
    if (readUntilMs > now - this.options.settleMs) return false;
    const hit = this.entries.get(key);
    return (hit !== undefined && hit.expiresAt > now) || this.inFlight.has(key);
  }

  stats(): CacheStats {
    return { ...this.counters, entries: this.entries.size, weight: this.totalWeight };
  }

  clear(): void {
    this.entries.clear();
    this.totalWeight = 0;
  }

  private store(key: string, value: T, weight: number): void {
    const w = Math.max(1, weight);
    if (w > this.options.maxWeight || this.options.maxEntries < 1) return;
    this.remove(key);
    this.entries.set(key, { value, weight: w, expiresAt: this.now() + this.options.ttlMs });
    this.totalWeight += w;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries && this.totalWeight <= this.options.maxWeight) break;
      this.remove(oldest);
    }
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.totalWeight -= e.weight;
  }
}
