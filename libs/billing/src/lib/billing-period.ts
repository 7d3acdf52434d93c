import { addToDate, startOfZonedDate } from '@kube-monitoring/accounting';

/** `YYYY-MM`, months 01–12, years 2000–2999. */
export const PERIOD_PATTERN = /^(2\d{3})-(0[1-9]|1[0-2])$/;

export interface PeriodBounds {
  period: string;
  fromMs: number;
  toMs: number;
}

/** A calendar month of the billing time zone: its first instant and the next month's. */
export function periodBounds(period: string, timeZone: string): PeriodBounds {
  const m = PERIOD_PATTERN.exec(period);
  if (!m) throw new RangeError(`not a period YYYY-MM: ${period}`);
  const first = { year: Number(m[1]), month: Number(m[2]), day: 1 };
  return { period, fromMs: startOfZonedDate(first, timeZone), toMs: startOfZonedDate(addToDate(first, { months: 1 }), timeZone) };
}
