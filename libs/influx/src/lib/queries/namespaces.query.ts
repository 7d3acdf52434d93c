import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag } from '../influx-query';

/**
 * Namespaces that have series in any of the given measurements (an index lookup). With `only`, the
 * answer is limited to those namespaces inside InfluxDB (a restricted caller's list).
 */
export function namespaceTagValuesQuery(measurements: readonly string[], namespaceTag: string, only?: readonly string[]): InfluxQuery {
  if (measurements.length === 0) throw new Error('namespaceTagValuesQuery needs at least one measurement');
  const bag = new ParamBag();
  const tag = quoteIdentifier(namespaceTag);
  let condition = '';
  if (only) {
    const list = only.length > 0 ? only : [''];
    condition = ` WHERE ${list.map((ns) => `${tag} = ${bag.bind('ns', ns)}`).join(' OR ')}`;
  }
  const text = `SHOW TAG VALUES FROM ${measurements.map((m) => quoteIdentifier(m)).join(', ')} WITH KEY = ${tag}${condition}`;
  return bag.toQuery(text);
}
