import { computed, inject, type Signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';

import { ApiService } from './api.service';

/**
 * The namespaces the signed-in user may see, loaded once for a page's pickers and hints.
 * Empty while loading and when the request fails: the lists are a convenience, the page works without them.
 * Call in an injection context; the request belongs to the calling component.
 */
export function injectNamespaceList(): Signal<string[]> {
  const api = inject(ApiService);
  const namespaces = rxResource({ stream: () => api.namespaces() });
  return computed(() => (namespaces.hasValue() ? namespaces.value() : []));
}
