/**
 * Calendar arithmetic in an IANA time zone with the platform's own tz database (`Intl`), so that
 * "yesterday" or "last month" means the finance office's days, DST changes included.
 */

/** A wall-clock date in a time zone (month 1–12). */
export interface ZonedDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the platform knows this IANA time zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of an instant in a time zone, as a UTC timestamp of those fields. */
function wallClockMs(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts['year'] as number, (parts['month'] as number) - 1, parts['day'] as number, parts['hour'] as number, parts['minute'] as number, parts['second'] as number);
}

/** The zone's offset from UTC at an instant, ms (whole seconds). */
export function offsetMs(instantMs: number, timeZone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallClockMs(whole, timeZone) - whole;
}

/** The date an instant falls on in the time zone. */
export function zonedDateOf(instantMs: number, timeZone: string): ZonedDate {
  const wall = new Date(wallClockMs(instantMs, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The instant a zoned date begins: its local midnight, or, where a DST change skips midnight, the
 * first instant of that date.
 */
export function startOfZonedDate(date: ZonedDate, timeZone: string): number {
  const wallMidnight = Date.UTC(date.year, date.month - 1, date.day);
  // Two rounds settle the offset, which may differ on either side of a change.
  let guess = wallMidnight - offsetMs(wallMidnight, timeZone);
  guess = wallMidnight - offsetMs(guess, timeZone);
  const d = zonedDateOf(guess, timeZone);
  if (Date.UTC(d.year, d.month - 1, d.day) < wallMidnight) {
    // Midnight does not exist that day (clocks jumped over it): the day begins at the jump.
    let lo = guess;
    let hi = guess + 3 * 3_600_000;
    while (hi - lo > 1000) {
      const mid = Math.floor((lo + hi) / 2000) * 1000;
      const m = zonedDateOf(mid, timeZone);
      if (Date.UTC(m.year, m.month - 1, m.day) < wallMidnight) lo = mid;
      else hi = mid;
    }
    return hi;
  }
  return guess;
}

/** A date moved by whole days, months or years (calendar arithmetic, no time zone involved). */
export function addToDate(date: ZonedDate, amount: { days?: number; months?: number }): ZonedDate {
  const months = date.year * 12 + (date.month - 1) + (amount.months ?? 0);
  const base = new Date(Date.UTC(Math.floor(months / 12), months % 12, 1));
  const lastDay = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth() + 1, 0)).getUTCDate();
  const moved = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), Math.min(date.day, lastDay) + (amount.days ?? 0)));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** ISO weekday of a date: Monday 1 … Sunday 7. */
export function isoWeekday(date: ZonedDate): number {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return d === 0 ? 7 : d;
}
