import type { LoginResponse, SeriesResponse, UsageFigures, UsageReport, UserView } from '@kube-monitoring/contract';

/** Shared test data for the unit specs (never imported by the app). */

export const ADMIN_USER: UserView = {
  username: 'alice',
  email: 'alice@example.org',
  role: 'admin',
  namespaces: ['*'],
  source: 'local',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-02T00:00:00.000Z',
};

export const VIEWER_USER: UserView = {
  username: 'bob',
  email: 'bob@example.org',
  role: 'viewer',
  namespaces: ['cluster-3'],
  source: 'local',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
};

export function loginResponse(user: UserView = ADMIN_USER, expiresIn = 3600): LoginResponse {
  return { accessToken: `token-of-${user.username}`, tokenType: 'Bearer', expiresIn, user };
}

const T0 = Date.parse('2024-03-01T10:00:00Z');
const STEP = 60_000;

/** CPU by namespace over 5 minutes: `prod` steady at 2 cores, `dev` stopped after 2 minutes, `ci` with a gap. */
export const CPU_SERIES: SeriesResponse = {
  metric: 'cpu/usage_rate',
  unit: 'millicores',
  from: '2024-03-01T10:00:00.000Z',
  to: '2024-03-01T10:05:00.000Z',
  step_seconds: 60,
  groupBy: 'namespace',
  series: [
    {
      key: { namespace_name: 'prod' },
      label: 'prod',
      points: [0, 1, 2, 3, 4].map((i) => [T0 + i * STEP, 2000] as [number, number]),
    },
    {
      key: { namespace_name: 'dev' },
      label: 'dev',
      points: [
        [T0, 500],
        [T0 + STEP, 500],
        [T0 + 2 * STEP, null],
        [T0 + 3 * STEP, null],
        [T0 + 4 * STEP, null],
      ],
    },
    {
      key: { namespace_name: 'ci' },
      label: 'ci',
      points: [
        [T0, 100],
        [T0 + STEP, null],
        [T0 + 2 * STEP, 300],
        [T0 + 3 * STEP, 250],
        [T0 + 4 * STEP, null],
      ],
    },
  ],
};

/** February 2024 (696 h) of a namespace averaging 2 cores and 4 GiB, without GPU. */
const PROD_USAGE: UsageFigures = {
  cpu_core_hours: 1392,
  cpu_cores_average: 2,
  cpu_cores_peak: 3,
  memory_gib_hours: 2784,
  memory_gib_average: 4,
  memory_gib_peak: 5,
  gpu_memory_gb_hours: 0,
  gpu_memory_gb_average: 0,
  gpu_memory_gb_peak: 0,
  coverage: 1,
};

export const USAGE_REPORT: UsageReport = {
  from: '2024-02-01T00:00:00.000Z',
  to: '2024-03-01T00:00:00.000Z',
  groupBy: 'namespace',
  step_seconds: 60,
  generated_at: '2024-03-01T10:00:00.000Z',
  rows: [{ namespace_name: 'prod', ...PROD_USAGE }],
  // With one namespace the report's totals are that namespace's figures.
  totals: { ...PROD_USAGE },
};
