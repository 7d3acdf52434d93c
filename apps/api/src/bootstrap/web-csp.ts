import { createHash } from 'node:crypto';

/**
 * The `script-src` of the dashboard: its own scripts, plus exactly the inline code its built
 * index.html holds (Angular's stylesheet loader `onload="this.media='all'"`), allowed by hash.
 * Never `'unsafe-inline'`: the login token sits in localStorage, where any injected script could read
 * it. The nginx image (deploy/web/default.conf.template) allows the same hash.
 */
export function webScriptSources(indexHtml: string | undefined): string[] {
  const sources = ["'self'"];
  if (!indexHtml) return sources;
  const handlers = [...indexHtml.matchAll(/\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)].map((m) => decodeEntities(m[1] ?? m[2] ?? ''));
  const scripts = [...indexHtml.matchAll(/<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1] ?? '').filter((s) => s.trim() !== '');
  // Inline event handlers are matched by hash only with 'unsafe-hashes' (CSP level 3).
  if (handlers.length) sources.push("'unsafe-hashes'");
  for (const code of new Set([...handlers, ...scripts])) sources.push(`'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`);
  return sources;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
