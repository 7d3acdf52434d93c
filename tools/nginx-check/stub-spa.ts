/**
 * The SPA nginx serves: a small stand-in with content-hashed asset names when there is no build, and
 * finding a hashed asset in a build.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const STUB_INDEX = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kube-monitoring</title><base href="/web/">
<link rel="stylesheet" href="styles-AB12CD34.css" media="print" onload="this.media='all'"><noscript><link rel="stylesheet" href="styles-AB12CD34.css"></noscript>
</head><body><km-root></km-root><script src="main-EF56GH78.js" type="module"></script></body></html>
`;

export function makeStubWeb(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), STUB_INDEX);
  writeFileSync(join(dir, 'main-EF56GH78.js'), `// stub bundle\n${'console.log("kube-monitoring");\n'.repeat(200)}`);
  writeFileSync(join(dir, 'styles-AB12CD34.css'), `body{margin:0}\n${'.x{color:red}\n'.repeat(200)}`);
  writeFileSync(join(dir, 'favicon.ico'), Buffer.alloc(64));
}

/** A content-hashed asset (name-HASH8.js/css) of the SPA, the largest one. */
export function findHashedAsset(dir: string): string | undefined {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/-[A-Z0-9]{8}\.(js|css)$/.test(e.name)) found.push(relative(dir, p));
    }
  };
  walk(dir);
  // Prefer a large file so the gzip check has something to compress.
  found.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size);
  return found[0];
}
