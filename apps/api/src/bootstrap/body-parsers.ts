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
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    // A CSV upload (the assignment import) arrives as `{csv: <text>}`, so its DTO validates it like any body.
    if (isCsvUpload(req.headers['content-type'], req.routeOptions?.url)) return done(null, { csv: body as string });
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

/** Routes that take a `text/csv` body; elsewhere a CSV content type is read like any other. */
const CSV_ROUTES: readonly string[] = ['/api/billing/assignments/import'];

function isCsvUpload(contentType: string | undefined, route: string | undefined): boolean {
  return /^text\/csv\b/i.test(contentType ?? '') && route !== undefined && CSV_ROUTES.includes(route);
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
  const malformed = fieldWithMalformedText(value);
  if (malformed !== undefined) throw new BadRequestException(`${malformed}: text is not valid Unicode (lone surrogate)`);
  const inherited = inheritedKeyPath(value);
  if (inherited !== undefined) throw unknownField(inherited);
  return withoutNullFields(value);
}

/**
 * Names every plain object inherits (`constructor`, `toString`, `__proto__`...) and `prototype`. No
 * field of this API is called so; class-validator's whitelist looks fields up in a plain object, where
 * these are always found, and class-transformer drops some silently: they are refused here, by name.
 */
const INHERITED_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** The 400 for a field the endpoint does not know, worded as the validator words its own (`path: property key should not exist`). */
export function unknownField(path: string): BadRequestException {
  return new BadRequestException(`${path}: property ${path.split('.').pop()} should not exist`);
}

/** The path (`a.b`) of the first key, at any depth, that is an inherited name. */
export function inheritedKeyPath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (v === null || typeof v !== 'object') continue;
    for (const [k, child] of Object.entries(v)) {
      const at = Array.isArray(v) ? path : path ? `${path}.${k}` : k;
      if (!Array.isArray(v) && INHERITED_NAMES.has(k)) return at;
      stack.push([child, at]);
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `String.prototype.isWellFormed`, which the ES2022 library types do not know yet. */
function wellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * The top-level field holding a string (or key) that is not well-formed UTF-16: JSON allows lone
 * surrogates (`"\\ud800"`), but validators and InfluxDB choke on them.
 */
export function fieldWithMalformedText(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return typeof value === 'string' && !wellFormed(value) ? 'body' : undefined;
  for (const [key, child] of Object.entries(value)) {
    if (!wellFormed(key)) return 'body';
    const stack: unknown[] = [child];
    while (stack.length > 0) {
      const v = stack.pop();
      if (typeof v === 'string') {
        if (!wellFormed(v)) return key;
      } else if (v !== null && typeof v === 'object') {
        for (const [k, c] of Object.entries(v)) {
          if (!wellFormed(k)) return key;
          stack.push(c);
        }
      }
    }
  }
  return undefined;
}

/** The top-level fields a body gave as `null`, kept beside it (not enumerable) for the validation pipe. */
export const NULL_FIELDS = Symbol('null fields');

/**
 * A top-level `null` means "not given" (the original documents `agg` as "default None"), so the
 * field's default applies instead of a null reaching validation or a query. The names are kept
 * (`NULL_FIELDS`): a null field the endpoint does not know is still refused.
 */
export function withoutNullFields(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  const out = Object.fromEntries(entries.filter(([, v]) => v !== null));
  Object.defineProperty(out, NULL_FIELDS, { value: entries.filter(([, v]) => v === null).map(([k]) => k), enumerable: false });
  return out;
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
