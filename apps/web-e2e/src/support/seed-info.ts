/** What the seeding script reports (tools-free, so the global setup can import it). */
export interface SeedInfo {
  /** First seeded instant, ISO (shifted to the run's time). */
  from: string;
  /** End of the seeded data (exclusive): the minute the run started. */
  to: string;
  /** End of the simulated period before shifting. */
  simulatedTo: string;
  shiftSeconds: number;
  lines: number;
  seconds: number;
  /** Every namespace of the simulated cluster. */
  namespaces: string[];
  /** Pod names that ran during the last hour of data, per namespace. */
  podsLastHour: Record<string, string[]>;
  /** GPU job pods that ran during the last hour, per namespace. */
  gpuPodsLastHour: Record<string, string[]>;
}
