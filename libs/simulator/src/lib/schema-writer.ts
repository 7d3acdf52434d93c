/**
 * A storage schema: how observed samples become InfluxDB line protocol. The cluster model and the
 * samplers know nothing about schemas; adding Telegraf's `kubernetes_*` measurements or DCGM's GPU
 * metrics means adding another implementation of this interface.
 */
import type { ClusterSample, NamespaceSample, NodeSample, PodSample } from './samples';

export interface SchemaWriter {
  /** Schema name, e.g. `heapster`. */
  readonly schema: string;
  /** Timestamp precision of the lines written: post them with `/write?precision=<this>`. */
  readonly precision: 's';
  /** False when nothing node-level is written, so node samples need not be computed. */
  readonly writesNodes: boolean;
  /** Appends the lines of a pod (its containers included) to `out`. */
  writePod(sample: PodSample, out: string[]): void;
  /** Appends the lines of a node (its system containers included) to `out`. */
  writeNode(sample: NodeSample, out: string[]): void;
  writeNamespace(sample: NamespaceSample, out: string[]): void;
  writeCluster(sample: ClusterSample, out: string[]): void;
}
