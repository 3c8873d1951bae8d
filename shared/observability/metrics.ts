/**
 * Metrics: counters, gauges and latency histograms, kept in memory on the hot path (no I/O) and flushed by
 * an exporter (CloudWatch embedded metric format on AWS, a summary locally). Names are dotted, e.g.
 * `venue.ws.malformed`, with optional dimensions. This module imports no library, so that code bundled into
 * a Lambda pays nothing for it; the in-memory registry lives in metrics-registry.ts.
 */

export type Dimensions = Record<string, string>;

export interface Metrics {
  increment(name: string, by?: number, dimensions?: Dimensions): void;
  gauge(name: string, value: number, dimensions?: Dimensions): void;
  /** Records a latency or size sample (integers: microseconds, bytes, …). */
  observe(name: string, value: number, dimensions?: Dimensions): void;
}

export const nullMetrics: Metrics = { increment: () => {}, gauge: () => {}, observe: () => {} };
