import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';

import { InfluxClient } from '@kube-monitoring/influx';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { QueryMetrics } from './query-metrics';

/** Owns the InfluxDB client for the process: one keep-alive pool, closed on shutdown. */
@Injectable()
export class InfluxConnection implements OnApplicationShutdown {
  readonly client: InfluxClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig, metrics: QueryMetrics) {
    const { host, port, user, password, database, timeoutMs } = config.influx;
    const url = /^https?:\/\//.test(host) ? `${host.replace(/\/$/, '')}:${port}` : `http://${host}:${port}`;
    this.client = new InfluxClient({
      url,
      database,
      username: user || undefined,
      password,
      timeoutMs,
      onQuery: (kind, seconds, ok) => metrics.observe(kind, seconds, ok),
    });
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
