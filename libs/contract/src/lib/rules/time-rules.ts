/**
 * The instants a period may name. InfluxDB stores time as int64 nanoseconds since 1970, which ends
 * at 2262-04-11T23:47:16.854Z, and a time literal past it is an InfluxDB error. The usage engine
 * reads a few sample steps beyond each end of a period and charts align buckets past its end, so the
 * latest accepted instant stays about 100 days inside that limit. Nothing is stored before 1970.
 */
export const EARLIEST_INSTANT = new Date('1970-01-01T00:00:00.000Z');
export const LATEST_INSTANT = new Date('2262-01-01T00:00:00.000Z');

/** A usage report's `step`: one set of rows per hour, day, ISO week (from Monday) or month of the billing time zone. */
export const REPORT_STEPS = ['1h', '1d', '1w', '1mo'] as const;
export type ReportStep = (typeof REPORT_STEPS)[number];

/** Longest period an aggregation, a usage report or a chart may cover. */
export const MAX_PERIOD_DAYS = 366;

export const ISO_TIME_FORMATS = 'an ISO-8601 date (2017-12-01) or date-time (2017-12-01T12:00:00Z)';
export const INSTANT_RANGE = `between ${EARLIEST_INSTANT.toISOString().replace('.000', '')} and ${LATEST_INSTANT.toISOString().replace('.000', '')}`;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** A parsed instant, or what is wrong with the text (to follow "<field>: "). */
export type IsoTimeCheck = { date: Date; problem?: undefined } | { date?: undefined; problem: string };

/**
 * Parses an ISO-8601 date (`2017-12-01` = 00:00 UTC) or date-time (UTC when no offset), refusing
 * impossible dates (2017-02-30) and instants outside [EARLIEST_INSTANT, LATEST_INSTANT], for dates
 * and date-times alike.
 */
export function checkIsoTime(value: string): IsoTimeCheck {
  const date = parseSyntax(value.trim());
  if (!date) return { problem: `must be ${ISO_TIME_FORMATS}` };
  if (!isAcceptedInstant(date)) return { problem: `must be ${INSTANT_RANGE} (what InfluxDB can store), got ${date.toISOString()}` };
  return { date };
}

export function isAcceptedInstant(date: Date): boolean {
  const t = date.getTime();
  return t >= EARLIEST_INSTANT.getTime() && t <= LATEST_INSTANT.getTime();
}

function parseSyntax(v: string): Date | undefined {
  if (ISO_DATE.test(v)) return validCalendarDate(v);
  if (!ISO_DATE_TIME.test(v)) return undefined;
  if (!validCalendarDate(v.slice(0, 10))) return undefined;
  let text = v.replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) text += 'Z';
  // JS keeps milliseconds only; finer digits are cut so `Date` accepts them.
  text = text.replace(/(\.\d{3})\d+/, '$1');
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** `YYYY-MM-DD` at 00:00 UTC when that day exists (2017-02-30 does not). */
function validCalendarDate(day: string): Date | undefined {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(day) ? d : undefined;
}
