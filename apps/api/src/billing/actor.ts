import { AccessScope } from '../access/access-scope';

/** Who made a change, as kept with it: a person's name, an API key's, or the service credentials. */
export function actorOf(scope: AccessScope): string {
  if (scope.kind === 'user') return scope.username;
  if (scope.kind === 'key') return `api-key:${scope.name}`;
  return 'service';
}
