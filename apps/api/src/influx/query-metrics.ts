import { Injectable } from '@nestjs/common';

type Observer = (kind: 'query' | 'stream' | 'write', seconds: number, ok: boolean) => void;

/**
 * Fan-out point for InfluxDB query timings, so the Prometheus exporter can subscribe without the
 * data-access layer knowing about it.
 */
@Injectable()
export class QueryMetrics {
  private readonly observers: Observer[] = [];

  subscribe(observer: Observer): void {
    this.observers.push(observer);
  }

  observe(kind: 'query' | 'stream' | 'write', seconds: number, ok: boolean): void {
    for (const o of this.observers) o(kind, seconds, ok);
  }
}
