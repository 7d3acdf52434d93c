/**
 * Formatting of the whole workspace: `npm run format` writes it, `npm run format:check` (a step of
 * `npm test`) fails on any file that differs. The options follow the code as it was written (long
 * lines, single quotes, trailing commas), so that adopting Prettier changed as little as possible.
 *
 * @type {import('prettier').Config & import('@ianvs/prettier-plugin-sort-imports').PluginConfig}
 */
export default {
  printWidth: 180,
  singleQuote: true,
  trailingComma: 'all',
  plugins: ['@ianvs/prettier-plugin-sort-imports'],
  // Node built-ins, packages, the workspace's libraries, then relative paths; a blank line between groups.
  // Side-effect imports (`import 'reflect-metadata'`) are never moved: the others are sorted on each side of them.
  importOrder: ['<BUILTIN_MODULES>', '', '<THIRD_PARTY_MODULES>', '', '^@kube-monitoring/', '', '^[.]'],
  // The plugin parses with Babel, which needs to be told about NestJS's and Angular's decorators.
  importOrderParserPlugins: ['typescript', 'decorators-legacy'],
  overrides: [
    // Every template is Angular's (control flow `@if`/`@for`), not only the `*.component.html` ones Prettier guesses.
    { files: '*.html', options: { parser: 'angular' } },
    // Kubernetes manifests quote with double quotes, as their documentation does.
    { files: ['*.yaml', '*.yml'], options: { singleQuote: false } },
  ],
};
