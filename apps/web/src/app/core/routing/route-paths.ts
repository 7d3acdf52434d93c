/** Every route path of the dashboard, relative to the base href `/web/`. */
export const ROUTE_PATHS = {
  login: 'login',
  overview: '',
  stats: 'stats',
  usage: 'usage',
  users: 'users',
} as const;

/** Router commands for the seed's metric URLs: `/stats/{metric}` and `/stats/{metric}/{namespace}`. */
export function statsCommands(metric: string, namespace?: string | null): string[] {
  const commands = ['/', ROUTE_PATHS.stats, ...metric.split('/')];
  if (namespace) commands.push(namespace);
  return commands;
}

export function loginCommands(): string[] {
  return ['/', ROUTE_PATHS.login];
}

/** A return URL is only followed when it stays inside the app (no scheme, no protocol-relative host). */
export function safeReturnUrl(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value === `/${ROUTE_PATHS.login}` || value.startsWith(`/${ROUTE_PATHS.login}?`)) return '/';
  return value;
}
