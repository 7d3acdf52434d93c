import { SeriesFigures, touchesPeriod } from '../figures';
import { compareNames } from '../pod-key';
import { SampleStream } from '../sample-reader';
import { SeriesAccumulator } from '../series-accumulator';
import { readMarginMs, UsageWindow } from '../usage-window';
import { HOUR_MS } from './ledger-records';

/** A node-level metric's samples (what a node offers: allocatable CPU, memory), one series per node. */
export interface NodeSamples {
  readonly metric: string;
  /** Stored value × scale = value in the catalog unit. */
  readonly scale: number;
  /** Every node-level sample in [from, to), one series per node (named by the node). */
  nodeSamples(from: Date, to: Date): SampleStream<string>;
}

/** One node's figures of one metric in one hour: ∫ value dt (unit·s), coverage and peak. */
export interface NodeHour {
  node: string;
  figures: SeriesFigures;
}

/**
 * A node metric over exactly [hour, hour + 1 h), through the same gap rule as pods (a sample covers
 * its own step and a bridged gap before it; the samples around the edges are read with it), so
 * hours add up. In node order.
 */
export async function rollNodeHour(samples: NodeSamples, hourMs: number, stepMs: number): Promise<NodeHour[]> {
  return nodeFigures(samples, { fromMs: hourMs, toMs: hourMs + HOUR_MS, stepMs });
}

/** A node metric over any window, through the same gap rule (what `rollNodeHour` gives for an hour). In node order. */
export async function nodeFigures(samples: NodeSamples, window: UsageWindow): Promise<NodeHour[]> {
  const margin = readMarginMs(window);
  const { fromMs, toMs } = window;
  const accs = new Map<string, SeriesAccumulator>();
  for await (const piece of samples.nodeSamples(new Date(fromMs - margin), new Date(toMs + margin))) {
    let acc = accs.get(piece.series);
    if (!acc) {
      acc = new SeriesAccumulator(window);
      accs.set(piece.series, acc);
    }
    for (let i = 0; i < piece.times.length; i++) acc.add(piece.times[i] as number, (piece.values[i] as number) * samples.scale);
  }
  const out: NodeHour[] = [];
  for (const [node, acc] of accs) {
    const figures = acc.result();
    if (node && touchesPeriod(figures)) out.push({ node, figures });
  }
  return out.sort((a, b) => compareNames(a.node, b.node));
}
