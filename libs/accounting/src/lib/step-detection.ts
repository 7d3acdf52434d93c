/**
 * The sample resolution, detected from the gaps between consecutive samples: the most common
 * gap, rounded to the second, ignoring gaps shorter than a second (duplicates) . Missing samples
 * produce longer gaps, jitter spreads gaps around the step; the mode is robust to both.
 */
export function detectStepMs(gapsMs: Iterable<number>, fallbackMs = 60000): number {
  const counts = new Map<number, number>();
  for (const g of gapsMs) {
    if (!Number.isFinite(g) || g < 1000) continue;
    // Round to 5 s so jitter of a few seconds lands in one bucket.
    const bucket = Math.round(g / 5000) * 5000 || Math.round(g / 1000) * 1000;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  let best = fallbackMs;
  let bestCount = 0;
  for (const [gap, n] of counts) {
    if (n > bestCount || (n === bestCount && gap < best)) {
      best = gap;
      bestCount = n;
    }
  }
  return best;
}
