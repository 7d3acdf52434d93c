/**
 * Live mode: the samples of the latest scrape at or before "now", for every running pod, node,
 * namespace and the cluster — what a collector would write at that moment. Keeps its engine between
 * calls so each call only computes the scrapes since the previous one.
 */
import type { ScrapeEngine } from './scrape-engine';
import type { ScrapeFrame } from './samples';
import type { ScrapeSchedule } from './scrape-schedule';
import type { SchemaWriter } from './schema-writer';

/** Beyond this many scrapes since the last call, start over instead of replaying them. */
const MAX_REPLAY_SCRAPES = 24 * 60;

export interface LiveSamples {
  /** Scrape time of the samples. */
  time: Date;
  /** Line protocol (seconds precision); empty when this scrape was already returned. */
  lines: string[];
  frame: ScrapeFrame | undefined;
}

export class LiveFeed {
  private frames: Iterator<ScrapeFrame> | undefined;
  private lastIndex = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly engine: ScrapeEngine,
    private readonly schedule: ScrapeSchedule,
    private readonly writer: SchemaWriter,
  ) {}

  /** Samples of the latest scrape with t ≤ now. Live data is complete: no lost or late samples. */
  samplesAt(now: Date): LiveSamples {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const index = this.schedule.firstAfter(nowSeconds) - 1;
    const time = new Date(this.schedule.time(index) * 1000);
    if (index <= this.lastIndex) return { time, lines: [], frame: undefined };

    if (!this.frames || index - this.lastIndex > MAX_REPLAY_SCRAPES) {
      this.frames = this.engine.frames(index, Number.POSITIVE_INFINITY, { nodes: this.writer.writesNodes });
    }
    let frame: ScrapeFrame | undefined;
    do {
      const next = this.frames.next();
      if (next.done) throw new Error('the scrape engine ended unexpectedly');
      frame = next.value;
    } while (frame.index < index);
    this.lastIndex = index;

    const lines: string[] = [];
    for (const pod of frame.pods) this.writer.writePod(pod, lines);
    for (const node of frame.nodes) this.writer.writeNode(node, lines);
    for (const ns of frame.namespaces) this.writer.writeNamespace(ns, lines);
    if (frame.cluster) this.writer.writeCluster(frame.cluster, lines);
    return { time, lines, frame };
  }
}
