import { computed, type Signal } from '@angular/core';

import { DEFAULT_REFRESH_SECONDS, describeTimeRange, parseRefresh, parseTimeRange, timeRangeToParams, type TimeRangeSelection } from '../time/time-range';
import { injectQueryParamsUpdater } from './query-params';

/** The query parameters a chart page binds to inputs (`?range=…&from=…&to=…&refresh=…`). */
export interface TimeQueryParams {
  readonly range: Signal<string | undefined>;
  readonly from: Signal<string | undefined>;
  readonly to: Signal<string | undefined>;
  readonly refresh: Signal<string | undefined>;
}

/** A chart page's time range and auto-refresh interval, read from the URL and written back to it. */
export interface TimeQuery {
  readonly selection: Signal<TimeRangeSelection>;
  /** The preset's label or the custom bounds, for the chart's title. */
  readonly label: Signal<string>;
  readonly refreshSeconds: Signal<number>;
  setRange(selection: TimeRangeSelection): void;
  setRefresh(seconds: number): void;
}

/**
 * The time range and refresh of a chart page (overview, metric pages) live in the query string,
 * so a view can be shared as a link and survives a reload. Defaults are left out of the URL.
 * Call in an injection context, e.g. `injectTimeQuery(this)` in a page whose inputs are these parameters.
 */
export function injectTimeQuery(params: TimeQueryParams): TimeQuery {
  const updateQuery = injectQueryParamsUpdater();
  const selection = computed(() => parseTimeRange({ range: params.range(), from: params.from(), to: params.to() }));
  return {
    selection,
    label: computed(() => describeTimeRange(selection())),
    refreshSeconds: computed(() => parseRefresh(params.refresh())),
    setRange: (range) => void updateQuery(timeRangeToParams(range)),
    setRefresh: (seconds) => void updateQuery({ refresh: seconds === DEFAULT_REFRESH_SECONDS ? null : seconds }),
  };
}
