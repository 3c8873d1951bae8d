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
/** How many (dimensions, name) pairs MetricsRegistry keeps for an identity check first. */
const HOT_SLOTS = 8;

interface KeyNode {
  key?: string;
  next?: Map<string, KeyNode>;
  /** The counter of `key`, once incremented through this node (the same cell `counters` holds). */
  cell?: CounterCell;
}

/** A counter's value, held in a cell so an increment found through the key cache updates it in place. */
interface CounterCell {
  value: number;
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
  private readonly counters = new Map<string, CounterCell>();
  private readonly gauges = new Map<string, number>();
  private readonly histograms = new Map<string, hdr.Histogram>();
  /**
   * The keys already built, by name then each dimension's name and value (up to two dimensions, which is
   * nearly every call): the hot path finds its key without building a string. As large as the key space.
   */
  private readonly keyCache = new Map<string, KeyNode>();
  /**
   * Frozen dimension objects (made once by their callers, never changed) → name → their key's node: such a
   * caller's key is found by the object itself, without walking its dimensions.
   */
  private readonly frozenNodes = new WeakMap<Dimensions, Map<string, KeyNode>>();
  /** The node of keys of 3+ dimensions (or none): its key is built per call, and it holds no counter cell. */
  private static readonly UNCACHED: KeyNode = {};

  /** The cache node of a 1–2 dimension key (its `key` set), or UNCACHED. */
  /**
   * The last HOT_SLOTS (frozen dimensions, name) pairs asked for and their nodes, compared by identity before
   * anything else: the few counters of the order path come back on every message, and a frozen object's
   * node never changes, so a hit answers what the lookup below would (without the WeakMap's cost).
   */
  private readonly hotDims: (Dimensions | undefined)[] = new Array<Dimensions | undefined>(HOT_SLOTS).fill(undefined);
  private readonly hotNames: string[] = new Array<string>(HOT_SLOTS).fill('');
  private readonly hotNodes: KeyNode[] = new Array<KeyNode>(HOT_SLOTS).fill(MetricsRegistry.UNCACHED);
  private hotNext = 0;

  private node(name: string, dimensions: Dimensions): KeyNode {
    const hotDims = this.hotDims;
    for (let i = 0; i < HOT_SLOTS; i++) if (hotDims[i] === dimensions && this.hotNames[i] === name) return this.hotNodes[i] as KeyNode;
    const frozen = Object.isFrozen(dimensions);
    let byName: Map<string, KeyNode> | undefined;
    if (frozen) {
      byName = this.frozenNodes.get(dimensions);
      const found = byName?.get(name);
      if (found !== undefined) return this.remember(name, dimensions, found);
    }
    let node = this.keyCache.get(name);
    if (!node) this.keyCache.set(name, (node = {}));
    let n = 0;
    for (const k in dimensions) {
      if (!Object.hasOwn(dimensions, k)) continue;
      if (++n > 2) return MetricsRegistry.UNCACHED;
      node = childOf(childOf(node, k), String(dimensions[k]));
    }
    if (n === 0) return MetricsRegistry.UNCACHED;
    node.key ??= keyOf(name, dimensions);
    if (frozen) {
      if (byName === undefined) this.frozenNodes.set(dimensions, (byName = new Map()));
      byName.set(name, node);
      return this.remember(name, dimensions, node);
    }
    return node;
  }

  /** Puts a frozen dimensions object's node in the hot slots (the oldest slot goes). */
  private remember(name: string, dimensions: Dimensions, node: KeyNode): KeyNode {
    const i = this.hotNext;
    this.hotNext = (i + 1) % HOT_SLOTS;
    this.hotDims[i] = dimensions;
    this.hotNames[i] = name;
    this.hotNodes[i] = node;
    return node;
  }

  private key(name: string, dimensions?: Dimensions): string {
    if (!dimensions) return name;
    const node = this.node(name, dimensions);
    return node === MetricsRegistry.UNCACHED ? keyOf(name, dimensions) : (node.key as string);
  }

  private cellOf(k: string): CounterCell {
    let cell = this.counters.get(k);
    if (cell === undefined) this.counters.set(k, (cell = { value: 0 }));
    return cell;
  }

  increment(name: string, by = 1, dimensions?: Dimensions): void {
    if (dimensions) {
      const node = this.node(name, dimensions);
      if (node !== MetricsRegistry.UNCACHED) {
        (node.cell ??= this.cellOf(node.key as string)).value += by;
        return;
      }
    }
    this.cellOf(this.key(name, dimensions)).value += by;
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
    return this.counters.get(keyOf(name, dimensions))?.value ?? 0;
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
    const counters = Object.fromEntries(Array.from(this.counters, ([k, cell]) => [k, cell.value]));
    return { counters, gauges: Object.fromEntries(this.gauges), histograms };
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

