/**
 * Pods' labels, for billing by label, on a real InfluxDB and real user stores (SQLite file and
 * PostgreSQL): the ledger store keeps an hour's labels with the hour (one transaction, label sets
 * shared), and through the whole API `PodLabelsService` reads them live on both storage schemas
 * (Heapster's `labels` tag, Telegraf's label tags), gives the same from the ledger once hours are
 * rolled (hours rolled before labels read live until rolled again), and still answers once
 * InfluxDB's retention has dropped the samples.
 */
import { emptyFigures, HOUR_MS, MetricHour } from '@kube-monitoring/accounting';
import { InfluxClient, StorageSchema } from '@kube-monitoring/influx';
import { ClusterSimulator, HeapsterWriter, SchemaWriter, TelegrafWriter } from '@kube-monitoring/simulator';
import { InfluxHandle, startInfluxDb } from '@kube-monitoring/testing';

import { Period } from '../../../api/src/common/period';
import { POD_LABELS_SINCE } from '../../../api/src/database/ledger/ledger-metrics';
import { LedgerStore } from '../../../api/src/database/ledger/ledger-store';
import { LedgerPodLabelStore } from '../../../api/src/database/ledger/pod-labels-store';
import { UserDatabase } from '../../../api/src/database/user-database';
import { PodLabelsService } from '../../../api/src/usage/pod-labels.service';
import { ApiUnderTest, startApi, waitForLedger } from '../accuracy/support/api-under-test';
import { Backend, BackendKind, BACKENDS, startBackend, Store } from '../users/support/backends';

jest.setTimeout(300_000);

const MIN = 60_000;
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
type Labels = Record<string, string>;

// --- The ledger store -----------------------------------------------------------------------

describe.each(BACKENDS)('pod labels in the ledger store on %s', (kind) => {
  const T0 = Date.UTC(2024, 2, 20);
  const hour = (n: number) => T0 + n * HOUR_MS;
  let backend: Backend;
  let database: UserDatabase;
  let ledger: LedgerStore;
  let labels: LedgerPodLabelStore;

  /** A GPU hour of one pod: enough for the hour to hold a pod. */
  const rollOf = (h: number, source: 'pods' | 'collector' = 'pods'): MetricHour[] => {
    const figures = { ...emptyFigures(), integral: 60, coveredMs: HOUR_MS, samples: 60, sum: 60, max: 1 };
    return [
      {
        metric: 'gpu/usage',
        hourMs: hour(h),
        stepMs: MIN,
        scale: 1,
        pods: [{ namespace: 'alpha', pod: 'train', figures }],
        namespaces: [{ namespace: 'alpha', pods: 1, figures, steps: { source, steps: { times: [hour(h)], values: [1] } } }],
      },
    ];
  };
  const labelSets = async () => Number((await database.run((ds) => ds.query('SELECT COUNT(*) AS "n" FROM "ledger_label_sets"')))[0].n);

  beforeAll(async () => {
    backend = await startBackend(kind);
  });
  afterAll(async () => {
    await backend?.dispose();
  });
  beforeEach(async () => {
    const store: Store = await backend.freshStore();
    database = new UserDatabase(store.config, { logger: quiet });
    await database.connect();
    ledger = new LedgerStore(database);
    labels = new LedgerPodLabelStore(database);
  });
  afterEach(async () => {
    await database.close();
  });

  it('should keep an hour’s labels with the hour, replace them when it is rolled again, and store each set once', async () => {
    const vision = { team: 'vision', app: 'web' };
    await ledger.writeHour(hour(0), rollOf(0), {
      rawSamples: {},
      podLabels: [
        { namespace: 'alpha', pod: 'train', labels: vision },
        { namespace: 'beta', pod: 'train', labels: { app: 'web', team: 'vision' } },
        // No labels, no row.
        { namespace: 'beta', pod: 'bare', labels: {} },
      ],
    });
    await ledger.writeHour(hour(1), rollOf(1), { rawSamples: {}, podLabels: [{ namespace: 'alpha', pod: 'train', labels: { team: 'nlp' } }] });
    expect(await labels.podLabelHours(hour(0), hour(2))).toEqual([
      { namespace: 'alpha', pod: 'train', labels: vision, atMs: hour(0) },
      { namespace: 'beta', pod: 'train', labels: vision, atMs: hour(0) },
      { namespace: 'alpha', pod: 'train', labels: { team: 'nlp' }, atMs: hour(1) },
    ]);
    // The same set, keys in any order, is one dictionary row.
    expect(await labelSets()).toBe(2);
    // Rolled again, an hour holds its new labels only; known sets are reused.
    await ledger.writeHour(hour(0), rollOf(0), { rawSamples: {}, podLabels: [{ namespace: 'alpha', pod: 'train', labels: { team: 'nlp' } }] });
    expect(await labels.podLabelHours(hour(0), hour(1))).toEqual([{ namespace: 'alpha', pod: 'train', labels: { team: 'nlp' }, atMs: hour(0) }]);
    expect(await labelSets()).toBe(2);
    // Per pod, the latest hour: one row each, whatever the number of hours.
    await ledger.writeHour(hour(2), rollOf(2), { rawSamples: {}, podLabels: [{ namespace: 'beta', pod: 'train', labels: vision }] });
    const latest = await labels.latestPodLabels(hour(0), hour(3), {}, POD_LABELS_SINCE);
    expect(latest.sort((a, b) => a.atMs - b.atMs)).toEqual([
      { namespace: 'alpha', pod: 'train', labels: { team: 'nlp' }, atMs: hour(1) },
      { namespace: 'beta', pod: 'train', labels: vision, atMs: hour(2) },
    ]);
    expect(await labels.latestPodLabels(hour(0), hour(2), { only: ['beta'] }, POD_LABELS_SINCE)).toEqual([]);
    expect(await labels.latestPodLabels(hour(0), hour(3), { exclude: ['alpha'] }, POD_LABELS_SINCE)).toEqual([latest[1]]);
    expect(await labels.latestPodLabels(hour(0), hour(3), { only: [] }, POD_LABELS_SINCE)).toEqual([]);
  });

  it('should give any label set back as it was: quotes, colons, integer-like and `__proto__` keys, empty values', async () => {
    const odd: Labels = JSON.parse('{"__proto__":"p","10":"ten","9":"nine","url":"http://a:1/x","say":"\\"hi\\" \\\\ ü","tier":""}');
    await ledger.writeHour(hour(0), rollOf(0), { rawSamples: {}, podLabels: [{ namespace: 'alpha', pod: 'train', labels: odd }] });
    const [read] = await labels.podLabelHours(hour(0), hour(1));
    expect(read?.labels).toEqual(odd);
    expect(Object.keys(read?.labels ?? {}).sort()).toEqual(Object.keys(odd).sort());
    const [text] = await database.run((ds) => ds.query('SELECT "labels" FROM "ledger_label_sets"'));
    // Canonical: keys in the one name order, whatever order they came in.
    expect(text.labels).toBe('{"10":"ten","9":"nine","__proto__":"p","say":"\\"hi\\" \\\\ ü","tier":"","url":"http://a:1/x"}');
  });

  it('should leave an hour and its labels as they were when its write fails half-way', async () => {
    await ledger.writeHour(hour(3), rollOf(3), { rawSamples: {}, podLabels: [{ namespace: 'alpha', pod: 'train', labels: { team: 'vision' } }] });
    // A source the table refuses: the statement fails inside the transaction, after the new labels were written.
    const broken = rollOf(3, 'bogus' as 'pods');
    await expect(ledger.writeHour(hour(3), broken, { rawSamples: {}, podLabels: [{ namespace: 'alpha', pod: 'train', labels: { team: 'nlp' } }] })).rejects.toThrow();
    expect(await labels.podLabelHours(hour(3), hour(4))).toEqual([{ namespace: 'alpha', pod: 'train', labels: { team: 'vision' }, atMs: hour(3) }]);
    expect(await labelSets()).toBe(1);
  });

  it('should not count the labels of an hour rolled again by a release before them (allocation below 3)', async () => {
    await ledger.writeHour(hour(4), rollOf(4), { rawSamples: {}, podLabels: [{ namespace: 'alpha', pod: 'train', labels: { team: 'vision' } }] });
    expect(await ledger.rolledHoursSince(hour(4), hour(5), POD_LABELS_SINCE)).toEqual([hour(4)]);
    // As an older release leaves an hour it rolls: allocation 2, and rows it does not know of.
    await database.run((ds) => ds.query(`UPDATE "ledger_hours" SET "allocation" = 2 WHERE "hour_start" = ${hour(4)}`));
    expect(await ledger.rolledHoursSince(hour(4), hour(5), POD_LABELS_SINCE)).toEqual([]);
    expect(await labels.latestPodLabels(hour(4), hour(5), {}, POD_LABELS_SINCE)).toEqual([]);
  });
});

// --- Through the API, on both schemas -------------------------------------------------------

const HOUR = HOUR_MS;
/** Recent hours: the worker rolls them at once, with only a few empty hours after them to roll. */
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR;
const WHOLE: Period = { from: new Date(T0), to: new Date(T0 + 3 * HOUR) };
const EARLY: Period = { from: new Date(T0), to: new Date(T0 + HOUR) };
const LAST: Period = { from: new Date(T0 + 2 * HOUR), to: new Date(T0 + 3 * HOUR) };
/** Edges inside hours: live at both ends, the ledger between. */
const ODD: Period = { from: new Date(T0 + 17 * MIN), to: new Date(T0 + 2 * HOUR + 41 * MIN) };
/** A pod of our own is relabelled here (team vision → nlp, its `url` label dropped). */
const RELABEL_AT = T0 + 90 * MIN;
const RELABELLED = 'lab-relabel\u0000relabelled-0';
const BEFORE: Labels = { app: 'trainer', team: 'vision', url: 'http://a:1' };
const AFTER: Labels = { app: 'trainer', team: 'nlp' };

/** The simulated cluster's writer: Heapster's labels tag always, Telegraf's label tags with every label kept. */
function writerFor(schema: StorageSchema): SchemaWriter {
  return schema === 'heapster'
    ? new HeapsterWriter({ metrics: ['cpu/usage_rate', 'memory/usage'], levels: ['pod_container', 'pod'] })
    : new TelegrafWriter({ inventory: false, gpu: false, labelExclude: [] });
}

/** The relabelled pod, and a pod without labels, written by hand each minute of the data. */
function handWritten(schema: StorageSchema): string[] {
  const lines: string[] = [];
  for (let t = T0; t < T0 + 3 * HOUR; t += MIN) {
    const s = t / 1000;
    const before = t < RELABEL_AT;
    if (schema === 'heapster') {
      // Commas inside a tag value are escaped in line protocol; colons and slashes are not.
      const labels = before ? 'app:trainer\\,team:vision\\,url:http://a:1' : 'app:trainer\\,team:nlp';
      lines.push(`cpu/usage_rate,labels=${labels},namespace_name=lab-relabel,pod_name=relabelled-0,type=pod value=100i ${s}`);
      lines.push(`cpu/usage_rate,namespace_name=lab-relabel,pod_name=bare-0,type=pod value=5i ${s}`);
    } else {
      const labels = before ? 'app=trainer,team=vision,url=http://a:1' : 'app=trainer,team=nlp';
      const identity = 'container_name=main,host=node-1,namespace=lab-relabel,node_name=node-1';
      lines.push(`kubernetes_pod_container,${labels},${identity},pod_name=relabelled-0 cpu_usage_nanocores=100000000i,memory_usage_bytes=1000000i ${s}`);
      lines.push(`kubernetes_pod_container,${identity},pod_name=bare-0 cpu_usage_nanocores=5000000i,memory_usage_bytes=1000000i ${s}`);
    }
  }
  return lines;
}

/** What the simulator's pods with samples in the period are labelled (constant per pod: `app:…,team:…`), with our pod's. */
function expectedLabels(sim: ClusterSimulator, period: Period): Map<string, Labels> {
  const out = new Map<string, Labels>();
  for (const frame of sim.frames({ from: period.from, to: period.to })) {
    for (const p of frame.pods) {
      const labels = Object.fromEntries(p.pod.labels.split(',').map((pair) => [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)]));
      out.set(`${p.pod.namespace}\u0000${p.pod.name}`, labels);
    }
  }
  out.set(RELABELLED, period.to.getTime() <= RELABEL_AT ? BEFORE : AFTER);
  return out;
}

/** Maps compared as sorted entries, so a failure shows the pod. */
function entries(map: Map<string, Labels>): [string, Labels][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

async function influxQuery(url: string, q: string, database?: string): Promise<{ results: { series?: { name: string; columns: string[]; values: unknown[][] }[] }[] }> {
  const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q, ...(database ? { db: database } : {}) }) });
  if (!res.ok) throw new Error(`InfluxDB ${q}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { results: { series?: { name: string; columns: string[]; values: unknown[][] }[] }[] };
}

/** What InfluxDB's retention does to old samples: every shard of the database dropped. */
async function dropEverySample(url: string, database: string): Promise<void> {
  const shards = (await influxQuery(url, 'SHOW SHARDS')).results[0]?.series?.find((s) => s.name === database);
  for (const row of shards?.values ?? []) await influxQuery(url, `DROP SHARD ${Number(row[shards?.columns.indexOf('id') ?? 0])}`);
  const left = await influxQuery(url, 'SHOW MEASUREMENTS', database);
  expect(left.results[0]?.series ?? []).toEqual([]);
}

const CASES: [StorageSchema, BackendKind][] = [
  ['heapster', 'sqlite'],
  ['telegraf', 'sqlite'],
  ['heapster', 'postgres'],
  ['telegraf', 'postgres'],
];

describe.each(CASES)('pod labels through the API, %s schema, ledger on %s', (schema, kind) => {
  const database = `pod_labels_${schema}_${kind}`;
  const sim = new ClusterSimulator({ profile: 'tiny', seed: 11 });
  let influx: InfluxHandle;
  let backend: Backend;
  let store: Store;
  let live: ApiUnderTest;
  let api: ApiUnderTest;
  const ledgerEnv = (): Record<string, string> => ({ ...store.env, METRICS_SCHEMA: schema, LEDGER_ENABLED: 'true', LEDGER_POLL_INTERVAL: '1s' });
  const labelsOf = (on: ApiUnderTest, period: Period, ns = {}) => on.app.get(PodLabelsService).podLabels(period, ns);

  beforeAll(async () => {
    [influx, backend] = await Promise.all([startInfluxDb(), startBackend(kind)]);
    const client = new InfluxClient({ url: influx.url, database, timeoutMs: 120_000 });
    try {
      await client.createDatabase();
      const writer = writerFor(schema);
      for (const batch of sim.batches({ from: WHOLE.from, to: WHOLE.to, writer, batchSize: 5000 })) await client.write(batch.lines, writer.precision);
      await client.write(handWritten(schema), 's');
    } finally {
      client.close();
    }
    store = await backend.freshStore();
    live = await startApi(influx.url, database, { METRICS_SCHEMA: schema, LEDGER_ENABLED: 'false' });
    api = await startApi(influx.url, database, ledgerEnv());
    await waitForLedger(api);
  });

  afterAll(async () => {
    await live?.close();
    await api?.close();
    await backend?.dispose();
    await influx?.stop();
  });

  it('should read each pod’s labels live from the samples, the latest when a pod was relabelled', async () => {
    for (const period of [WHOLE, EARLY, ODD]) {
      const read = await labelsOf(live, period);
      expect(entries(read)).toEqual(entries(expectedLabels(sim, period)));
      // The pod written without labels has none to give.
      expect(read.has('lab-relabel\u0000bare-0')).toBe(false);
    }
    expect(entries(await labelsOf(live, WHOLE, { only: ['lab-relabel'] }))).toEqual([[RELABELLED, AFTER]]);
    const noSystem = await labelsOf(live, WHOLE, { exclude: ['kube-system'] });
    expect([...noSystem.keys()].some((id) => id.startsWith('kube-system\u0000'))).toBe(false);
    expect(noSystem.size).toBeGreaterThan(5);
  });

  it('should keep them in the ledger per hour, and answer the same from it', async () => {
    const ledger = api.app.get(LedgerStore);
    expect(await ledger.rolledHoursSince(T0, T0 + 3 * HOUR, POD_LABELS_SINCE)).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
    const hours = await api.app.get(LedgerPodLabelStore).podLabelHours(T0, T0 + 3 * HOUR, { only: ['lab-relabel'] });
    // The relabelling hour keeps the newer labels: the latest in it.
    expect(hours).toEqual([
      { namespace: 'lab-relabel', pod: 'relabelled-0', labels: BEFORE, atMs: T0 },
      { namespace: 'lab-relabel', pod: 'relabelled-0', labels: AFTER, atMs: T0 + HOUR },
      { namespace: 'lab-relabel', pod: 'relabelled-0', labels: AFTER, atMs: T0 + 2 * HOUR },
    ]);
    for (const period of [WHOLE, EARLY, ODD]) expect(entries(await labelsOf(api, period))).toEqual(entries(expectedLabels(sim, period)));
    expect(entries(await labelsOf(api, WHOLE, { only: ['lab-relabel'] }))).toEqual([[RELABELLED, AFTER]]);
  });

  it('should read an hour rolled before labels were kept live, until it is rolled again', async () => {
    const hourMs = LAST.from.getTime();
    // As the release before leaves an hour: allocation 2, no label rows.
    await api.app.get(UserDatabase).run(async (ds) => {
      await ds.query(`UPDATE "ledger_hours" SET "allocation" = 2 WHERE "hour_start" = ${hourMs}`);
      await ds.query(`DELETE FROM "ledger_pod_labels" WHERE "hour_start" = ${hourMs}`);
    });
    expect(entries(await labelsOf(api, LAST))).toEqual(entries(expectedLabels(sim, LAST)));
    const res = await api.post<{ hours: number }>('/api/ledger/reroll', { from: LAST.from.toISOString(), to: LAST.to.toISOString() });
    expect(res.status).toBe(202);
    const ledger = api.app.get(LedgerStore);
    const deadline = Date.now() + 60_000;
    while ((await ledger.staleHours(10)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await ledger.rolledHoursSince(hourMs, hourMs + HOUR, POD_LABELS_SINCE)).toEqual([hourMs]);
    expect((await api.app.get(LedgerPodLabelStore).podLabelHours(hourMs, hourMs + HOUR)).length).toBe(expectedLabels(sim, LAST).size);
  });

  it('should still answer from the ledger once the samples are gone and the API restarted', async () => {
    const periods = [WHOLE, EARLY, LAST];
    const before = await Promise.all(periods.map((p) => labelsOf(api, p)));
    await dropEverySample(influx.url, database);
    // The samples are gone: the live path has nothing left to say.
    expect((await labelsOf(live, WHOLE)).size).toBe(0);
    await api.close();
    api = await startApi(influx.url, database, ledgerEnv());
    const after = await Promise.all(periods.map((p) => labelsOf(api, p)));
    after.forEach((read, i) => expect(entries(read)).toEqual(entries(before[i] as Map<string, Labels>)));
    expect(entries(after[0] as Map<string, Labels>)).toEqual(entries(expectedLabels(sim, WHOLE)));
  });
});
