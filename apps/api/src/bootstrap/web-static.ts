import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import fastifyStatic from '@fastify/static';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'pino';

/** The built SPA's index.html, read once at start (its inline code is allowed by hash), if there is one. */
export function webIndexHtml(webDir: string): string | undefined {
  const file = webDir ? join(resolve(webDir), 'index.html') : '';
  return file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * Paths that name a file of the build, never a client-side route (the nginx image's rule, in
 * deploy/web/default.conf.template): a missing one is a 404, not index.html served as a script to a
 * tab that kept an old build's chunk names after a deploy. Metric and namespace names in deep links
 * never end in these suffixes.
 */
export const WEB_ASSET_PATH = /^\/web\/.+\.(?:js|mjs|css|map|json|txt|ico|png|jpe?g|gif|svg|webp|woff2?|ttf|eot)$/i;

/**
 * Serves the built SPA at `/web` with deep-link fallback (any `/web/...` path that is not a file
 * and not asset-like gets index.html, so `/web/stats/cpu/usage_rate/cluster-3` loads the app) and
 * redirects `/` there.
 */
export async function registerWebApp(app: NestFastifyApplication, webDir: string, logger: Logger): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/', (_req, reply) => reply.redirect('/web/', 302));
  const root = webDir ? resolve(webDir) : '';
  if (!root || !existsSync(join(root, 'index.html'))) {
    logger.warn({ webDir: root }, 'web app not built: /web is unavailable (run `npx nx build web`)');
    fastify.get('/web', (_req, reply) => reply.code(503).send({ code: 503, message: 'The web app is not built on this server: run `npx nx build web`' }));
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/web/',
    wildcard: false,
    index: false,
    decorateReply: true,
    setHeaders: (res, path) => {
      // Hashed bundles never change; index.html must always be revalidated.
      res.header('cache-control', /\.[0-9a-z]{8,}\.(js|css)$|-[0-9A-Z]{8,}\.(js|css)$/i.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const sendIndex = (
    req: { url: string },
    reply: { code: (n: number) => { send: (b: unknown) => unknown }; header: (k: string, v: string) => unknown; sendFile: (f: string, root: string) => unknown },
  ) => {
    const path = req.url.split('?', 1)[0] ?? '';
    if (WEB_ASSET_PATH.test(path))
      return reply.code(404).send({ code: 404, message: `No such file in the dashboard's build: ${path.slice(0, 200)} (reload the page after a deploy)` });
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', root);
  };
  fastify.get('/web', (_req, reply) => reply.redirect('/web/', 302));
  fastify.get('/web/', sendIndex as never);
  fastify.get('/web/*', sendIndex as never);
}
