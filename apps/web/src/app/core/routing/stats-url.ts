import { UrlMatcher, UrlSegment } from '@angular/router';

import { HEAPSTER_GPU_METRIC, METRIC_CATALOG } from '@kube-monitoring/contract';

import { ROUTE_PATHS } from './route-paths';

/** What a `/stats/...` URL designates. */
export interface StatsTarget {
  metric: string;
  namespace?: string;
}

const KNOWN_METRICS: ReadonlySet<string> = new Set([...METRIC_CATALOG.map((m) => m.name), HEAPSTER_GPU_METRIC]);

/** First segments of the two-segment metric names (`cpu`, `memory`, `gpu`, …). */
const METRIC_GROUPS: ReadonlySet<string> = new Set([...KNOWN_METRICS].filter((name) => name.includes('/')).map((name) => name.split('/')[0]));

/**
 * Splits the segments after `stats/` into a metric (one or two segments) and an optional namespace.
 * Catalog names win; for names outside the catalog the shape decides, so that unknown metrics still
 * reach the page (the API then answers 404): `a/b/c` is metric `a/b` + namespace `c`; `a/b` is a
 * two-segment metric when `a` is a known group (`gpu/usage_rate`), else metric `a` + namespace `b`.
 */
export function parseStatsPath(parts: readonly string[]): StatsTarget | null {
  if (parts.length === 0 || parts.length > 3 || parts.some((p) => p === '')) return null;
  const [first, second, third] = parts;
  const twoSegment = second === undefined ? null : `${first}/${second}`;

  if (twoSegment && KNOWN_METRICS.has(twoSegment)) {
    return third === undefined ? { metric: twoSegment } : { metric: twoSegment, namespace: third };
  }
  if (KNOWN_METRICS.has(first)) {
    if (third !== undefined) return null;
    return second === undefined ? { metric: first } : { metric: first, namespace: second };
  }
  if (twoSegment === null) return { metric: first };
  if (third !== undefined) return { metric: twoSegment, namespace: third };
  return METRIC_GROUPS.has(first) ? { metric: twoSegment } : { metric: first, namespace: second };
}

/** Parses a router URL such as `/stats/cpu/usage_rate/cluster-3?range=6h`. */
export function parseStatsUrl(url: string): StatsTarget | null {
  const path = url.split(/[?#]/)[0];
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== ROUTE_PATHS.stats) return null;
  return parseStatsPath(parts.slice(1).map((p) => safeDecode(p)));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Route matcher for `stats/{metric}` and `stats/{metric}/{namespace}`; binds `metric` and `namespace`. */
export const statsMatcher: UrlMatcher = (segments) => {
  if (segments.length < 2 || segments[0].path !== ROUTE_PATHS.stats) return null;
  const target = parseStatsPath(segments.slice(1).map((s) => s.path));
  if (!target) return null;
  const posParams: Record<string, UrlSegment> = { metric: new UrlSegment(target.metric, {}) };
  if (target.namespace !== undefined) posParams['namespace'] = new UrlSegment(target.namespace, {});
  return { consumed: segments, posParams };
};
