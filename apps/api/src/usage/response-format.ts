/** What the client asked for with `Accept`: the usage report as JSON (default) or as CSV. */
export type ReportFormat = 'json' | 'csv';

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [range, ...params] = part.trim().split(';');
    const [type, subtype] = (range ?? '').trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k?.trim().toLowerCase() === 'q') {
        const n = Number(v);
        q = Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
      }
    }
    out.push({ type, subtype, q });
  }
  return out;
}

/** Quality of a media type under the ranges: the most specific matching range wins (RFC 9110 §12.5.1). */
function qualityOf(ranges: MediaRange[], type: string, subtype: string): { q: number; specificity: number } {
  let best = { q: 0, specificity: -1 };
  for (const r of ranges) {
    const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
    if (specificity > best.specificity) best = { q: r.q, specificity };
  }
  return best;
}

/**
 * CSV when `text/csv` is preferred to `application/json`; JSON otherwise (no header, `*\/*`, or a
 * tie between the two, unless only CSV was named explicitly).
 */
export function reportFormatFor(accept: string | string[] | undefined): ReportFormat {
  const header = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  if (!header.trim()) return 'json';
  const ranges = parseAccept(header);
  const csv = qualityOf(ranges, 'text', 'csv');
  const json = qualityOf(ranges, 'application', 'json');
  if (csv.q > json.q) return 'csv';
  if (csv.q > 0 && csv.q === json.q && csv.specificity === 2 && json.specificity < 2) return 'csv';
  return 'json';
}
