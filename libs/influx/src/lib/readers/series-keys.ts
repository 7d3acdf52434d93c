/** Parses `measurement,k=v,k2=v2` series keys (line-protocol escaping of `,`, `=` and spaces) into their tags. */
export function parseSeriesKey(key: string): Record<string, string> {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === '\\' && i + 1 < key.length) {
      cur += key[++i];
    } else if (c === ',') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const tags: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq > 0) tags[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return tags;
}
