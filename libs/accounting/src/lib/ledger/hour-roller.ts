import { MetricSamples } from '../sample-reader';
import { UsageEngine } from '../usage-engine';
import { HOUR_MS, MetricHour, NamespaceHour } from './ledger-records';

export interface RollOptions {
  /**
   * Also roll each namespace's figures and per-step series (default). Without: pods only, for a
   * metric reports only sum over pods (a request), which spares the reads of the group totals.
   */
  namespaces?: boolean;
}

/**
 * Rolls one metric for one hour with the one usage computation: the figures of [hour, hour + 1 h)
 * for every pod and namespace, and each namespace's per-step series (margins included), from which
 * a total over any set of namespaces is computed later exactly as the live path computes it.
 * Figures of consecutive hours add up to those of the hours together, since every sample's window
 * is clipped to the period it is read for and the samples around an edge are read with it.
 */
export async function rollMetricHour(engine: UsageEngine, samples: MetricSamples, hourMs: number, options: RollOptions = {}): Promise<MetricHour> {
  const period = { from: new Date(hourMs), to: new Date(hourMs + HOUR_MS) };
  const stepMs = await engine.stepMs(samples, period);
  const withNamespaces = options.namespaces ?? true;
  const usage = await engine.usage(samples, period, {}, stepMs, withNamespaces ? { namespaces: true, stepSeries: true } : {});
  const podsPerNs = new Map<string, number>();
  for (const p of usage.pods) podsPerNs.set(p.namespace, (podsPerNs.get(p.namespace) ?? 0) + 1);
  const namespaces: NamespaceHour[] = [];
  for (const [namespace, figures] of usage.namespaces) {
    const steps = usage.namespaceSteps?.get(namespace);
    // The engine captures the series of every namespace it answers; a missing one is a defect.
    if (!steps) throw new Error(`no step series for namespace ${namespace}`);
    namespaces.push({ namespace, pods: podsPerNs.get(namespace) ?? 0, figures, steps });
  }
  return { metric: samples.metric, hourMs, stepMs: usage.stepMs, scale: samples.scale, pods: usage.pods, namespaces };
}
