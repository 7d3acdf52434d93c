import { Inject, Injectable, NotFoundException } from '@nestjs/common';

import { findMetric, MetricDefinition } from '@kube-monitoring/contract';
import {
  CatalogReader,
  detectStorageSchema,
  detectTelegrafGpu,
  GpuRequestSource,
  heapsterGpuRequestSources,
  KSM_MEASUREMENTS,
  KSM_RESOURCE_TAG,
  MetricSource,
  metricSourceFor,
  SchemaContext,
  StorageSchema,
  TELEGRAF_ABSENT_REASONS,
  TELEGRAF_MEASUREMENTS,
  telegrafGpuRequestSources,
} from '@kube-monitoring/influx';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CATALOG_READER } from './reader-tokens';

/** How long what the database holds (measurements, fields, dcgm's tags) is trusted. */
const SHAPE_TTL_MS = 60_000;

/** A cached answer of InfluxDB's metadata, shared by concurrent callers and dropped on failure. */
class Cached<T> {
  private entry: { at: number; value: Promise<T> } | undefined;

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    const now = Date.now();
    if (this.entry && now - this.entry.at < SHAPE_TTL_MS) return this.entry.value;
    const value = this.load();
    const entry = { at: now, value };
    this.entry = entry;
    value.catch(() => {
      if (this.entry === entry) this.entry = undefined;
    });
    return value;
  }
}

/**
 * Maps a catalog metric to where it is stored, for the schema set by `METRICS_SCHEMA` (or detected
 * from the measurements present with `auto`). The API's answers keep the seed's names whatever the
 * schema; only this mapping changes. A metric the schema's collector does not gather has no source.
 */
@Injectable()
export class MetricSourceResolver {
  private readonly measurements = new Cached(() => this.loadMeasurements());
  private readonly fields = new Cached(() => this.loadFields());
  private readonly dcgmTags = new Cached(() => this.loadTagKeys(TELEGRAF_MEASUREMENTS.dcgmMemoryUsed));
  private readonly requestedResources = new Cached(() => this.catalog.tagValues(KSM_MEASUREMENTS.containerRequests, KSM_RESOURCE_TAG));

  constructor(
    @Inject(CATALOG_READER) private readonly catalog: CatalogReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The catalog entry of a metric, or 404 naming it. */
  definition(metric: string): MetricDefinition {
    const def = findMetric(metric);
    if (!def) throw new NotFoundException(`metric: unknown metric "${metric}"; GET /api/metrics lists the available ones`);
    return def;
  }

  /** The catalog entry and the storage of a metric; 404 when it is unknown or not collected in this schema. */
  async resolve(metric: string): Promise<{ definition: MetricDefinition; source: MetricSource }> {
    const definition = this.definition(metric);
    const source = await this.sourceOf(metric);
    if (!source) {
      const schema = await this.schema();
      const why = schema === 'telegraf' ? TELEGRAF_ABSENT_REASONS[metric] : undefined;
      throw new NotFoundException(`metric: "${metric}" is not collected in the ${schema} schema${why ? ` (${why})` : ''}; GET /api/metrics lists the available ones`);
    }
    return { definition, source };
  }

  /** Where a catalog metric is stored, or undefined when the schema's collector does not gather it. */
  async sourceOf(metric: string): Promise<MetricSource | undefined> {
    const schema = await this.schema();
    return metricSourceFor(schema, metric, await this.context(schema, metric));
  }

  /**
   * Where each GPU resource pods request is stored (whole GPUs, MIG profiles, HAMi shares): Heapster's
   * `<resource>/request` measurements, or kube-state-metrics' request series by resource. Empty when
   * no pod requests a GPU.
   */
  async gpuRequestSources(): Promise<GpuRequestSource[]> {
    const measurements = await this.presentMeasurements();
    if ((await this.schema()) === 'heapster') return heapsterGpuRequestSources(measurements);
    if (!measurements.has(KSM_MEASUREMENTS.containerRequests)) return [];
    return telegrafGpuRequestSources(await this.requestedResources.get());
  }

  /** The configured schema, or the one the database holds (`auto`, re-checked every minute). */
  async schema(): Promise<StorageSchema> {
    const configured = this.config.metricsSchema;
    if (configured !== 'auto') return configured;
    return detectStorageSchema(await this.presentMeasurements());
  }

  /** Whether the database holds the metric's field in its measurement. */
  async isPresent(source: MetricSource): Promise<boolean> {
    return (await this.fields.get()).get(source.measurement)?.has(source.field) ?? false;
  }

  /** Measurement names in the database, cached for a minute. */
  presentMeasurements(): Promise<Set<string>> {
    return this.measurements.get();
  }

  /** Only what the mapping of this metric depends on is asked of InfluxDB. */
  private async context(schema: StorageSchema, metric: string): Promise<SchemaContext> {
    if (metric !== 'gpu/usage') return { measurements: new Set(), gpu: detectTelegrafGpu(new Set(), new Set()) };
    const measurements = await this.presentMeasurements();
    const dcgm = schema === 'telegraf' && measurements.has(TELEGRAF_MEASUREMENTS.dcgmMemoryUsed);
    return { measurements, gpu: detectTelegrafGpu(measurements, dcgm ? await this.dcgmTags.get() : new Set()) };
  }

  private async loadMeasurements(): Promise<Set<string>> {
    return new Set(await this.catalog.measurements());
  }

  private loadFields(): Promise<Map<string, Set<string>>> {
    return this.catalog.fieldKeys();
  }

  private async loadTagKeys(measurement: string): Promise<Set<string>> {
    return new Set(await this.catalog.tagKeys(measurement));
  }
}
