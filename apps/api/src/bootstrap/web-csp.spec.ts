import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { webScriptSources } from './web-csp';

/** The hash the nginx image allows, for Angular's `onload="this.media='all'"`. */
const NGINX_HASH = "'sha256-MhtPZXr7+LpJUY5qtMutB+qWfQtMaPccfe7QXtCcEYc='";

describe('webScriptSources', () => {
  it("should allow Angular's stylesheet loader by the same hash as the nginx image, never 'unsafe-inline'", () => {
    const html = `<link rel="stylesheet" href="styles-ABCD1234.css" media="print" onload="this.media='all'">`;
    expect(webScriptSources(html)).toEqual(["'self'", "'unsafe-hashes'", NGINX_HASH]);
    expect(webScriptSources(html.replace(/'/g, '&#39;'))).toEqual(["'self'", "'unsafe-hashes'", NGINX_HASH]);
    const template = readFileSync(join(__dirname, '../../../../deploy/web/default.conf.template'), 'utf8');
    expect(template).toContain(NGINX_HASH);
  });

  it('should allow inline script elements by hash, and nothing inline when there is none', () => {
    expect(webScriptSources('<script>window.x = 1;</script><script src="main-ABCD1234.js"></script>')).toEqual(["'self'", "'sha256-U1BU0BfAhaBREBgsEDDctSYokOF3U7hQUIj6mrtukfw='"]);
    expect(webScriptSources('<html><body><km-root></km-root></body></html>')).toEqual(["'self'"]);
    expect(webScriptSources(undefined)).toEqual(["'self'"]);
  });
});
