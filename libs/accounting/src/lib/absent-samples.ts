import { PodKey } from './pod-key';
import { ContainerRowsPiece, MetricSamples, SamplePiece, SampleStream } from './sample-reader';

/**
 * A metric the store holds no samples of now (never collected in this schema, or dropped by
 * retention): every read is empty. Reports still read it, so the hours the ledger rolled while the
 * samples were there answer from the ledger instead of as zeros.
 */
export class AbsentSamples implements MetricSamples {
  readonly cacheKey: string;
  readonly resolutionKey: string;
  readonly scale = 1;
  readonly hasPodSeries = true;
  readonly hasContainerSeries = false;
  readonly hasNamespaceSeries = false;

  constructor(readonly metric: string) {
    this.cacheKey = `absent:${metric}`;
    this.resolutionKey = `absent:${metric}`;
  }

  async sampleIntervals(): Promise<number[]> {
    return [];
  }

  podSamples(): SampleStream<PodKey> {
    return nothing();
  }

  containerSamples(): SampleStream<never> {
    return nothing();
  }

  containerRowsByPod(): AsyncIterable<ContainerRowsPiece> {
    return nothing();
  }

  async containerSampleCounts(): Promise<readonly SamplePiece<PodKey>[]> {
    return [];
  }

  countedTotalsPerStep(): SampleStream<string> {
    return nothing();
  }

  namespaceTotalsPerStep(): SampleStream<string> {
    return nothing();
  }

  async seriesPods(): Promise<PodKey[]> {
    return [];
  }

  async namespaceTotalSeries(): Promise<string[]> {
    return [];
  }
}

async function* nothing<T>(): AsyncGenerator<T> {
  // No samples.
}
