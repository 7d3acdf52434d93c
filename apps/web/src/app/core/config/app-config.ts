import { InjectionToken } from '@angular/core';

/** Runtime settings read from `config.json` next to `index.html` before the app boots. */
export interface AppConfig {
  /**
   * Origin (and optional path prefix) of the API, without a trailing slash.
   * `''` (the default) means the API is on the same origin as the dashboard.
   */
  apiBaseUrl: string;
}

export const DEFAULT_APP_CONFIG: AppConfig = { apiBaseUrl: '' };

export const APP_CONFIG = new InjectionToken<AppConfig>('AppConfig', {
  providedIn: 'root',
  factory: () => DEFAULT_APP_CONFIG,
});

/** Validates the parsed `config.json`; unknown keys are ignored, a bad value is an error. */
export function normalizeAppConfig(raw: unknown): AppConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error('config.json must hold a JSON object');
  }
  const value = (raw as Record<string, unknown>)['apiBaseUrl'];
  if (value === undefined || value === null) return DEFAULT_APP_CONFIG;
  if (typeof value !== 'string') {
    throw new Error('config.json: apiBaseUrl must be a string');
  }
  const trimmed = value.trim().replace(/\/+$/, '');
  if (trimmed !== '' && !/^https?:\/\/[^/\s]+(\/\S*)?$/i.test(trimmed) && !trimmed.startsWith('/')) {
    throw new Error(`config.json: apiBaseUrl "${value}" must be empty, an absolute http(s) URL or a path`);
  }
  return { apiBaseUrl: trimmed };
}

/**
 * Loads `config.json` relative to the document base (`/web/config.json` when served at `/web/`).
 * A missing file means the defaults (API on the same origin); an invalid one stops the boot with a message.
 */
export async function loadAppConfig(fetchFn: typeof fetch = fetch, baseUri: string = document.baseURI): Promise<AppConfig> {
  const url = new URL('config.json', baseUri).toString();
  let response: Response;
  try {
    response = await fetchFn(url, { cache: 'no-cache', headers: { Accept: 'application/json' } });
  } catch {
    return DEFAULT_APP_CONFIG;
  }
  if (response.status === 404) return DEFAULT_APP_CONFIG;
  if (!response.ok) {
    throw new Error(`Cannot load ${url}: HTTP ${response.status}`);
  }
  // A server with a deep-link fallback answers a missing file with index.html.
  if (!(response.headers.get('content-type') ?? '').includes('json')) return DEFAULT_APP_CONFIG;
  return normalizeAppConfig(await response.json());
}
