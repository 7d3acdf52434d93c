/** Time ranges of the metric views, kept in the URL: `?range=6h` or `?range=custom&from=…&to=…`. */

export const RANGE_PRESETS = [
  { id: '1h', label: 'Last 1 hour', ms: 3_600_000 },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export type RangePreset = (typeof RANGE_PRESETS)[number]['id'];

export const DEFAULT_RANGE: RangePreset = '1h';

export type TimeRangeSelection = { kind: 'preset'; preset: RangePreset } | { kind: 'custom'; from: Date; to: Date | null };

export interface ResolvedRange {
  from: Date;
  to: Date;
}

/** The query parameters a view reads; anything else in the URL is ignored. */
export interface TimeRangeParams {
  range?: string | null;
  from?: string | null;
  to?: string | null;
}

const PRESET_IDS: ReadonlySet<string> = new Set(RANGE_PRESETS.map((p) => p.id));

export function isRangePreset(value: unknown): value is RangePreset {
  return typeof value === 'string' && PRESET_IDS.has(value);
}

/**
 * Parses an instant from the URL: `2017-12-01` (00:00 UTC that day), an ISO date-time
 * (UTC when it has no offset, as the API reads it) or epoch milliseconds.
 */
export function parseInstant(value: string | null | undefined): Date | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d{10,}$/.test(text)) return validDate(new Date(Number(text)));
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return validDate(new Date(`${text}T00:00:00Z`));
  const dateTime = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (!dateTime) return null;
  const zone = dateTime[5] ?? 'Z';
  return validDate(new Date(`${dateTime[1]}T${dateTime[2]}${zone}`));
}

function validDate(date: Date): Date | null {
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Reads the selection from the URL. `from` (with or without `range=custom`) selects a custom range;
 * a missing `to` means "until now". Anything invalid falls back to the default preset.
 */
export function parseTimeRange(params: TimeRangeParams): TimeRangeSelection {
  const from = parseInstant(params.from);
  const to = parseInstant(params.to);
  const wantsCustom = params.range === 'custom' || (!params.range && from !== null);
  if (wantsCustom && from && (!to || to.getTime() > from.getTime())) {
    return { kind: 'custom', from, to };
  }
  if (isRangePreset(params.range)) return { kind: 'preset', preset: params.range };
  return { kind: 'preset', preset: DEFAULT_RANGE };
}

/** Concrete bounds at `now`. */
export function resolveTimeRange(selection: TimeRangeSelection, now: Date = new Date()): ResolvedRange {
  if (selection.kind === 'custom') {
    return { from: selection.from, to: selection.to ?? now };
  }
  const preset = RANGE_PRESETS.find((p) => p.id === selection.preset) ?? RANGE_PRESETS[0];
  return { from: new Date(now.getTime() - preset.ms), to: now };
}

/** Query parameters that encode a selection; `null` removes a parameter when merged. */
export function timeRangeToParams(selection: TimeRangeSelection): Record<string, string | null> {
  if (selection.kind === 'preset') {
    return { range: selection.preset === DEFAULT_RANGE ? null : selection.preset, from: null, to: null };
  }
  return {
    range: 'custom',
    from: selection.from.toISOString(),
    to: selection.to ? selection.to.toISOString() : null,
  };
}

export function describeTimeRange(selection: TimeRangeSelection): string {
  if (selection.kind === 'preset') {
    return RANGE_PRESETS.find((p) => p.id === selection.preset)?.label ?? selection.preset;
  }
  const to = selection.to ? selection.to.toISOString() : 'now';
  return `${selection.from.toISOString()} – ${to}`;
}

/** Value for an `<input type="datetime-local">` in the browser's time zone. */
export function toLocalInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` + `T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Reads an `<input type="datetime-local">` value (browser time zone). */
export function fromLocalInputValue(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return validDate(date);
}

/** Auto-refresh choices in seconds; 0 = off. */
export const REFRESH_OPTIONS = [
  { seconds: 0, label: 'Off' },
  { seconds: 30, label: 'Every 30 s' },
  { seconds: 60, label: 'Every minute' },
  { seconds: 300, label: 'Every 5 minutes' },
] as const;

export const DEFAULT_REFRESH_SECONDS = 60;

/** `?refresh=` in seconds: absent → default, `0`/`off` → off, else 10 s … 1 day. */
export function parseRefresh(value: string | null | undefined): number {
  if (value === null || value === undefined || value === '') return DEFAULT_REFRESH_SECONDS;
  if (value === 'off' || value === '0') return 0;
  if (!/^\d+$/.test(value)) return DEFAULT_REFRESH_SECONDS;
  const seconds = Number(value);
  return Math.min(Math.max(seconds, 10), 86_400);
}
