import { checkIsoTime, ReportStep } from '@kube-monitoring/contract';

import { addToDate, isoWeekday, offsetMs, startOfZonedDate, ZonedDate, zonedDateOf } from './zoned-calendar';

/** A report period, `fromMs` inclusive, `toMs` exclusive. */
export interface ReportPeriod {
  fromMs: number;
  toMs: number;
}

/** The calendar keywords a `window` may name, in the billing time zone. */
export const WINDOW_KEYWORDS = ['today', 'yesterday', 'week', 'lastweek', 'month', 'lastmonth'] as const;

const HOUR_MS = 3_600_000;
const RELATIVE = /^([1-9][0-9]{0,4})(h|d)$/;

/** Why a window was refused, in words a client can act on (the caller names the field). */
export class WindowError extends Error {}

/**
 * The period a `window` stands for at `nowMs`: `today`, `week` and `month` run from the start of
 * the current day, ISO week (Monday) or month in `timeZone` to now; `yesterday`, `lastweek` and
 * `lastmonth` are the whole previous one; `<n>h` and `<n>d` are the last n hours or days (24 h each)
 * up to now; `<instant>,<instant>` (RFC 3339, or any ISO-8601 form the API accepts for `from`/`to`) is that period.
 */
export function resolveWindow(window: string, nowMs: number, timeZone: string): ReportPeriod {
  const w = window.trim();
  const relative = RELATIVE.exec(w);
  if (relative) {
    const n = Number(relative[1]);
    return { fromMs: nowMs - n * (relative[2] === 'h' ? HOUR_MS : 24 * HOUR_MS), toMs: nowMs };
  }
  if (w.includes(',')) return explicitWindow(w);
  const today = zonedDateOf(nowMs, timeZone);
  const start = (d: ZonedDate) => startOfZonedDate(d, timeZone);
  const monday = addToDate(today, { days: 1 - isoWeekday(today) });
  const firstOfMonth: ZonedDate = { ...today, day: 1 };
  switch (w) {
    case 'today':
      return { fromMs: start(today), toMs: nowMs };
    case 'yesterday':
      return { fromMs: start(addToDate(today, { days: -1 })), toMs: start(today) };
    case 'week':
      return { fromMs: start(monday), toMs: nowMs };
    case 'lastweek':
      return { fromMs: start(addToDate(monday, { days: -7 })), toMs: start(monday) };
    case 'month':
      return { fromMs: start(firstOfMonth), toMs: nowMs };
    case 'lastmonth':
      return { fromMs: start(addToDate(firstOfMonth, { months: -1 })), toMs: start(firstOfMonth) };
    default:
      throw new WindowError(`must be one of ${WINDOW_KEYWORDS.join(', ')}, <n>h, <n>d or <RFC3339>,<RFC3339>`);
  }
}

/** Two instants by the API's one rule for instants (`checkIsoTime`: ISO-8601 dates or date-times, no impossible day). */
function explicitWindow(w: string): ReportPeriod {
  const parts = w.split(',');
  if (parts.length !== 2) throw new WindowError('an explicit window is two instants separated by a comma, e.g. 2026-11-01T00:00:00Z,2026-12-01T00:00:00Z');
  const [from, to] = parts.map((p, i) => {
    const check = checkIsoTime(p);
    if (check.problem !== undefined) throw new WindowError(`its ${i === 0 ? 'first' : 'second'} instant ${check.problem}`);
    return check.date.getTime();
  }) as [number, number];
  return { fromMs: from, toMs: to };
}

/**
 * The steps of a period: cut at every hour, day, ISO week (Monday) or month start of `timeZone`,
 * the first and last clipped to the period. Answers at most `maxSteps` (throws beyond).
 */
export function reportSteps(period: ReportPeriod, step: ReportStep, timeZone: string, maxSteps: number): ReportPeriod[] {
  const out: ReportPeriod[] = [];
  let from = period.fromMs;
  while (from < period.toMs) {
    const next = Math.min(nextBoundary(from, step, timeZone), period.toMs);
    out.push({ fromMs: from, toMs: next });
    if (out.length > maxSteps) throw new WindowError(`gives more than ${maxSteps} steps over this period: choose a longer step or a shorter period`);
    from = next;
  }
  return out;
}

/** The first step boundary strictly after `ms`. */
function nextBoundary(ms: number, step: ReportStep, timeZone: string): number {
  if (step === '1h') return nextZonedHour(ms, timeZone);
  const day = zonedDateOf(ms, timeZone);
  const next: ZonedDate =
    step === '1d' ? addToDate(day, { days: 1 }) : step === '1w' ? addToDate(day, { days: 8 - isoWeekday(day) }) : addToDate({ ...day, day: 1 }, { months: 1 });
  return startOfZonedDate(next, timeZone);
}

/** The first instant after `ms` where the zone's clock shows a whole hour (an offset change moves it, once). */
function nextZonedHour(ms: number, timeZone: string): number {
  const wall = ms + offsetMs(ms, timeZone);
  const nextWall = Math.floor(wall / HOUR_MS) * HOUR_MS + HOUR_MS;
  let t = nextWall - offsetMs(ms, timeZone);
  const settled = nextWall - offsetMs(t, timeZone);
  // Across an offset change the wall hour may be skipped or repeated: take the earlier instant after ms.
  if (settled > ms && settled < t) t = settled;
  return t > ms ? t : ms + HOUR_MS;
}
