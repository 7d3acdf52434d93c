import { SeriesFigures } from '../figures';
import { PodFigures } from '../group-rollup';
import { NamespaceSteps } from '../usage-engine';

/** The ledger's unit of time: an hour, aligned on the epoch (and so on UTC). */
export const HOUR_MS = 3_600_000;

/** The start of the hour holding `timeMs`. */
export function hourFloor(timeMs: number): number {
  return Math.floor(timeMs / HOUR_MS) * HOUR_MS;
}

/** The start of the first whole hour at or after `timeMs`. */
export function hourCeil(timeMs: number): number {
  return Math.ceil(timeMs / HOUR_MS) * HOUR_MS;
}

/** One namespace's figures in one hour: those of its total per step, with the series they came from. */
export interface NamespaceHour {
  namespace: string;
  /** Pods counted in the namespace that hour (0: known from its collector total only). */
  pods: number;
  figures: SeriesFigures;
  steps: NamespaceSteps;
}

/**
 * One metric rolled for one hour: what the live computation gives over exactly [hour, hour + 1 h),
 * every namespace (the system ones too; filters apply when reading).
 */
export interface MetricHour {
  /** Catalog name (`cpu/usage_rate`). */
  metric: string;
  hourMs: number;
  stepMs: number;
  /** Stored unit × scale = catalog unit; step series are kept in the stored unit. */
  scale: number;
  /** Each pod once, in pod order. */
  pods: PodFigures[];
  namespaces: NamespaceHour[];
}

/** Where part of an answer came from. */
export interface UsageSpan {
  fromMs: number;
  toMs: number;
  source: 'ledger' | 'live';
}

/** A stored namespace-hour as the ledger answers it for a report. */
export interface StoredNamespaceHour {
  hourMs: number;
  stepMs: number;
  scale: number;
  namespace: string;
  pods: number;
  figures: SeriesFigures;
  /** Only when asked for (a total over namespaces needs them). */
  steps?: NamespaceSteps;
}
