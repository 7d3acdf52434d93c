/** Waiting for the API calls a page makes, and reading what it sent and got. */
import type { Page, Response } from 'playwright-core';

export interface Exchange<T> {
  response: Response;
  /** Parsed JSON request body (POST), or null. */
  sent: Record<string, unknown> | null;
  /** Parsed JSON response body. */
  body: T;
}

/**
 * Resolves with the next response whose URL path equals `path` (e.g. `/api/ui/series/cpu/usage_rate`).
 * Call it before the action that makes the request.
 */
export async function nextResponse<T>(page: Page, path: string, extra: (sent: Record<string, unknown> | null) => boolean = () => true): Promise<Exchange<T>> {
  const response = await page.waitForResponse((r) => {
    if (new URL(r.url()).pathname !== path) return false;
    return extra(sentBody(r));
  });
  const body = (await response.json()) as T;
  return { response, sent: sentBody(response), body };
}

function sentBody(response: Response): Record<string, unknown> | null {
  const data = response.request().postData();
  if (!data) return null;
  try {
    return JSON.parse(data) as Record<string, unknown>;
  } catch {
    return null;
  }
}
