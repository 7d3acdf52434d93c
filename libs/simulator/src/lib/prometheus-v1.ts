/**
 * What Telegraf's `inputs.prometheus` stores for a scrape with `metric_version = 1` (its
 * `parsers/prometheus/metric_v1.go`): the metric name becomes the measurement, the labels become tags
 * (empty ones left out, as line protocol has no empty tag), and the value goes into a field named
 * after the family's type: `gauge`, `counter`, or `value` when the exposition gives no `# TYPE`.
 * Enough of the exposition format for exporters' plain samples (no histograms or summaries).
 */
import { Point } from '@influxdata/influxdb-client';

export interface PrometheusV1Options {
  /** Scrape time, epoch seconds (Telegraf stamps samples without their own timestamp with it). */
  time: number;
  /** Tags the input adds, e.g. `url` and the agent's `host`. */
  tags?: Record<string, string>;
}

const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;
const LABEL = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;

function labelsOf(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(text);
    if (!m) {
      if (text.slice(start).trim() === '') break;
      throw new Error(`malformed labels in: ${line}`);
    }
    labels[m[1]] = m[2].replace(/\\(["\\])/g, '$1').replace(/\\n/g, '\n');
  }
  return labels;
}

/** Line protocol (seconds precision) for every sample of an exposition text. */
export function prometheusToTelegrafV1(exposition: string, options: PrometheusV1Options): string[] {
  const types = new Map<string, string>();
  const lines: string[] = [];
  for (const raw of exposition.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample: ${line}`);
    const [, name, labelText, valueText, timestampMs] = m;
    const field = ({ gauge: 'gauge', counter: 'counter' } as Record<string, string>)[types.get(name) ?? ''] ?? 'value';
    const point = new Point(name);
    for (const [key, value] of Object.entries({ ...labelsOf(labelText ?? '', line), ...options.tags })) point.tag(key, value);
    point.floatField(field, Number(valueText));
    const seconds = timestampMs === undefined ? options.time : Math.floor(Number(timestampMs) / 1000);
    const text = point.toLineProtocol({ convertTime: () => String(seconds) });
    if (text === undefined) throw new Error(`cannot convert: ${line}`);
    lines.push(text);
  }
  return lines;
}
