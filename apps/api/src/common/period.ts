import { BadRequestException } from '@nestjs/common';

import { INSTANT_RANGE, isAcceptedInstant } from '@kube-monitoring/contract';

export interface Period {
  from: Date;
  to: Date;
}

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
 * The one rule for every period the API is asked for. The begin and end arrive parsed (`@IsInstant()`
 * checked their format and range); absent or null, the end is now and the begin `defaultSpanMs`
 * before it. The period is `from` inclusive, `to` exclusive, `to` after `from`, at most `maxDays`
 * long, and a default begin must be an accepted instant too. Anything else is a 400 naming the field.
 */
export function resolvePeriod(begin: Date | null | undefined, end: Date | null | undefined, rule: PeriodRule): Period {
  const fields = rule.fields ?? { begin: 'timeBeginInterval', end: 'timeEndInterval' };
  const to = end ?? rule.now ?? new Date();
  const from = begin ?? new Date(to.getTime() - rule.defaultSpanMs);
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
