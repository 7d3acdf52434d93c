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

/** No request of this API nests deeper; deeper bodies would only exhaust the validator's stack. */
export const MAX_JSON_DEPTH = 16;

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestException('body: not valid JSON');
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) throw new BadRequestException(`body: nested deeper than ${MAX_JSON_DEPTH} levels`);
  return withoutNullFields(value);
}

/**
 * A top-level `null` means "not given" (the original documents `agg` as "default None"), so the
 * field's default applies instead of a null reaching validation or a query.
 */
export function withoutNullFields(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/** Nesting depth of a parsed JSON value, computed without recursion. */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth]);
  }
  return max;
}
