import { DOCUMENT, effect, inject, Signal } from '@angular/core';

/**
 * Calls `onTick` every `intervalSeconds()` seconds while the page is visible; `0` stops it.
 * Must run in an injection context; the timer ends with the owning component.
 */
export function autoRefresh(intervalSeconds: Signal<number>, onTick: () => void): void {
  const document = inject(DOCUMENT);
  effect((onCleanup) => {
    const seconds = intervalSeconds();
    if (seconds <= 0) return;
    const id = setInterval(() => {
      if (document.visibilityState !== 'hidden') onTick();
    }, seconds * 1000);
    onCleanup(() => clearInterval(id));
  });
}
