/**
 * What the global setup started and created, handed to the suites through the environment
 * (jest runs the global setup in the parent process; the suites read process.env).
 */
import type { SeedInfo } from './seed-info';

/** The browser's copy of a login (`localStorage["km.session"]`, see apps/web auth.service.ts). */
export interface StoredSession {
  accessToken: string;
  expiresAt: number;
  user: { username: string; role: 'admin' | 'viewer'; namespaces: string[]; email: string; createdAt: string; updatedAt: string };
}

export const SESSION_STORAGE_KEY = 'km.session';

export const users = {
  admin: { username: 'e2e-admin', email: 'e2e-admin@example.org', password: 'Admin-e2e-Passw0rd' },
  /** A viewer restricted to one namespace. */
  viewer: { username: 'e2e-viewer', email: 'e2e-viewer@example.org', password: 'Viewer-e2e-Passw0rd', namespace: 'lab-vision' },
  /** Signs in and out in the logout test: logout revokes every token of a user, so not the shared sessions' users. */
  leaver: { username: 'e2e-leaver', email: 'e2e-leaver@example.org', password: 'Leaver-e2e-Passw0rd', namespace: 'lab-vision' },
} as const;

/** Service-API credentials of the billing client (X-USERNAME / X-PASSWORD). */
export const service = { username: 'billing-web-e2e', password: 'Billing-web-e2e-1' } as const;

export const DATABASE = 'k8s';

export const ENV = {
  apiUrl: 'WEB_E2E_API_URL',
  influxUrl: 'WEB_E2E_INFLUX_URL',
  seed: 'WEB_E2E_SEED',
  adminSession: 'WEB_E2E_ADMIN_SESSION',
  viewerSession: 'WEB_E2E_VIEWER_SESSION',
} as const;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through apps/web-e2e/jest.config.cts (its global setup starts the services)`);
  return value;
}

export const e2e = {
  get apiUrl(): string {
    return required(ENV.apiUrl);
  },
  get influxUrl(): string {
    return required(ENV.influxUrl);
  },
  get seed(): SeedInfo {
    return JSON.parse(required(ENV.seed)) as SeedInfo;
  },
  get adminSession(): StoredSession {
    return JSON.parse(required(ENV.adminSession)) as StoredSession;
  },
  get viewerSession(): StoredSession {
    return JSON.parse(required(ENV.viewerSession)) as StoredSession;
  },
};
