/**
 * The custom CloudWatch metrics the alarms watch. The bot and the functions emit them through the EMF
 * exporter WITHOUT dimensions (an alarm matches a metric's exact dimension set), in the namespace of the
 * stage. Names are the same dotted names the in-process MetricsRegistry uses.
 */
export function metricsNamespace(stage: string): string {
  return `PmusTrader/${stage}`;
}

export const ALARM_METRICS = {
  /** Count: 1 each time the daily loss limit trips the circuit breaker. */
  dailyLossLimitHit: 'risk.daily_loss_limit_hit',
  /** Gauge, seconds: how long the exchange WebSocket has been down (0 while connected), sampled ≥ every 10 s. */
  venueWsDownSeconds: 'venue.ws.down_seconds',
  /** Count: REST requests sent to the exchange. */
  venueRestRequests: 'venue.rest.requests',
  /** Count: REST requests that failed (5xx, 429, timeouts, transport errors). */
  venueRestErrors: 'venue.rest.errors',
  /** Gauge: number of markets whose position exceeds its limit (0 normally). */
  positionsOverLimit: 'risk.positions_over_limit',
  /** Gauge: number of orders/positions/fills that differ between the exchange and our records, per reconcile pass. */
  reconciliationDrift: 'reconciler.drift',
  /** Count: enum values the venue sent that this build does not know, each new (field, value) once. */
  venueWireDrift: 'venue.wire_drift',
} as const;

export type AlarmMetricName = (typeof ALARM_METRICS)[keyof typeof ALARM_METRICS];

/**
 * The message of the bot's minute status line (PnL, exposure, orders: containers/bot/controls/stateful-bot.ts);
 * the dashboard charts its fields with Logs Insights instead of paying for custom metrics.
 */
export const BOT_STATUS_LOG_MESSAGE = 'bot status';
