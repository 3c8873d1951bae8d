/** The in-memory metrics registry with HDR histograms: cheap to update, read by exporters and tests. */
import hdr from 'hdr-histogram-js';
import type { Dimensions, Metrics } from './metrics.js';

function keyOf(name: string, dimensions?: Dimensions): string {
  if (!dimensions) return name;
  // One or two dimensions (nearly every call, on the hot path): the same key without sorting arrays.
  let first: string | undefined;
  let second: string | undefined;
  let n = 0;
  for (const k in dimensions) {
    if (!Object.hasOwn(dimensions, k)) continue;
    if (++n === 1) first = k;
    else if (n === 2) second = k;
    else break;
  }
  if (n === 0) return name;
  if (n === 1) return `${name}|${first}=${dimensions[first as string]}`;
  if (n === 2) {
    const a = first as string;
    const b = second as string;
    return a < b ? `${name}|${a}=${dimensions[a]},${b}=${dimensions[b]}` : `${name}|${b}=${dimensions[b]},${a}=${dimensions[a]}`;
  }
  const parts = Object.keys(dimensions)
    .sort()
    .map((k) => `${k}=${dimensions[k]}`);
  return parts.length ? `${name}|${parts.join(',')}` : name;
}

/** A node of the key cache: the key of the dimensions walked so far, and the next dimension's names/values. */
interface KeyNode {
  key?: string;
  next?: Map<string, KeyNode>;
}

function childOf(node: KeyNode, part: string): KeyNode {
  const next = (node.next ??= new Map());
  let child = next.get(part);
  if (!child) next.set(part, (child = {}));
  return child;
}

export interface HistogramSummary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** In-memory metrics registry: cheap to update, read by exporters and tests. */
export class MetricsRegistry implements Metrics {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, number>();
  private readonly histograms = new Map<string, hdr.Histogram>();
  /**
   * The keys already built, by name then each dimension's name and value (up to two dimensions, which is
   * nearly every call): the hot path finds its key without building a string. As large as the key space.
   */
  private readonly keyCache = new Map<string, KeyNode>();

  private key(name: string, dimensions?: Dimensions): string {
    if (!dimensions) return name;
    let node = this.keyCache.get(name);
    if (!node) this.keyCache.set(name, (node = {}));
    let n = 0;
    for (const k in dimensions) {
      if (!Object.hasOwn(dimensions, k)) continue;
      if (++n > 2) return keyOf(name, dimensions);
      node = childOf(childOf(node, k), String(dimensions[k]));
    }
    return (node.key ??= keyOf(name, dimensions));
  }

  increment(name: string, by = 1, dimensions?: Dimensions): void {
    const k = this.key(name, dimensions);
    this.counters.set(k, (this.counters.get(k) ?? 0) + by);
  }

  gauge(name: string, value: number, dimensions?: Dimensions): void {
    this.gauges.set(this.key(name, dimensions), value);
  }

  observe(name: string, value: number, dimensions?: Dimensions): void {
    const k = this.key(name, dimensions);
    let h = this.histograms.get(k);
    if (!h) {
      h = hdr.build({ bitBucketSize: 64, autoResize: true, lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
      this.histograms.set(k, h);
    }
    h.recordValue(Math.max(1, Math.round(value)));
  }

  counter(name: string, dimensions?: Dimensions): number {
    return this.counters.get(keyOf(name, dimensions)) ?? 0;
  }

  gaugeValue(name: string, dimensions?: Dimensions): number | undefined {
    return this.gauges.get(keyOf(name, dimensions));
  }

  histogram(name: string, dimensions?: Dimensions): HistogramSummary | undefined {
    return this.summaryOfKey(keyOf(name, dimensions));
  }

  snapshot(): { counters: Record<string, number>; gauges: Record<string, number>; histograms: Record<string, HistogramSummary> } {
    const histograms: Record<string, HistogramSummary> = {};
    for (const k of this.histograms.keys()) {
      const s = this.summaryOfKey(k);
      if (s) histograms[k] = s;
    }
    return { counters: Object.fromEntries(this.counters), gauges: Object.fromEntries(this.gauges), histograms };
  }

  private summaryOfKey(k: string): HistogramSummary | undefined {
    const h = this.histograms.get(k);
    if (!h || h.totalCount === 0) return undefined;
    return {
      count: h.totalCount,
      min: h.minNonZeroValue,
      p50: h.getValueAtPercentile(50),
      p90: h.getValueAtPercentile(90),
      p99: h.getValueAtPercentile(99),
      max: h.maxValue,
      mean: h.mean,
    };
  }
}

