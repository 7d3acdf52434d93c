/** Waiting for the API calls a page makes, and reading what it sent and got. */
import type { APIResponse, Page, Route } from 'playwright-core';

export interface Exchange<T> {
  response: APIResponse;
  /** Parsed JSON request body (POST), or null. */
  sent: Record<string, unknown> | null;
  /** Parsed JSON response body. */
  body: T;
}

const WAIT_MS = 20_000;

/**
 * Resolves with the next answer to a request of the page whose URL path equals `path` (e.g.
 * `/api/ui/series/cpu/usage_rate`) and whose request body satisfies `extra`. Call it before the
 * action that makes the request.
 *
 * The request is passed through to the real API by the test (`route.fetch`), and the page gets the
 * API's own answer, bytes and headers unchanged. Reading answers from DevTools instead is not
 * reliable: every /api answer is `Cache-Control: no-store`, and Chromium does not always keep the
 * body of such answers for the inspector ("No data found for resource with given identifier").
 */
export function nextResponse<T>(page: Page, path: string, extra: (sent: Record<string, unknown> | null) => boolean = () => true): Promise<Exchange<T>> {
  return new Promise<Exchange<T>>((resolve, reject) => {
    let done = false;
    const matches = (url: URL) => url.pathname === path;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      page.unroute(matches, handler).catch(() => undefined);
      outcome();
    };
    const handler = async (route: Route) => {
      const sent = parseJson(route.request().postData());
      if (done || !extra(sent)) return route.fallback();
      let response: APIResponse;
      try {
        response = await route.fetch();
      } catch (e) {
        // The page navigated away or closed while the answer was on its way: not this page's answer.
        await route.abort().catch(() => undefined);
        if (page.isClosed()) finish(() => reject(e));
        return;
      }
      const text = await response.text();
      await route.fulfill({ response, body: text }).catch(() => undefined);
      const body = parseJson(text);
      if (body === null) return;
      finish(() => resolve({ response, sent, body: body as T }));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`no answer to ${path} within ${WAIT_MS} ms`))), WAIT_MS);
    page.route(matches, handler).catch((e: unknown) => finish(() => reject(e)));
  });
}

function parseJson(data: string | null): Record<string, unknown> | null {
  if (!data) return null;
  try {
    return JSON.parse(data) as Record<string, unknown>;
  } catch {
    return null;
  }
}
