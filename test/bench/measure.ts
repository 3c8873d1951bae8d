/** Small helpers for benchmarks: per-operation latency percentiles (HDR histogram) and throughput. */
import hdr from 'hdr-histogram-js';

export interface LatencyStats {
  p50: number;
  p99: number;
  mean: number;
  rate: number;
}

/**
 * Times `op` one call at a time (after `warmup` calls), recording each call in nanoseconds, and returns
 * percentiles in microseconds plus the achieved rate (ops/s).
 */
export function timeEach(op: (i: number) => void, iterations: number, warmup = Math.min(10_000, iterations)): LatencyStats {
  for (let i = 0; i < warmup; i++) op(i);
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    op(i);
    h.recordValue(Number(process.hrtime.bigint() - t0));
  }
  const totalNs = Number(process.hrtime.bigint() - start);
  return { p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, mean: h.mean / 1000, rate: iterations / (totalNs / 1e9) };
}

/** Runs `op` `iterations` times in a tight loop and returns operations per second. */
export function throughput(op: (i: number) => void, iterations: number, warmup = Math.min(10_000, iterations)): number {
  for (let i = 0; i < warmup; i++) op(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) op(i);
  return iterations / (Number(process.hrtime.bigint() - start) / 1e9);
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
