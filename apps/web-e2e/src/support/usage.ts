/** Usage-report helpers shared by the usage and viewer suites. */
import { readFileSync } from 'node:fs';

import { parse } from 'csv-parse/sync';
import type { Locator, Page } from 'playwright-core';

import type { SeedInfo } from './seed-info';

const DAY_MS = 86_400_000;

/** The page's rendering of unit·hours (apps/web usage.page.ts). */
export const hoursFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 3 });

export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Whole UTC days holding every seeded sample: [day of the first, day after the last). */
export function seededPeriod(seed: SeedInfo): { from: string; to: string; days: number } {
  const from = isoDay(Date.parse(seed.from));
  const to = isoDay(Date.parse(seed.to) + DAY_MS);
  return { from, to, days: Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) };
}

export function lastMonth(now = new Date()): { from: string; to: string } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return { from: isoDay(Date.UTC(y, m - 1, 1)), to: isoDay(Date.UTC(y, m, 1)) };
}

/** This month so far, as the dashboard asks for it (the first of the month to tomorrow 00:00 UTC). */
export function thisMonth(now = new Date()): { from: string; to: string } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return { from: isoDay(Date.UTC(y, m, 1)), to: isoDay(Date.UTC(y, m, now.getUTCDate() + 1)) };
}

/** Clicks `button` and returns the file the browser downloads (name and text). */
export async function download(page: Page, button: Locator): Promise<{ filename: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = await file.path();
  const failure = await file.failure();
  if (failure) throw new Error(`download of ${file.suggestedFilename()} failed: ${failure}`);
  return { filename: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/** Rows of a CSV (RFC 4180, header row) as objects keyed by column name. */
export function csvRows(text: string): Record<string, string>[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}
