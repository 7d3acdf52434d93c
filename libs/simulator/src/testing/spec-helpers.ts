/** Helpers shared by the simulator's specs. */
import type { ClusterSimulator, StreamOptions } from '../lib/cluster-simulator';
import { parseLine, type ParsedLine } from '../lib/line-protocol';

export const STEP = 60;
/** A Wednesday midnight, so a day-long period sees the daytime peak. */
export const T0 = new Date('2024-03-20T00:00:00Z');

export function at(base: Date, seconds: number): Date {
  return new Date(base.getTime() + seconds * 1000);
}

export function hours(n: number): number {
  return n * 3600;
}

/** All lines of a stream, parsed (only for short periods and few metrics). */
export function parsedLines(sim: ClusterSimulator, options: StreamOptions): ParsedLine[] {
  const out: ParsedLine[] = [];
  for (const batch of sim.batches(options)) for (const line of batch.lines) out.push(parseLine(line));
  return out;
}

export function intValue(line: ParsedLine): number {
  const field = line.fields['value'];
  if (field?.type !== 'int') throw new Error(`expected an integer value in ${line.measurement}`);
  return Number(field.value);
}

export function podKey(line: ParsedLine): string {
  return `${line.tags['namespace_name']}/${line.tags['pod_name']}`;
}

export function addTo<K>(map: Map<K, number>, key: K, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}
