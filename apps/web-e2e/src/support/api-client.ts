/** Direct calls to the dashboard API with a user's bearer token: what the page must agree with. */
import { e2e, type StoredSession } from './e2e-env';

export interface ApiAnswer<T> {
  status: number;
  body: T;
  text: string;
  contentType: string;
}

export async function callApi<T = unknown>(session: StoredSession | null, path: string, options: { method?: string; body?: unknown; accept?: string } = {}): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  if (session) headers['authorization'] = `Bearer ${session.accessToken}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${e2e.apiUrl}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await r.text();
  const contentType = r.headers.get('content-type') ?? '';
  const body = (contentType.includes('json') && text ? JSON.parse(text) : text) as T;
  return { status: r.status, body, text, contentType };
}

/** `SHOW TAG VALUES` of the seeded database, straight from InfluxDB (no API in between). */
export async function influxPodsOf(namespace: string, measurement: string): Promise<string[]> {
  const q = `SHOW TAG VALUES FROM "${measurement}" WITH KEY = "pod_name" WHERE "namespace_name" = '${namespace}'`;
  const r = await fetch(`${e2e.influxUrl}/query?${new URLSearchParams({ db: 'k8s', q })}`);
  const body = (await r.json()) as { results: { series?: { values: [string, string][] }[] }[] };
  return (body.results[0]?.series?.[0]?.values ?? []).map(([, v]) => v).sort();
}
