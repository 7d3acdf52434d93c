import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

import { FastifyInstance, FastifyServerOptions } from 'fastify';

import { AppConfig } from '../config/app-config';

/** How often Node looks for requests past their receive deadline (its default, 30 s, would add up to that). */
const DEADLINE_CHECK_INTERVAL_MS = 1000;

/**
 * Server options against slow and piled-up clients. Node's `requestTimeout` and `headersTimeout`
 * bound the time to *receive* a request (headers and body), not to answer it: a client trickling a
 * body one byte a second is cut off after `receiveTimeoutMs` with a 408. Answers may take long
 * (a 30-day report: ~45 s): the socket's idle timeout, `idleTimeoutMs`, only closes connections on
 * which nothing moves at all.
 */
export function httpServerOptions(limits: AppConfig['http']): Pick<FastifyServerOptions, 'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout' | 'clientErrorHandler'> & {
  http: { requestTimeout: number; headersTimeout: number; connectionsCheckingInterval: number };
} {
  return {
    requestTimeout: limits.receiveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      requestTimeout: limits.receiveTimeoutMs,
      headersTimeout: limits.receiveTimeoutMs,
      connectionsCheckingInterval: Math.min(DEADLINE_CHECK_INTERVAL_MS, limits.receiveTimeoutMs),
    },
    clientErrorHandler: answerClientError,
  };
}

/** Errors of the HTTP parser and receive deadlines, answered in the API's error shape, then closed. */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request: headers and body did not arrive in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'headers: the request headers are too large']
        : [400, 'Bad Request', 'request: malformed HTTP request'];
  const body = JSON.stringify({ code: status, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * The connection cap, and shutdown that slow clients cannot hold up: when the server closes, every
 * connection that is not carrying a request already received and still being answered — idle
 * keep-alives, half-sent headers, bodies still trickling in — is closed at once. Requests being
 * answered finish (the preClose hook in create-app adds `Connection: close` to their answers).
 */
export function applyConnectionLimits(fastify: FastifyInstance, limits: AppConfig['http']): void {
  const server = fastify.server;
  server.maxConnections = limits.maxConnections;
  const current = new Map<Socket, { req: IncomingMessage; res: ServerResponse } | undefined>();
  server.on('connection', (socket: Socket) => {
    current.set(socket, undefined);
    socket.once('close', () => current.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (current.has(req.socket)) current.set(req.socket, { req, res });
  });
  fastify.addHook('preClose', (done) => {
    for (const [socket, exchange] of current) {
      const beingAnswered = exchange !== undefined && exchange.req.complete && !exchange.res.writableFinished;
      if (!beingAnswered) socket.destroy();
    }
    done();
  });
}
