import { NotFoundException } from '@nestjs/common';

import { CatalogReader, heapsterSource, telegrafSource } from '@kube-monitoring/influx';

import { AppConfig, loadConfig } from '../config/app-config';
import { MetricSourceResolver } from './metric-source.resolver';

/** Answers the catalog reads from a fixed database description, recording the calls. */
class FakeCatalog implements CatalogReader {
  readonly queries: string[] = [];
  failNext = false;

  constructor(private readonly db: { measurements: string[]; fields?: Record<string, string[]>; tags?: Record<string, string[]>; tagValues?: Record<string, string[]> }) {}

  async measurements(): Promise<string[]> {
    this.record('measurements');
    return this.db.measurements;
  }

  async fieldKeys(): Promise<Map<string, Set<string>>> {
    this.record('field keys');
    return new Map(Object.entries(this.db.fields ?? {}).map(([name, fields]) => [name, new Set(fields)]));
  }

  async tagKeys(measurement: string): Promise<string[]> {
    this.record(`tag keys of ${measurement}`);
    return this.db.tags?.[measurement] ?? [];
  }

  async tagValues(measurement: string, tag: string): Promise<string[]> {
    this.record(`tag values of ${measurement}.${tag}`);
    return this.db.tagValues?.[`${measurement}.${tag}`] ?? [];
  }

  private record(what: string): void {
    this.queries.push(what);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('influxdb unreachable');
    }
  }
}

function resolver(schema: string, db: ConstructorParameters<typeof FakeCatalog>[0]): { sources: MetricSourceResolver; influx: FakeCatalog } {
  const config: AppConfig = loadConfig({ API_USERNAME: 'u', API_PASSWORD: 'unit-test-service-password', METRICS_SCHEMA: schema });
  const influx = new FakeCatalog(db);
  return { sources: new MetricSourceResolver(influx, config), influx };
}

const TELEGRAF_DB = {
  measurements: ['DCGM_FI_DEV_FB_USED', 'kubernetes_node', 'kubernetes_pod_container', 'kubernetes_pod_network'],
  fields: { kubernetes_pod_container: ['cpu_usage_nanocores', 'memory_usage_bytes'], DCGM_FI_DEV_FB_USED: ['gauge'] },
  tags: { DCGM_FI_DEV_FB_USED: ['UUID', 'container', 'gpu', 'hostname', 'namespace', 'pod'] },
};

describe(MetricSourceResolver.name, () => {
  it('should map Heapster metrics without asking InfluxDB, except for the GPU fallback', async () => {
    const { sources, influx } = resolver('heapster', { measurements: ['cpu/usage_rate', 'accelerator/memory_used'] });
    expect((await sources.resolve('cpu/usage_rate')).source).toEqual(heapsterSource('cpu/usage_rate'));
    expect(influx.queries).toEqual([]);
    expect((await sources.resolve('gpu/usage')).source).toEqual(heapsterSource('gpu/usage', 'accelerator/memory_used', 1e-6));
    expect(influx.queries).toHaveLength(1);
  });

  it("should map Telegraf metrics, with dcgm-exporter's host label as stored", async () => {
    const { sources } = resolver('telegraf', TELEGRAF_DB);
    expect((await sources.resolve('cpu/usage_rate')).source).toEqual(telegrafSource('cpu/usage_rate'));
    expect((await sources.resolve('gpu/usage')).source).toEqual(telegrafSource('gpu/usage', { kind: 'dcgm', hostTag: 'hostname' }));
  });

  it('should answer 404 with the reason for a metric the schema does not collect', async () => {
    const { sources } = resolver('telegraf', TELEGRAF_DB);
    await expect(sources.resolve('uptime')).rejects.toThrow(NotFoundException);
    await expect(sources.resolve('uptime')).rejects.toThrow(/"uptime" is not collected in the telegraf schema \(Telegraf writes no container start time\)/);
    await expect(sources.sourceOf('uptime')).resolves.toBeUndefined();
    await expect(sources.resolve('cpu/nonsense')).rejects.toThrow(/unknown metric "cpu\/nonsense"/);
  });

  it('should detect the schema with auto, and ask for the measurements once a minute', async () => {
    const telegraf = resolver('auto', TELEGRAF_DB);
    expect(await telegraf.sources.schema()).toBe('telegraf');
    expect((await telegraf.sources.resolve('memory/usage')).source.measurement).toBe('kubernetes_pod_container');
    expect(telegraf.influx.queries.filter((q) => q === 'measurements')).toHaveLength(1);
    const heapster = resolver('auto', { measurements: ['cpu/usage_rate', 'memory/usage'] });
    expect((await heapster.sources.resolve('memory/usage')).source).toEqual(heapsterSource('memory/usage'));
  });

  it('should not keep a failed answer: the next call asks again', async () => {
    const { sources, influx } = resolver('auto', TELEGRAF_DB);
    influx.failNext = true;
    await expect(sources.schema()).rejects.toThrow('influxdb unreachable');
    await expect(sources.schema()).resolves.toBe('telegraf');
  });

  it('should call a metric present when its field is stored in its measurement', async () => {
    const { sources } = resolver('telegraf', TELEGRAF_DB);
    const present = async (metric: string) => sources.isPresent((await sources.resolve(metric)).source);
    expect(await present('cpu/usage_rate')).toBe(true);
    expect(await present('cpu/request')).toBe(false);
    expect(await present('network/rx')).toBe(false);
  });

  it('should find the GPU resources pods request: Heapster measurements, kube-state-metrics tag values', async () => {
    const heapster = resolver('heapster', {
      measurements: ['cpu/usage_rate', 'nvidia.com/gpu/request', 'nvidia.com/mig-3g.40gb/request', 'nvidia.com/gpumem/request', 'cpu/request'],
    });
    expect((await heapster.sources.gpuRequestSources()).map((s) => [s.resource, s.source.measurement, s.source.podLevel])).toEqual([
      ['nvidia.com/gpu', 'nvidia.com/gpu/request', undefined],
      ['nvidia.com/mig-3g.40gb', 'nvidia.com/mig-3g.40gb/request', undefined],
    ]);
    const telegraf = resolver('telegraf', {
      ...TELEGRAF_DB,
      measurements: [...TELEGRAF_DB.measurements, 'kube_pod_container_resource_requests'],
      tagValues: { 'kube_pod_container_resource_requests.resource': ['nvidia_com_gpu', 'nvidia_com_gpucores', 'cpu'] },
    });
    expect((await telegraf.sources.gpuRequestSources()).map((s) => [s.resource, s.source.containerLevel])).toEqual([
      ['nvidia_com_gpu', { tag: 'resource', value: 'nvidia_com_gpu' }],
      ['nvidia_com_gpucores', { tag: 'resource', value: 'nvidia_com_gpucores' }],
    ]);
    expect(await resolver('telegraf', TELEGRAF_DB).sources.gpuRequestSources()).toEqual([]);
  });
});
