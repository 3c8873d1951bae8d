/** What every benchmark file under test/bench/ returns from its exported `run()`. */
export interface BenchResult {
  name: string;
  /** Unit of p50/p99/value, e.g. "µs", "MB", "bytes". */
  unit: string;
  p50?: number;
  p99?: number;
  /** Operations per second. */
  rate?: number;
  value?: number;
  /** Target, for the report, e.g. "p50 ≤ 60 µs". */
  target?: string;
}

export type BenchModule = { run(): Promise<BenchResult[]> };
