import { BadRequestException } from '@nestjs/common';

import { checkIsoTime, INSTANT_RANGE, isAcceptedInstant } from './iso-time';

export interface Period {
  from: Date;
  to: Date;
}

/** Longest period an aggregation, a usage report or a chart may cover. */
export const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;

export interface PeriodRule {
  /** The begin, when not given, is this long before the end. */
  defaultSpanMs: number;
  /** Names of the begin and end fields, for the messages. */
  fields?: { begin: string; end: string };
  /** Longest period accepted, in days; none when undefined. */
  maxDays?: number;
  now?: Date;
}

/**
 * The one rule for every period the API is asked for: begin and end strings (optional, default end:
 * now) become a period, `from` inclusive and `to` exclusive, both within the instants InfluxDB can
 * store (see `checkIsoTime`), `to` after `from`, and at most `maxDays` long. Anything else is a 400
 * naming the field.
 */
export function resolvePeriod(begin: string | null | undefined, end: string | null | undefined, rule: PeriodRule): Period {
  const fields = rule.fields ?? { begin: 'timeBeginInterval', end: 'timeEndInterval' };
  // Absent, null and empty all mean "not given" (validation lets null through as absent).
  const to = end ? parsed(end, fields.end) : (rule.now ?? new Date());
  const from = begin ? parsed(begin, fields.begin) : new Date(to.getTime() - rule.defaultSpanMs);
  if (!isAcceptedInstant(from)) {
    throw new BadRequestException(`${fields.begin}: must be ${INSTANT_RANGE}; the default, ${rule.defaultSpanMs / 60_000} min before ${fields.end}, is ${from.toISOString()}`);
  }
  if (from.getTime() >= to.getTime()) {
    throw new BadRequestException(`${fields.end}: must be later than ${fields.begin} (${from.toISOString()})`);
  }
  if (rule.maxDays !== undefined && to.getTime() - from.getTime() > rule.maxDays * DAY_MS) {
    throw new BadRequestException(`${fields.end}: the period may cover at most ${rule.maxDays} days; ask for several shorter periods`);
  }
  return { from, to };
}

function parsed(text: string, field: string): Date {
  const check = checkIsoTime(text);
  if (!check.date) throw new BadRequestException(`${field}: ${check.problem}`);
  return check.date;
}
