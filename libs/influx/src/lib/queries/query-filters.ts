import type { NamespaceFilter } from '@kube-monitoring/accounting';

import { quoteIdentifier } from '../identifiers';
import { ParamBag, timeParam } from '../influx-query';
import { LevelSelector, MetricSource } from '../metric-source';

export function timeRange(bag: ParamBag, from: Date, to: Date): string {
  return `time >= ${bag.bind('from', timeParam(from))} AND time < ${bag.bind('to', timeParam(to))}`;
}

export function levelCondition(bag: ParamBag, level: LevelSelector | undefined): string | undefined {
  if (!level) return undefined;
  // The operator is one of two literals, never caller text.
  const op = level.op === '!=' ? '!=' : '=';
  return `${quoteIdentifier(level.tag)} ${op} ${bag.bind('level', level.value)}`;
}

export function namespaceCondition(bag: ParamBag, source: MetricSource, filter: NamespaceFilter): string | undefined {
  const tag = quoteIdentifier(source.tags.namespace);
  const parts: string[] = [];
  if (filter.only) {
    // An empty allow-list selects nothing; a bound parameter that can never match keeps it a valid query.
    const list = filter.only.length > 0 ? filter.only : [''];
    parts.push(`(${list.map((ns) => `${tag} = ${bag.bind('ns', ns)}`).join(' OR ')})`);
  }
  for (const ns of filter.exclude ?? []) parts.push(`${tag} != ${bag.bind('exclude', ns)}`);
  return parts.length ? parts.join(' AND ') : undefined;
}

export function where(...conditions: (string | undefined)[]): string {
  const c = conditions.filter((x): x is string => !!x);
  return c.length ? `WHERE ${c.join(' AND ')}` : '';
}
