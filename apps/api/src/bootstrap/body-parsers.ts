import { parse as parseQueryString } from 'node:querystring';

import { BadRequestException } from '@nestjs/common';
import { FastifyInstance } from 'fastify';

/**
 * The original README's curl example posts JSON without `Content-Type: application/json`
 * (curl then sends `application/x-www-form-urlencoded`). So bodies are read as JSON whatever the
 * declared type when they look like JSON; real form bodies still parse as forms.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJson(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    try {
      if (text === '') return done(null, {});
      if (text.startsWith('{') || text.startsWith('[')) return done(null, parseJson(text));
      return done(null, { ...parseQueryString(text) });
    } catch (e) {
      return done(e as Error, undefined);
    }
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestException('body: not valid JSON');
  }
}
