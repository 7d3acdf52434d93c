import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One licence, said the same way everywhere it is stated (the original 2018 project's: Apache 2.0). */
const ROOT = join(__dirname, '..');

describe('the licence', () => {
  const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

  it('should be Apache-2.0 in package.json, in the OpenAPI document and in the LICENSE file', () => {
    const pkg = JSON.parse(read('package.json')) as { license: string };
    const openapi = JSON.parse(read('docs/openapi.json')) as { info: { license: { name: string; url: string } } };
    const licence = read('LICENSE');
    expect(pkg.license).toBe('Apache-2.0');
    expect(openapi.info.license).toEqual({ name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' });
    expect(licence.startsWith('Apache License\nVersion 2.0, January 2004\n')).toBe(true);
    expect(licence).toContain('END OF TERMS AND CONDITIONS');
    expect(licence).toContain('Copyright 2018-2026 The kube-monitoring authors');
  });
});
