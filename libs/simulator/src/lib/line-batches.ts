/**
 * Turns scrape frames into batches of line protocol through a schema writer, applying the adversarial
 * delivery: missing scrapes are dropped, late ones come back later in batches of their own, newest first.
 */
import type { ScrapeFrame } from './samples';
import type { SchemaWriter } from './schema-writer';

export interface LineBatch {
  /** Lines without trailing newline; join with '\n' to post. */
  lines: string[];
  /** True for a batch of late-arriving samples (older than lines already yielded, out of order). */
  late: boolean;
}

export interface BatchOptions {
  /** Lines per batch (the last one may be smaller). Default 5000. */
  batchSize?: number;
  /** Scrapes a late sample is held back. Default: the simulation's lateDelayScrapes. */
  lateDelayScrapes?: number;
}

interface HeldBack {
  due: number;
  lines: string[];
}

export function* lineBatches(frames: Iterable<ScrapeFrame>, writer: SchemaWriter, options: Required<BatchOptions>): Generator<LineBatch> {
  const { batchSize, lateDelayScrapes } = options;
  let current: string[] = [];
  const held: HeldBack[] = [];

  function* releaseLate(upTo: number): Generator<LineBatch> {
    const due: string[][] = [];
    while (held.length > 0 && held[0].due <= upTo) due.push((held.shift() as HeldBack).lines);
    // Newest first: late data arrives out of order.
    const lines = due.reverse().flat();
    for (let i = 0; i < lines.length; i += batchSize) yield { lines: lines.slice(i, i + batchSize), late: true };
  }

  for (const frame of frames) {
    const late: string[] = [];
    for (const pod of frame.pods) {
      if (pod.missing) continue;
      writer.writePod(pod, pod.late ? late : current);
    }
    for (const node of frame.nodes) {
      if (node.missing) continue;
      writer.writeNode(node, node.late ? late : current);
    }
    for (const ns of frame.namespaces) writer.writeNamespace(ns, current);
    if (frame.cluster) writer.writeCluster(frame.cluster, current);
    if (late.length > 0) held.push({ due: frame.index + lateDelayScrapes, lines: late });

    while (current.length >= batchSize) {
      yield { lines: current.slice(0, batchSize), late: false };
      current = current.slice(batchSize);
    }
    if (held.length > 0 && held[0].due <= frame.index) {
      if (current.length > 0) {
        yield { lines: current, late: false };
        current = [];
      }
      yield* releaseLate(frame.index);
    }
  }
  if (current.length > 0) yield { lines: current, late: false };
  yield* releaseLate(Number.POSITIVE_INFINITY);
}
