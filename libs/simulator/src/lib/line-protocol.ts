/**
 * A small parser for the line protocol this library writes (and InfluxDB 1.x accepts): enough to
 * check lines in tests and to read them back without a database.
 */
export type FieldValue = { type: 'int'; value: bigint } | { type: 'float'; value: number } | { type: 'string'; value: string } | { type: 'bool'; value: boolean };

export interface ParsedLine {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** As written (its unit depends on the precision it is posted with). */
  timestamp: bigint | undefined;
}

/** Splits `text` at unescaped `separator`s outside double quotes; keeps escapes in the parts. */
function splitUnescaped(text: string, separator: string, limit = Number.POSITIVE_INFINITY): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (ch === separator && !quoted && parts.length < limit - 1) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\([\\,= "])/g, '$1');
}

function parseField(raw: string): FieldValue {
  if (raw.startsWith('"')) return { type: 'string', value: raw.slice(1, -1).replace(/\\(["\\])/g, '$1') };
  if (/^-?\d+i$/.test(raw)) return { type: 'int', value: BigInt(raw.slice(0, -1)) };
  if (/^(t|T|true|True|TRUE|f|F|false|False|FALSE)$/.test(raw)) return { type: 'bool', value: /^[tT]/.test(raw) };
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value)) throw new Error(`not a field value: ${raw}`);
  return { type: 'float', value };
}

export function parseLine(line: string): ParsedLine {
  const [seriesKey, fieldSet, time, ...rest] = splitUnescaped(line, ' ');
  if (!seriesKey || !fieldSet || rest.length > 0) throw new Error(`malformed line: ${line}`);
  const [measurement, ...tagPairs] = splitUnescaped(seriesKey, ',');
  const tags: Record<string, string> = {};
  for (const pair of tagPairs) {
    const [key, value] = splitUnescaped(pair, '=', 2);
    if (value === undefined || value === '') throw new Error(`tag without value in: ${line}`);
    tags[unescape(key)] = unescape(value);
  }
  const fields: Record<string, FieldValue> = {};
  for (const pair of splitUnescaped(fieldSet, ',')) {
    const [key, value] = splitUnescaped(pair, '=', 2);
    if (value === undefined) throw new Error(`field without value in: ${line}`);
    fields[unescape(key)] = parseField(value);
  }
  return { measurement: unescape(measurement), tags, fields, timestamp: time === undefined ? undefined : BigInt(time) };
}
