import baseConfig from '../../eslint.config.mjs';

/*
 * Integration suites exercise the API's own modules against real databases: they import them by
 * relative path, which the module-boundary rule otherwise forbids between projects.
 */
const INTERNALS = ['^(\\.\\./)+api/src/'];

export default baseConfig.map((entry) => {
  const rule = entry.rules?.['@nx/enforce-module-boundaries'];
  if (!Array.isArray(rule)) return entry;
  const [level, options] = rule;
  return {
    ...entry,
    rules: { ...entry.rules, '@nx/enforce-module-boundaries': [level, { ...options, allow: [...(options.allow ?? []), ...INTERNALS] }] },
  };
});
