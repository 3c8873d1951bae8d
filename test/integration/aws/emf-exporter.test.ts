import { describe, expect, it } from 'vitest';
import { EmfMetricsExporter } from '../../../shared/aws/emf-exporter.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';

describe('EmfMetricsExporter', () => {
  it('writes EMF documents: counter deltas, gauges, histogram summaries, one document per dimension set', () => {
    const lines: string[] = [];
    const exp = new EmfMetricsExporter('PmusTrader/test', (l) => lines.push(l), () => 1_700_000_000_000);
    const reg = new MetricsRegistry();
    reg.increment('venue.rest.requests', 10);
    reg.increment('venue.rest.errors', 1);
    reg.gauge('venue.ws.down_seconds', 0);
    reg.increment('feed.malformed', 2, { feed: 'odds' });
    reg.observe('order.latency_us', 350);
    exp.export(reg);
    const docs = lines.map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } });
    expect(docs).toHaveLength(2);
    const plain = docs.find((d) => d._aws.CloudWatchMetrics[0]!.Dimensions[0]!.length === 0)!;
    expect(plain['venue.rest.requests']).toBe(10);
    expect(plain['venue.rest.errors']).toBe(1);
    expect(plain['venue.ws.down_seconds']).toBe(0);
    expect(plain['order.latency_us.p99']).toBeGreaterThanOrEqual(350);
    expect(plain._aws.CloudWatchMetrics[0]!.Namespace).toBe('PmusTrader/test');
    expect(plain._aws.CloudWatchMetrics[0]!.Metrics).toContainEqual({ Name: 'order.latency_us.p99', Unit: 'Microseconds' });
    const dimmed = docs.find((d) => d.feed === 'odds')!;
    expect(dimmed._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['feed']]);
    expect(dimmed['feed.malformed']).toBe(2);

    // Second export: only the counter increase since the first one, unchanged counters omitted.
    lines.length = 0;
    reg.increment('venue.rest.requests', 5);
    exp.export(reg);
    const again = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const plain2 = again.find((d) => d['venue.rest.requests'] !== undefined)!;
    expect(plain2['venue.rest.requests']).toBe(5);
    expect(plain2['venue.rest.errors']).toBeUndefined();
  });

  it('splits more than 100 metrics of one dimension set across documents', () => {
    const lines: string[] = [];
    const exp = new EmfMetricsExporter('ns', (l) => lines.push(l));
    const reg = new MetricsRegistry();
    for (let i = 0; i < 150; i++) reg.gauge(`g${i}`, i);
    exp.export(reg);
    expect(lines).toHaveLength(2);
    const counts = lines.map((l) => (JSON.parse(l) as { _aws: { CloudWatchMetrics: { Metrics: unknown[] }[] } })._aws.CloudWatchMetrics[0]!.Metrics.length);
    expect(counts).toEqual([100, 50]);
  });
});
