/**
 * Live mode: the samples of the latest scrape at or before "now", for every running pod, node,
 * namespace and the cluster — what a collector would write at that moment. Keeps its engine between
 * calls, so a call computes only the scrapes since the previous one, and returns all of them: a
 * caller that ticks a little late loses nothing.
 */
import type { ScrapeFrame } from './samples';
import type { SchemaWriter } from './schema-writer';
import type { ScrapeEngine } from './scrape-engine';
import type { ScrapeSchedule } from './scrape-schedule';

/** Beyond this many scrapes since the last call, start over at the latest instead of replaying. */
const MAX_REPLAY_SCRAPES = 24 * 60;

export interface LiveSamples {
  /** Time of the latest scrape returned. */
  time: Date;
  /** Line protocol (seconds precision) of the new scrapes; empty when there is none since the last call. */
  lines: string[];
  frames: ScrapeFrame[];
}

export class LiveFeed {
  private frames: Iterator<ScrapeFrame> | undefined;
  private lastIndex: number | undefined;

  constructor(
    private readonly engine: ScrapeEngine,
    private readonly schedule: ScrapeSchedule,
    private readonly writer: SchemaWriter,
  ) {}

  /** Samples of the scrapes after the previous call up to the latest one with t ≤ now (only that one on the first call). */
  samplesAt(now: Date): LiveSamples {
    const index = this.schedule.firstAfter(Math.floor(now.getTime() / 1000)) - 1;
    const time = new Date(this.schedule.time(index) * 1000);
    if (this.lastIndex !== undefined && index <= this.lastIndex) return { time, lines: [], frames: [] };

    if (!this.frames || this.lastIndex === undefined || index - this.lastIndex > MAX_REPLAY_SCRAPES) {
      this.frames = this.engine.frames(index, Number.POSITIVE_INFINITY, { nodes: this.writer.writesNodes });
    }
    const frames: ScrapeFrame[] = [];
    const lines: string[] = [];
    for (;;) {
      const next = this.frames.next();
      if (next.done) throw new Error('the scrape engine ended unexpectedly');
      const frame = next.value;
      frames.push(frame);
      // Live data is complete: lost or late samples are for the adversarial datasets only.
      for (const pod of frame.pods) this.writer.writePod(pod, lines);
      for (const node of frame.nodes) this.writer.writeNode(node, lines);
      for (const ns of frame.namespaces) this.writer.writeNamespace(ns, lines);
      if (frame.cluster) this.writer.writeCluster(frame.cluster, lines);
      if (frame.index >= index) break;
    }
    this.lastIndex = index;
    return { time, lines, frames };
  }
}
