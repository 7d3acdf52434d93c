/**
 * Rate metrics Heapster derives from a cumulative counter (its rate calculator, `RateMetricsMapping`):
 * the time integral of the rate is the increase of the counter, which a lost scrape cannot hide, so
 * usage is taken from the counter wherever the database holds it. `toRateSeconds` converts the
 * counter's unit to the rate's unit × seconds.
 */
export const COUNTER_TWINS: Readonly<Record<string, { counter: string; toRateSeconds: number }>> = {
  // 1 millicore for 1 s = 1e6 ns of CPU time.
  'cpu/usage_rate': { counter: 'cpu/usage', toRateSeconds: 1e-6 },
  'memory/page_faults_rate': { counter: 'memory/page_faults', toRateSeconds: 1 },
  'memory/major_page_faults_rate': { counter: 'memory/major_page_faults', toRateSeconds: 1 },
  'network/rx_rate': { counter: 'network/rx', toRateSeconds: 1 },
  'network/tx_rate': { counter: 'network/tx', toRateSeconds: 1 },
  'network/rx_errors_rate': { counter: 'network/rx_errors', toRateSeconds: 1 },
  'network/tx_errors_rate': { counter: 'network/tx_errors', toRateSeconds: 1 },
};
