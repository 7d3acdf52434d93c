import { heapsterSource, InfluxCatalogReader, InfluxQuery, InfluxSeries, InfluxUnreachableError, InfluxUsageSamples } from '@kube-monitoring/influx';

import { loadConfig } from '../config/app-config';
import { LedgerStore } from '../database/ledger/ledger-store';
import { InfluxConnection } from '../influx/influx-connection';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { presentSource } from '../influx/reader-providers';
import { PodUsageService } from './pod-usage.service';

const PERIOD = { from: new Date('2017-12-01T00:00:00Z'), to: new Date('2017-12-01T02:00:00Z') };
const RATE = heapsterSource('cpu/usage_rate');

interface Plan {
  /** Answer to `SHOW FIELD KEYS` (the resolver's field cache). */
  fieldKeys: () => Promise<InfluxSeries[]>;
  /** Delay before the stream of a measurement fails, ms. */
  failAfterMs: Record<string, number>;
}

/**
 * An InfluxDB whose every stream fails after a delay per measurement, noting when each failed, so a
 * test can wait until the last failure has happened (Jest fails a test that leaves a rejection unhandled).
 */
function failingInflux(plan: Plan) {
  const failures: Promise<void>[] = [];
  const client = {
    query: (q: InfluxQuery): Promise<InfluxSeries[]> => (q.text === 'SHOW FIELD KEYS' ? plan.fieldKeys() : Promise.resolve([])),
    stream(q: InfluxQuery): AsyncGenerator<InfluxSeries> {
      const measurement = /FROM "([^"]+)"/.exec(q.text)?.[1] ?? '';
      const delay = plan.failAfterMs[measurement] ?? 0;
      let failed!: () => void;
      failures.push(new Promise((r) => (failed = r)));
      const fail = async (): Promise<IteratorResult<InfluxSeries>> => {
        await new Promise((r) => setTimeout(r, delay));
        setImmediate(failed);
        throw new InfluxUnreachableError(`cannot connect to InfluxDB (reading ${measurement})`);
      };
      const iterator = { next: fail, return: async () => ({ done: true as const, value: undefined }), [Symbol.asyncIterator]: () => iterator };
      return iterator as unknown as AsyncGenerator<InfluxSeries>;
    },
  };
  return { connection: { client } as unknown as InfluxConnection, allFailed: async () => Promise.all(failures) };
}

function service(connection: InfluxConnection): PodUsageService {
  const config = loadConfig({
    API_USERNAME: 'billing',
    API_PASSWORD: 'a-long-enough-service-password',
    METRICS_RESOLUTION_SECONDS: '60',
    CACHE_MAX_ENTRIES: '0',
    LEDGER_ENABLED: 'false',
  });
  // The production wiring of the readers (reader-providers.ts) over a failing client.
  const sources = new MetricSourceResolver(new InfluxCatalogReader(connection.client), config);
  // The ledger is off: this is about InfluxDB failing, and no ledger is read.
  return new PodUsageService(new InfluxUsageSamples(connection.client, (metric) => presentSource(sources, metric)), config, {} as LedgerStore);
}

const fieldsWithCounter = () => Promise.resolve<InfluxSeries[]>([{ name: 'cpu/usage', columns: ['fieldKey', 'fieldType'], values: [['value', 'integer']] }]);

describe('PodUsageService when InfluxDB fails mid-computation', () => {
  it("should reject with the rate's failure and handle its counter twin's later failure", async () => {
    const influx = failingInflux({ fieldKeys: fieldsWithCounter, failAfterMs: { 'cpu/usage_rate': 0, 'cpu/usage': 30 } });
    await expect(service(influx.connection).usage(RATE, PERIOD, {}, 60_000)).rejects.toThrow(/cpu\/usage_rate/);
    // The twin fails after the answer: an unhandled rejection here fails this test (and would end the API).
    await influx.allFailed();
    await new Promise((r) => setTimeout(r, 20));
  });

  it("should handle the field lookup's failure (its cache expired) while the rate's stream fails too", async () => {
    let failLookup!: () => void;
    const lookupFailed = new Promise<void>((r) => (failLookup = r));
    const fieldKeys = () =>
      new Promise<InfluxSeries[]>((_, reject) =>
        setTimeout(() => {
          reject(new InfluxUnreachableError('cannot connect to InfluxDB (SHOW FIELD KEYS)'));
          setImmediate(failLookup);
        }, 30),
      );
    const influx = failingInflux({ fieldKeys, failAfterMs: { 'cpu/usage_rate': 0 } });
    await expect(service(influx.connection).usage(RATE, PERIOD, {}, 60_000)).rejects.toThrow(/cpu\/usage_rate/);
    await lookupFailed;
    await new Promise((r) => setTimeout(r, 20));
  });

  it("should reject with the twin's failure when it fails first", async () => {
    const influx = failingInflux({ fieldKeys: fieldsWithCounter, failAfterMs: { 'cpu/usage_rate': 30, 'cpu/usage': 0 } });
    await expect(service(influx.connection).usage(RATE, PERIOD, {}, 60_000)).rejects.toThrow(/reading cpu\/usage\)/);
    await influx.allFailed();
    await new Promise((r) => setTimeout(r, 20));
  });
});
