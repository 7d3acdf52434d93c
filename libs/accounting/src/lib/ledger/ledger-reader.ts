import { SeriesFigures } from '../figures';
import { PodFigures } from '../group-rollup';
import { NamespaceFilter } from '../sample-reader';
import { StoredNamespaceHour } from './ledger-records';

/** What a report reads from the ledger. Times are epoch ms, hour-aligned, `from` inclusive, `to` exclusive. */
export interface LedgerReader {
  /** Catalog names of the metrics the ledger rolls. */
  readonly metrics: readonly string[];
  /**
   * Starts of the rolled hours in [fromMs, toMs), ascending; with a metric, those rolled with it
   * (hours rolled before the ledger kept a metric are read live for it).
   */
  rolledHours(fromMs: number, toMs: number, metric?: string): Promise<number[]>;
  /**
   * Per pod of the selected namespaces, its figures over the rolled hours in [fromMs, toMs): the sum
   * of its hours (coverage too: hours are disjoint), the largest peak. In pod order.
   */
  podFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<PodFigures[]>;
  /**
   * Per selected namespace with a rolled hour in [fromMs, toMs), the figures of its total per step
   * over them: the sum of its hours (coverage too), the largest peak. Keys in name order.
   */
  namespaceFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<Map<string, SeriesFigures>>;
  /**
   * The figures of the total per step over the selected namespaces in the rolled hours of [fromMs,
   * toMs): per hour as `totalOfHour` computes them from the namespaces' step series, summed over
   * the hours (empty figures when none).
   */
  totalFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<SeriesFigures>;
  /** The selected namespaces' hours in [fromMs, toMs), with their per-step series when `withSteps`. */
  namespaceHours(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter, withSteps: boolean): Promise<StoredNamespaceHour[]>;
  /**
   * The most common sample step of the metric's rolled hours in [fromMs, toMs) that hold data (ties:
   * the earliest hour's), or undefined when none.
   */
  stepMs(metric: string, fromMs: number, toMs: number): Promise<number | undefined>;
}

/**
 * Counts of every stored sample of a metric per time bucket, whatever its series: compared with the
 * counts seen when an hour was rolled, it shows samples that landed later (a collector backlog).
 */
export interface SampleCounts {
  /** Per bucket start (epoch ms, aligned on the epoch), the samples stored in [from, to). */
  samplesPerBucket(from: Date, to: Date, bucketMs: number): Promise<Map<number, number>>;
  /** Time of the oldest stored sample (epoch ms), undefined when none: where a first backfill starts. */
  firstSampleMs(): Promise<number | undefined>;
}
