/**
 * The metrics the CloudWatch alarms watch (infra/constructs/alerting.ts, names in shared/aws/alarm-metrics.ts),
 * derived on an interval from the bot's in-process registry and exported as CloudWatch EMF lines WITHOUT
 * dimensions (an alarm matches a metric's exact dimension set), in the stage's namespace:
 *
 *  - risk.daily_loss_limit_hit   Count, 1 per breaker trip (`onBreakerTrip`)
 *  - venue.ws.down_seconds       seconds the exchange sockets have been down (max over markets/private; 0 when
 *                                both are up; counted from start while a socket never connected)
 *  - venue.rest.requests         exchange REST attempts: responses + transport failures (delta per export)
 *  - venue.rest.errors           5xx, 429 and transport failures (timeouts, resets) (delta per export)
 *  - risk.positions_over_limit   markets whose position exceeds MAX_POSITION_CONTRACTS
 *  - venue.wire_drift            enum values the venue sent that this build does not know, each new one once
 *                                (the client's `venue.unknown_enum.distinct`; delta per export)
 * and, for the dashboard and the runbook (not alarmed by the stack today; counters, so published only in the
 * minutes they count something): persistence.write_failures, persistence.dropped.
 * Missing data is not breaching for these alarms: a bot that is gone is BotTaskNotRunning's (infra/constructs/
 * alerting.ts), and each custom metric costs per month, so the set stays this small (infra/cost/).
 */
import type { Qty } from '../../../shared/domain/quantity.js';
import { EmfMetricsExporter, type MetricsExporter } from '../../../shared/aws/emf-exporter.js';
import { ALARM_METRICS } from '../../../shared/aws/alarm-metrics.js';
import type { PositionState } from '../../../shared/domain/position.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import type { Logger } from '../../../shared/observability/logger.js';

export interface AlarmMetricsReporterOptions {
  /** The bot's registry (venue clients, engine, persistence write into it). */
  source: MetricsRegistry;
  namespace: string;
  now: () => number;
  positions: () => Iterable<PositionState>;
  /** Hundredths of a contract (the env var is in contracts). */
  maxPositionContracts: Qty;
  persistence?: { depth(): number; lagMs(): number };
  logger: Logger;
  /** Default 10 000 ms (the WebSocket alarm wants a sample at least every 10 s). */
  intervalMs?: number;
  /** Default: EMF lines on stdout. */
  exporter?: MetricsExporter;
  /** Also export the whole source registry (every dotted metric with its dimensions); default false. */
  exportAll?: boolean;
  socketChannels?: readonly string[];
}

const TRANSPORT_KINDS_EXCLUDED = new Set(['validation']);

function sumCounters(counters: Record<string, number>, name: string, pick: (dims: Record<string, string>) => boolean = () => true): number {
  let total = 0;
  for (const [key, v] of Object.entries(counters)) {
    const bar = key.indexOf('|');
    const n = bar < 0 ? key : key.slice(0, bar);
    if (n !== name) continue;
    const dims: Record<string, string> = {};
    if (bar >= 0) {
      for (const part of key.slice(bar + 1).split(',')) {
        const eq = part.indexOf('=');
        if (eq > 0) dims[part.slice(0, eq)] = part.slice(eq + 1);
      }
    }
    if (pick(dims)) total += v;
  }
  return total;
}

/** A REST failure the error-rate alarm counts: 5xx, 429 or a transport failure (not 4xx, not validation). */
export function isAlarmingRestError(kind: string | undefined): boolean {
  if (kind === undefined) return false;
  if (/^\d+$/.test(kind)) {
    const status = Number(kind);
    return status >= 500 || status === 429;
  }
  return !TRANSPORT_KINDS_EXCLUDED.has(kind);
}

export class AlarmMetricsReporter {
  /** Alarm metrics only, no dimensions. */
  readonly registry = new MetricsRegistry();
  private readonly exporter: MetricsExporter;
  private readonly fullExporter: MetricsExporter | undefined;
  private readonly startedAt: number;
  private readonly downSince = new Map<string, number>();
  private last = { requests: 0, errors: 0, writeFailures: 0, dropped: 0, wireDrift: 0 };
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: AlarmMetricsReporterOptions) {
    this.exporter = o.exporter ?? new EmfMetricsExporter(o.namespace, undefined, o.now);
    this.fullExporter = o.exportAll ? new EmfMetricsExporter(o.namespace, undefined, o.now) : undefined;
    this.startedAt = o.now();
  }

  /** The breaker tripped (daily loss or an explicit trip). */
  onBreakerTrip(): void {
    this.registry.increment(ALARM_METRICS.dailyLossLimitHit, 1);
  }

  /** Updates the alarm registry from the source registry and the engine. */
  sample(): void {
    const now = this.o.now();
    const snap = this.o.source.snapshot();
    const r = this.registry;

    // REST requests and alarming errors, as deltas since the previous sample.
    const transport = sumCounters(snap.counters, 'venue.http.errors', (d) => d.kind !== undefined && !/^\d+$/.test(d.kind) && isAlarmingRestError(d.kind));
    const requests = sumCounters(snap.counters, 'venue.http.requests') + transport;
    const errors = sumCounters(snap.counters, 'venue.http.errors', (d) => isAlarmingRestError(d.kind));
    r.increment(ALARM_METRICS.venueRestRequests, Math.max(0, requests - this.last.requests));
    r.increment(ALARM_METRICS.venueRestErrors, Math.max(0, errors - this.last.errors));
    this.last.requests = requests;
    this.last.errors = errors;

    // WebSocket down time: the longest-down channel.
    let downMs = 0;
    for (const channel of this.o.socketChannels ?? ['markets', 'private']) {
      const up = snap.gauges[`venue.ws.up|channel=${channel}`];
      if (up === 1) {
        this.downSince.delete(channel);
        continue;
      }
      if (!this.downSince.has(channel)) this.downSince.set(channel, up === undefined ? this.startedAt : now);
      downMs = Math.max(downMs, now - (this.downSince.get(channel) as number));
    }
    r.gauge(ALARM_METRICS.venueWsDownSeconds, Math.floor(downMs / 1000));

    let over = 0;
    for (const p of this.o.positions()) if (p.quantity > this.o.maxPositionContracts) over++;
    r.gauge(ALARM_METRICS.positionsOverLimit, over);

    const wireDrift = sumCounters(snap.counters, 'venue.unknown_enum.distinct');
    r.increment(ALARM_METRICS.venueWireDrift, Math.max(0, wireDrift - this.last.wireDrift));
    this.last.wireDrift = wireDrift;

    // No heartbeat or persistence gauges as custom metrics (billed per metric-month): the task-not-running alarm
    // uses the service's free AWS/ECS samples, and the persistence lag is in the health status and the logs.
    const writeFailures = sumCounters(snap.counters, 'persistence.write_failures');
    const dropped = sumCounters(snap.counters, 'persistence.dropped');
    r.increment('persistence.write_failures', Math.max(0, writeFailures - this.last.writeFailures));
    r.increment('persistence.dropped', Math.max(0, dropped - this.last.dropped));
    this.last.writeFailures = writeFailures;
    this.last.dropped = dropped;
  }

  /** Samples and writes one export. */
  exportNow(): void {
    try {
      this.sample();
      this.exporter.export(this.registry);
      this.fullExporter?.export(this.o.source);
    } catch (err) {
      this.o.logger.error('metrics export failed', { err });
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.exportNow(), this.o.intervalMs ?? 10_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.exportNow();
  }
}
