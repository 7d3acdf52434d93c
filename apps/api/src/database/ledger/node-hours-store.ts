import { NodeHour, PodNodeSamples } from '@kube-monitoring/accounting';

import { UserDatabase } from '../user-database';
import { BoundParameters, chunked, floatFrom, intFrom, MAX_BOUND_PARAMETERS, maxFrom, maxToSql } from './ledger-sql';

/** What a node offered in one hour: allocatable CPU (millicore·s) and memory (byte·s), each with its coverage and peak. */
export interface StoredNodeHour {
  hourMs: number;
  node: string;
  cpu: { integral: number; coveredMs: number; max: number };
  memory: { integral: number; coveredMs: number; max: number };
}

const COLUMNS = [
  'hour_start',
  'node',
  'cpu_allocatable_integral',
  'cpu_allocatable_covered_ms',
  'cpu_allocatable_max',
  'memory_allocatable_integral',
  'memory_allocatable_covered_ms',
  'memory_allocatable_max',
] as const;

const POD_NODE_COLUMNS = ['hour_start', 'namespace', 'pod', 'node', 'samples'] as const;

type Row = Record<string, unknown>;

/**
 * The nodes' capacity per hour in the ledger (`ledger_node_hours`), for idle capacity in billing,
 * and which node each pod ran on (`ledger_pod_nodes`), for reports by node.
 */
export class LedgerNodeStore {
  constructor(private readonly database: UserDatabase) {}

  /** Replaces the hour's node and pod-node rows (an hour rolled again never counts a node twice). */
  async writeNodeHours(hourMs: number, cpu: readonly NodeHour[], memory: readonly NodeHour[], podNodes: readonly PodNodeSamples[] = []): Promise<void> {
    const nodes = new Map<string, { cpu?: NodeHour; memory?: NodeHour }>();
    for (const c of cpu) nodes.set(c.node, { ...nodes.get(c.node), cpu: c });
    for (const m of memory) nodes.set(m.node, { ...nodes.get(m.node), memory: m });
    const rows = [...nodes.entries()].map(([node, n]) => [
      hourMs,
      node,
      n.cpu?.figures.integral ?? 0,
      n.cpu?.figures.coveredMs ?? 0,
      maxToSql(n.cpu?.figures.max ?? -Infinity),
      n.memory?.figures.integral ?? 0,
      n.memory?.figures.coveredMs ?? 0,
      maxToSql(n.memory?.figures.max ?? -Infinity),
    ]);
    const onNodes = podNodes.map((n) => [hourMs, n.namespace, n.pod, n.node, n.samples]);
    const dialect = this.database.type;
    await this.database.transaction(async (manager) => {
      const replace = async (table: string, columns: readonly string[], values: readonly unknown[][]) => {
        const p = new BoundParameters(dialect);
        await manager.query(`DELETE FROM "${table}" WHERE "hour_start" = ${p.add(hourMs)}`, p.values);
        for (const chunk of chunked(values, Math.floor(MAX_BOUND_PARAMETERS[dialect] / columns.length))) {
          const q = new BoundParameters(dialect);
          const list = chunk.map((r) => `(${q.list(r)})`).join(', ');
          await manager.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${list}`, q.values);
        }
      };
      await replace('ledger_node_hours', COLUMNS, rows);
      await replace('ledger_pod_nodes', POD_NODE_COLUMNS, onNodes);
    });
  }

  /** Per hour, pod and node of [fromMs, toMs), the pod's samples on that node. */
  async podNodes(fromMs: number, toMs: number): Promise<(PodNodeSamples & { hourMs: number })[]> {
    const p = new BoundParameters(this.database.type);
    const sql = `SELECT "hour_start", "namespace", "pod", "node", "samples" FROM "ledger_pod_nodes" WHERE "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)}`;
    const rows = (await this.database.run((ds) => ds.query(sql, p.values))) as Row[];
    return rows.map((r) => ({
      hourMs: intFrom(r['hour_start'], 'hour_start'),
      namespace: String(r['namespace']),
      pod: String(r['pod']),
      node: String(r['node']),
      samples: intFrom(r['samples'], 'samples'),
    }));
  }

  /** Node-hours in [fromMs, toMs), by hour then node. */
  async nodeHours(fromMs: number, toMs: number): Promise<StoredNodeHour[]> {
    const p = new BoundParameters(this.database.type);
    const sql = `SELECT ${COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "ledger_node_hours" WHERE "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)} ORDER BY "hour_start", "node"`;
    const rows = (await this.database.run((ds) => ds.query(sql, p.values))) as Row[];
    return rows.map((r) => ({
      hourMs: intFrom(r['hour_start'], 'hour_start'),
      node: String(r['node']),
      cpu: {
        integral: floatFrom(r['cpu_allocatable_integral'], 'cpu integral'),
        coveredMs: intFrom(r['cpu_allocatable_covered_ms'], 'cpu covered'),
        max: maxFrom(r['cpu_allocatable_max'], 'cpu max'),
      },
      memory: {
        integral: floatFrom(r['memory_allocatable_integral'], 'memory integral'),
        coveredMs: intFrom(r['memory_allocatable_covered_ms'], 'memory covered'),
        max: maxFrom(r['memory_allocatable_max'], 'memory max'),
      },
    }));
  }
}
