/**
 * Groups a pod's time-ordered container rows into scrapes: a row joins the open scrape when it has
 * the scrape's time (one container may have several series then, e.g. one per GPU), or when it is
 * within half a step of it and its container is not in the scrape yet; otherwise the open scrape is
 * emitted (its first row's time, the sum of its values) and the row opens the next one.
 */
export class ScrapeMerger {
  private time: number | undefined;
  private sum = 0;
  private readonly containers = new Set<string>();

  constructor(private readonly stepMs: number) {}

  add(timeMs: number, value: number, container: string, emit: (timeMs: number, value: number) => void): void {
    const joins = this.time === timeMs || (this.time !== undefined && timeMs - this.time < this.stepMs / 2 && !this.containers.has(container));
    if (this.time !== undefined && !joins) this.flush(emit);
    if (this.time === undefined) this.time = timeMs;
    this.sum += value;
    this.containers.add(container);
  }

  flush(emit: (timeMs: number, value: number) => void): void {
    if (this.time !== undefined) emit(this.time, this.sum);
    this.time = undefined;
    this.sum = 0;
    this.containers.clear();
  }
}
