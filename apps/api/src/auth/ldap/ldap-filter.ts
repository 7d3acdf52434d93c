/**
 * Untrusted text inside LDAP search filters (RFC 4515). A login name reaches the directory only
 * through `fillFilter()`, which escapes every character that could end the value or open a new
 * filter, so `*)(uid=*` is a literal name the directory matches against nothing.
 */

/**
 * RFC 4515 §3: `*`, `(`, `)`, `\` and NUL must be written `\XX`. Other control characters are
 * escaped too (allowed either way), so nothing unprintable reaches the directory or its log.
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '*' || ch === '(' || ch === ')' || ch === '\\' || code < 0x20 || code === 0x7f) {
      out += `\\${code.toString(16).padStart(2, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** `template` with each `{{name}}` replaced by the escaped value; an unknown placeholder is an error. */
export function fillFilter(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`LDAP filter placeholder {{${name}}} has no value here (known: ${Object.keys(values).join(', ')})`);
    return escapeFilterValue(value);
  });
}
