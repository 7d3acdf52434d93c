import { HttpErrorResponse } from '@angular/common/http';

/** An API failure reduced to what the UI shows: the HTTP status and the server's message. */
export interface ApiErrorInfo {
  /** HTTP status; 0 when the server could not be reached. */
  status: number;
  /** The API's `message` (every API error is `{code, message}`), or a fallback. */
  message: string;
}

/** Finds the `HttpErrorResponse` in whatever a resource or an observable reports. */
export function toApiError(error: unknown): ApiErrorInfo {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof HttpErrorResponse) return fromHttpError(current);
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: -1, message };
}

function fromHttpError(error: HttpErrorResponse): ApiErrorInfo {
  if (error.status === 0) {
    return { status: 0, message: 'Cannot reach the API server.' };
  }
  return { status: error.status, message: bodyMessage(error.error) ?? error.statusText ?? `HTTP ${error.status}` };
}

function bodyMessage(body: unknown): string | null {
  if (typeof body === 'string') {
    try {
      return bodyMessage(JSON.parse(body));
    } catch {
      return body.trim() !== '' && body.length < 500 ? body.trim() : null;
    }
  }
  if (body && typeof body === 'object') {
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.filter((m) => typeof m === 'string').join('; ');
  }
  return null;
}

/** One sentence a person can act on, for the error panels. */
export function describeApiError(info: ApiErrorInfo): string {
  switch (info.status) {
    case 0:
      return 'Cannot reach the API server. Check the network or the configured API address, then retry.';
    case 503:
      return /influx/i.test(info.message)
        ? `The metrics database is unavailable (${info.message}). Data will show again once it is back.`
        : `The service is unavailable: ${info.message}`;
    case 502:
      return `The metrics database answered with an error: ${info.message}`;
    case 403:
      return `Access denied: ${info.message}`;
    case 404:
      return info.message;
    case 429:
      return `Too many attempts: ${info.message}`;
    default:
      return info.message;
  }
}
