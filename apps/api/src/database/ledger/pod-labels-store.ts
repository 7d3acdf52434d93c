import { createHash } from 'node:crypto';

import { canonicalLabels, labelsText, NamespaceFilter, podId, PodKey, PodLabelObservation, PodLabels } from '@kube-monitoring/accounting';

import { UserDatabase } from '../user-database';
import { BoundParameters, chunked, Dialect, intFrom, MAX_BOUND_PARAMETERS } from './ledger-sql';

/** A pod's labels at the end of one hour (its latest in the hour). */
export interface PodLabelsOfHour extends PodKey {
  labels: PodLabels;
}

type Row = Record<string, unknown>;
type Query = (sql: string, parameters: unknown[]) => Promise<Row[]>;

/** The dictionary key of a label set: the SHA-256 of its canonical text, hex. */
function digestOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Replaces the hour's pod labels (`ledger_pod_labels`) inside the transaction that writes the hour
 * (`LedgerStore.writeHour`), so an hour and its labels are written together or not at all. Pods
 * without labels get no row; a pod listed twice keeps its last entry. New label sets are added to
 * `ledger_label_sets`; known ones cost a look-up only.
 */
export async function replacePodLabels(query: Query, dialect: Dialect, hourMs: number, pods: readonly PodLabelsOfHour[]): Promise<void> {
  const p = new BoundParameters(dialect);
  await query(`DELETE FROM "ledger_pod_labels" WHERE "hour_start" = ${p.add(hourMs)}`, p.values);
  const perPod = new Map<string, { key: PodKey; text: string }>();
  for (const pod of pods) {
    const labels = canonicalLabels(pod.labels);
    if (Object.keys(labels).length > 0) perPod.set(podId(pod), { key: { namespace: pod.namespace, pod: pod.pod }, text: labelsText(labels) });
  }
  if (perPod.size === 0) return;
  const ids = await labelSetIds(query, dialect, [...new Set([...perPod.values()].map((r) => r.text))]);
  const rows = [...perPod.values()].map((r) => [hourMs, r.key.namespace, r.key.pod, ids.get(r.text)]);
  for (const chunk of chunked(rows, Math.floor(MAX_BOUND_PARAMETERS[dialect] / 4))) {
    const q = new BoundParameters(dialect);
    await query(`INSERT INTO "ledger_pod_labels" ("hour_start", "namespace", "pod", "label_set") VALUES ${chunk.map((r) => `(${q.list(r)})`).join(', ')}`, q.values);
  }
}

/** The dictionary ids of label sets (canonical texts), adding the new ones. */
async function labelSetIds(query: Query, dialect: Dialect, texts: readonly string[]): Promise<Map<string, number>> {
  const byDigest = new Map(texts.map((t) => [digestOf(t), t]));
  const ids = new Map<string, number>();
  const lookUp = async (digests: readonly string[]) => {
    for (const chunk of chunked(digests, Math.floor(MAX_BOUND_PARAMETERS[dialect] / 2))) {
      const p = new BoundParameters(dialect);
      for (const r of await query(`SELECT "id", "digest", "labels" FROM "ledger_label_sets" WHERE "digest" IN (${p.list(chunk)})`, p.values)) {
        const text = byDigest.get(String(r['digest']));
        // A digest names one text; anything else is a corrupt dictionary, never a label set to use.
        if (text === undefined || String(r['labels']) !== text) throw new Error(`ledger: label set ${String(r['id'])} does not hold the labels of its digest`);
        ids.set(text, intFrom(r['id'], 'label set id'));
      }
    }
  };
  await lookUp([...byDigest.keys()]);
  const missing = [...byDigest].filter(([, text]) => !ids.has(text));
  if (missing.length === 0) return ids;
  for (const chunk of chunked(missing, Math.floor(MAX_BOUND_PARAMETERS[dialect] / 2))) {
    const p = new BoundParameters(dialect);
    // DO NOTHING: another writer may have added the set meanwhile (the roll lock makes that rare).
    await query(
      `INSERT INTO "ledger_label_sets" ("digest", "labels") VALUES ${chunk.map(([digest, text]) => `(${p.add(digest)}, ${p.add(text)})`).join(', ')} ON CONFLICT ("digest") DO NOTHING`,
      p.values,
    );
  }
  await lookUp(missing.map(([digest]) => digest));
  for (const [, text] of missing) if (!ids.has(text)) throw new Error('ledger: a label set is missing from the dictionary after insertion');
  return ids;
}

function labelsFrom(value: unknown): Record<string, string> {
  const parsed: unknown = JSON.parse(String(value));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error('ledger: a stored label set is not an object of strings');
  }
  return parsed as Record<string, string>;
}

/**
 * Pods' labels per hour in the ledger (`ledger_pod_labels`, `ledger_label_sets`), for billing by label
 * once InfluxDB no longer holds the samples. Written by `LedgerStore.writeHour`; read here.
 */
export class LedgerPodLabelStore {
  constructor(private readonly database: UserDatabase) {}

  /** Per hour of [fromMs, toMs) and pod with labels, its labels then; `atMs` is the hour's start. By hour, namespace, pod. */
  async podLabelHours(fromMs: number, toMs: number, ns: NamespaceFilter = {}): Promise<PodLabelObservation[]> {
    if (ns.only?.length === 0) return [];
    const p = new BoundParameters(this.database.type);
    const sql = `SELECT l."hour_start", l."namespace", l."pod", s."labels" FROM "ledger_pod_labels" l JOIN "ledger_label_sets" s ON s."id" = l."label_set"
      WHERE l."hour_start" >= ${p.add(fromMs)} AND l."hour_start" < ${p.add(toMs)}${namespaceClause('l."namespace"', ns, p)}
      ORDER BY l."hour_start", l."namespace", l."pod"`;
    return (await this.read(sql, p)).map(observationFrom);
  }

  /**
   * Per pod with labels in the hours of [fromMs, toMs) rolled with allocation version `since` or later,
   * its labels at the latest such hour (`atMs` its start): what `mergePodLabels` makes of those hours,
   * reduced by the database to a row per pod.
   */
  async latestPodLabels(fromMs: number, toMs: number, ns: NamespaceFilter, since: number): Promise<PodLabelObservation[]> {
    if (ns.only?.length === 0 || toMs <= fromMs) return [];
    const p = new BoundParameters(this.database.type);
    // Parameters in the order they appear: SQLite's are positional.
    const sql = `SELECT l."hour_start", l."namespace", l."pod", s."labels"
      FROM (SELECT x."namespace", x."pod", MAX(x."hour_start") AS "last_hour"
              FROM "ledger_pod_labels" x JOIN "ledger_hours" h ON h."hour_start" = x."hour_start"
             WHERE x."hour_start" >= ${p.add(fromMs)} AND x."hour_start" < ${p.add(toMs)} AND h."allocation" >= ${p.add(since)}${namespaceClause('x."namespace"', ns, p)}
             GROUP BY x."namespace", x."pod") m
      JOIN "ledger_pod_labels" l ON l."hour_start" = m."last_hour" AND l."namespace" = m."namespace" AND l."pod" = m."pod"
      JOIN "ledger_label_sets" s ON s."id" = l."label_set"`;
    return (await this.read(sql, p)).map(observationFrom);
  }

  private read(sql: string, p: BoundParameters): Promise<Row[]> {
    return this.database.run((ds) => ds.query(sql, p.values) as Promise<Row[]>);
  }
}

function observationFrom(r: Row): PodLabelObservation {
  return { namespace: String(r['namespace']), pod: String(r['pod']), labels: labelsFrom(r['labels']), atMs: intFrom(r['hour_start'], 'hour_start') };
}

function namespaceClause(column: string, ns: NamespaceFilter, p: BoundParameters): string {
  let clause = '';
  if (ns.only) clause += ` AND ${column} IN (${p.list(ns.only)})`;
  if (ns.exclude?.length) clause += ` AND ${column} NOT IN (${p.list(ns.exclude)})`;
  return clause;
}
