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
 * Resolves with the next response whose URL path equals `path` (e.g. `/api/ui/series/cpu/usage_rate`)
 * and whose request body satisfies `extra`. Call it before the action that makes the request.
 * An answer to the previous page (still in flight while the page navigates) cannot be read any more
 * and is skipped: the wait goes on for the current page's own request.
 */
export async function nextResponse<T>(
  page: Page,
  path: string,
  extra: (sent: Record<string, unknown> | null) => boolean = () => true,
): Promise<Exchange<T>> {
  let body: T | undefined;
  const response = await page.waitForResponse(async (r) => {
    if (new URL(r.url()).pathname !== path || !extra(sentBody(r))) return false;
    try {
      body = (await r.json()) as T;
      return true;
    } catch {
      return false;
    }
  });
  return { response, sent: sentBody(response), body: body as T };
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
