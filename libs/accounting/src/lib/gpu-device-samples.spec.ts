import { GpuDeviceSamples } from './gpu-device-samples';
import { InMemorySamples, StoredSeries } from './testing/in-memory-samples';
import { UsageEngine } from './usage-engine';

const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2);

/** A container requesting `quantity` of a resource at every minute of [T0 − 5 min, T0 + 65 min]. */
function requests(namespace: string, pod: string, quantity: number, container = 'main'): StoredSeries {
  const samples: [number, number][] = [];
  for (let t = T0 - 5 * MIN; t <= T0 + 65 * MIN; t += MIN) samples.push([t, quantity]);
  return { level: 'container', namespace, pod, container, samples };
}

function resource(name: string, series: StoredSeries[]): { resource: string; samples: InMemorySamples } {
  return { resource: name, samples: new InMemorySamples(`${name}/request`, series, { hasPodSeries: false }) };
}

/** GPU-hours per pod over the hour [T0, T0 + 1 h), through the one usage computation. */
async function gpuHours(samples: GpuDeviceSamples): Promise<Record<string, number>> {
  const engine = new UsageEngine({ samplesOf: async () => samples });
  const usage = await engine.usage(samples, { from: new Date(T0), to: new Date(T0 + HOUR) }, {}, MIN);
  return Object.fromEntries(usage.pods.map((p) => [`${p.namespace}/${p.pod}`, p.figures.integral / 3600]));
}

describe('GpuDeviceSamples', () => {
  it('should count a whole GPU as one device, a MIG 3g slice as 3/7 and a 1g slice as 1/7', async () => {
    const hours = await gpuHours(
      new GpuDeviceSamples([
        resource('nvidia.com/gpu', [requests('lab', 'train', 2)]),
        resource('nvidia.com/mig-3g.40gb', [requests('lab', 'mig-train', 1)]),
        resource('nvidia.com/mig-1g.10gb', [requests('lab', 'notebook', 1)]),
      ]),
    );
    expect(hours['lab/train']).toBeCloseTo(2, 9);
    expect(hours['lab/mig-train']).toBeCloseTo(3 / 7, 9);
    expect(hours['lab/notebook']).toBeCloseTo(1 / 7, 9);
  });

  it('should give four HAMi pods at 25 % of one GPU one GPU-hour between them (kube-state-metrics names)', async () => {
    const pods = ['llm-0', 'llm-1', 'llm-2', 'llm-3'];
    const hours = await gpuHours(
      new GpuDeviceSamples([
        resource(
          'nvidia_com_gpu',
          pods.map((p) => requests('serve', p, 1)),
        ),
        resource(
          'nvidia_com_gpucores',
          pods.map((p) => requests('serve', p, 25)),
        ),
        resource(
          'nvidia_com_gpumem_percentage',
          pods.map((p) => requests('serve', p, 25)),
        ),
      ]),
    );
    expect(Object.values(hours).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (const p of pods) expect(hours[`serve/${p}`]).toBeCloseTo(0.25, 9);
  });

  it('should join per container: a share applies to its own container’s GPUs only', async () => {
    const hours = await gpuHours(
      new GpuDeviceSamples([
        resource('nvidia.com/gpu', [requests('ml', 'mixed', 1, 'shared'), requests('ml', 'mixed', 1, 'whole')]),
        resource('nvidia.com/gpucores', [requests('ml', 'mixed', 50, 'shared')]),
      ]),
    );
    expect(hours['ml/mixed']).toBeCloseTo(1.5, 9);
  });

  it('should name no pod when nothing requests a GPU', async () => {
    expect(await gpuHours(new GpuDeviceSamples([resource('nvidia.com/gpu', [])]))).toEqual({});
  });
});
