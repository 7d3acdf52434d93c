import createClient from 'openapi-fetch';

import type { paths } from '../generated/api-schema';
import { e2eEnv, serviceHeaders } from './e2e-env';

/** The client a billing system would generate from docs/openapi.json. */
export function billingClient(headers: Record<string, string> = serviceHeaders()) {
  return createClient<paths>({ baseUrl: e2eEnv.apiUrl, headers });
}
