/**
 * Exports a MetricsRegistry as CloudWatch embedded metric format (EMF) lines on stdout (the Lambda and
 * awslogs drivers ship stdout to CloudWatch Logs, which extracts the metrics; no API call, no IAM).
 * Counters are exported as the delta since the previous export, gauges as their current value, histograms
 * as count / p50 / p99 / max. At most 100 metrics per line (the EMF limit).
 */
import type { MetricsRegistry } from '../observability/metrics-registry.js';

export interface MetricsExporter {
  export(registry: MetricsRegistry): void;
}

type Unit = 'Count' | 'None' | 'Microseconds';

interface Datum {
  name: string;
  dimensions: Record<string, string>;
  value: number;
  unit: Unit;
}

const MAX_METRICS_PER_LINE = 100;

function parseKey(key: string): { name: string; dimensions: Record<string, string> } {
  const bar = key.indexOf('|');
  if (bar < 0) return { name: key, dimensions: {} };
  const dimensions: Record<string, string> = {};
  for (const part of key.slice(bar + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) dimensions[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return { name: key.slice(0, bar), dimensions };
}

export class EmfMetricsExporter implements MetricsExporter {
  private readonly lastCounters = new Map<string, number>();

  constructor(
    private readonly namespace: string,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
    private readonly now: () => number = Date.now,
    /** Histogram names whose samples are microseconds (others are unit-less). */
    private readonly microsecondHistograms: (name: string) => boolean = (n) => n.endsWith('_us') || n.includes('latency'),
  ) {}

  export(registry: MetricsRegistry): void {
    const snap = registry.snapshot();
    const data: Datum[] = [];
    for (const [key, total] of Object.entries(snap.counters)) {
      const delta = total - (this.lastCounters.get(key) ?? 0);
      this.lastCounters.set(key, total);
      if (delta !== 0) data.push({ ...parseKey(key), value: delta, unit: 'Count' });
    }
    for (const [key, value] of Object.entries(snap.gauges)) data.push({ ...parseKey(key), value, unit: 'None' });
    for (const [key, h] of Object.entries(snap.histograms)) {
      const { name, dimensions } = parseKey(key);
      const unit: Unit = this.microsecondHistograms(name) ? 'Microseconds' : 'None';
      data.push({ name: `${name}.count`, dimensions, value: h.count, unit: 'Count' });
      data.push({ name: `${name}.p50`, dimensions, value: h.p50, unit });
      data.push({ name: `${name}.p99`, dimensions, value: h.p99, unit });
      data.push({ name: `${name}.max`, dimensions, value: h.max, unit });
    }
    // One document per distinct dimension set, split to respect the per-document limit.
    const groups = new Map<string, Datum[]>();
    for (const d of data) {
      const k = JSON.stringify(Object.entries(d.dimensions).sort());
      const g = groups.get(k) ?? [];
      g.push(d);
      groups.set(k, g);
    }
    const timestamp = this.now();
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += MAX_METRICS_PER_LINE) {
        const chunk = group.slice(i, i + MAX_METRICS_PER_LINE);
        const dims = chunk[0]!.dimensions;
        const doc: Record<string, unknown> = {
          _aws: {
            Timestamp: timestamp,
            CloudWatchMetrics: [
              { Namespace: this.namespace, Dimensions: [Object.keys(dims)], Metrics: chunk.map((d) => ({ Name: d.name, Unit: d.unit })) },
            ],
          },
          ...dims,
        };
        for (const d of chunk) doc[d.name] = d.value;
        this.write(JSON.stringify(doc));
      }
    }
  }
}
