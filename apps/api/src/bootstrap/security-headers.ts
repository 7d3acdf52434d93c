import fastifyHelmet from '@fastify/helmet';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';

import { webScriptSources } from './web-csp';

/**
 * The response headers every answer carries: helmet's set, with the dashboard's Content-Security-
 * Policy — the one the nginx image sends for /web (deploy/web/default.conf.template), its inline code
 * allowed by hash — and `Cache-Control: no-store` on every /api answer (usage figures, tokens, users:
 * nothing a shared cache or the browser's disk may keep).
 */
export function securityHeaderOptions(webIndexHtml: string | undefined): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: webScriptSources(webIndexHtml),
        // Angular component styles and Swagger UI's page style are inline.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
  };
}

const NO_STORE = 'no-store';

function isApiPath(url: string | undefined): boolean {
  return /^\/api(\/|\?|$)/.test(url ?? '');
}

export async function registerSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions): Promise<void> {
  await fastify.register(fastifyHelmet, options);
  fastify.addHook('onRequest', (req, reply, done) => {
    if (isApiPath(req.url)) reply.header('cache-control', NO_STORE);
    done();
  });
}

/**
 * The same headers for answers that skip every hook: Fastify's router errors (a malformed URL such as
 * `/api/%`) are answered before any `onRequest` hook runs.
 */
export function securityHeadersWithoutHooks(options: HelmetOptions): (req: FastifyRequest, reply: FastifyReply) => void {
  const middleware = helmet(options);
  return (req, reply) => {
    middleware(req.raw, reply.raw, () => undefined);
    if (isApiPath(req.url)) reply.header('cache-control', NO_STORE);
  };
}
