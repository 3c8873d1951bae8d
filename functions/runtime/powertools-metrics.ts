/**
 * The engine's Metrics interface over Powertools' Metrics (CloudWatch embedded metric format on stdout).
 *
 * Metrics without dimensions are emitted WITHOUT any dimension (the service dimension Powertools adds by
 * default is cleared), because the CloudWatch alarms match a metric's exact dimension set
 * (shared/aws/alarm-metrics.ts). A metric with dimensions is emitted as a single-metric document carrying them.
 * Nothing leaves the process until `flush()`, which the handler calls once per invocation.
 */
import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
import type { Dimensions, Metrics } from '../../shared/observability/metrics.js';

export class PowertoolsMetricsAdapter implements Metrics {
  readonly powertools: PowertoolsMetrics;

  constructor(namespace: string, serviceName: string) {
    this.powertools = new PowertoolsMetrics({ namespace, serviceName });
    this.powertools.clearDefaultDimensions();
  }

  increment(name: string, by = 1, dimensions?: Dimensions): void {
    this.add(name, MetricUnit.Count, by, dimensions);
  }

  gauge(name: string, value: number, dimensions?: Dimensions): void {
    this.add(name, MetricUnit.Count, value, dimensions);
  }

  observe(name: string, value: number, dimensions?: Dimensions): void {
    const unit = name.endsWith('_ms') ? MetricUnit.Milliseconds : name.endsWith('_us') ? MetricUnit.Microseconds : MetricUnit.NoUnit;
    this.add(name, unit, value, dimensions);
  }

  /** Writes the stored metrics (one EMF document). Safe to call when nothing was recorded. */
  flush(): void {
    if (this.powertools.hasStoredMetrics()) this.powertools.publishStoredMetrics();
  }

  private add(name: string, unit: Unit, value: number, dimensions?: Dimensions): void {
    if (dimensions && Object.keys(dimensions).length > 0) {
      const single = this.powertools.singleMetric();
      single.clearDefaultDimensions();
      single.addDimensions(dimensions);
      single.addMetric(name, unit, value);
      return;
    }
    this.powertools.addMetric(name, unit, value);
  }
}
