import { BadRequestException } from '@nestjs/common';

import { parseIsoTime } from '../decorators/validation.decorators';

export interface Period {
  from: Date;
  to: Date;
}

/**
 * Resolves optional begin/end strings (already validated) into a period, `from` inclusive and
 * `to` exclusive; begin defaults to `defaultSpanMs` before the end.
 */
export function resolvePeriod(
  begin: string | undefined,
  end: string | undefined,
  defaultSpanMs: number,
  fields: { begin: string; end: string } = { begin: 'timeBeginInterval', end: 'timeEndInterval' },
  now: Date = new Date(),
): Period {
  const to = end ? parseIsoTime(end) : now;
  if (!to) throw new BadRequestException(`${fields.end}: must be an ISO-8601 date or date-time`);
  const from = begin ? parseIsoTime(begin) : new Date(to.getTime() - defaultSpanMs);
  if (!from) throw new BadRequestException(`${fields.begin}: must be an ISO-8601 date or date-time`);
  if (from.getTime() >= to.getTime()) {
    throw new BadRequestException(`${fields.end}: must be later than ${fields.begin} (${from.toISOString()})`);
  }
  return { from, to };
}
