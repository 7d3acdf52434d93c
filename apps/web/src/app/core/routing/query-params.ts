import { inject } from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';

export type QueryParamsPatch = Record<string, string | number | null>;

/**
 * Returns a function that merges query parameters into the current URL (`null` removes one),
 * so the view state (range, namespace, refresh …) can be shared as a link. Call in an injection context.
 */
export function injectQueryParamsUpdater(): (patch: QueryParamsPatch) => Promise<boolean> {
  const router = inject(Router);
  const route = inject(ActivatedRoute);
  return (patch) => router.navigate([], { relativeTo: route, queryParams: patch, queryParamsHandling: 'merge' });
}
