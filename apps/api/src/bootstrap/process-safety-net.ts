import type { Logger } from 'pino';

/** What the safety net logs of a rejection reason: never its other properties (a database error carries its query's parameters). */
export interface RejectionSummary {
  type: string;
  message: string;
  stack?: string;
}

export function summariseRejection(reason: unknown): RejectionSummary {
  if (reason instanceof Error) return { type: reason.name, message: reason.message, ...(reason.stack ? { stack: reason.stack } : {}) };
  return { type: reason === null ? 'null' : typeof reason, message: typeof reason === 'string' ? reason.slice(0, 500) : 'a rejection without an Error' };
}

/**
 * A promise rejected with no handler would end the process (Node's default), dropping every request
 * in flight, for one caller's failure. Such a rejection is a bug to fix, not a reason to stop serving:
 * it is logged as an error and the API goes on. Returns the listener.
 */
export function installProcessSafetyNet(logger: Logger, target: NodeJS.EventEmitter = process): (reason: unknown) => void {
  const listener = (reason: unknown) => {
    logger.error({ rejection: summariseRejection(reason) }, 'unhandled promise rejection: a bug; the API goes on serving');
  };
  target.on('unhandledRejection', listener);
  return listener;
}
