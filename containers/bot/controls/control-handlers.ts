/**
 * What the bot does with queue messages.
 *
 * Control queue (FIFO):
 *  - `daily-reset` (the daily-reset Lambda at midnight New York): the engine's breaker and day PnL restart and
 *    the persistence moves to the new risk day — unless the kill switch is on (refused, logged and counted:
 *    only an operator releases it), or the Lambda kept the breaker tripped (`breakerReset: false`). A message
 *    for a day already reset, or older than the current day, changes nothing (redelivery is harmless).
 *  - `reconciliation` (the reconciler changed the store): logged and counted; the engine follows the exchange
 *    through its own sockets, so nothing in memory needs reloading.
 *
 * Odds queue (the odds poller's no-vig consensus per fixture): counted and ignored by design. The bot holds
 * its own OpticOdds stream (seconds old) and computes the same consensus from the raw quotes; the poller's
 * snapshot is at least a schedule period older, so feeding it in would only replace fresher data with staler.
 * The engine also has no entry point for a ready-made consensus (only for raw quotes). The metric
 * `controls.odds_updates` (with the update's age) shows the poller is alive.
 */
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import type { ControlMessage, OddsUpdateMessage } from '../../../shared/messages/queue-messages.js';
import type { ControllableEngine } from './runtime-controls.js';

export interface DayTracker {
  currentDay(): string;
  onNewDay(day: string): void;
}

export interface ControlHandlerOptions {
  engine: ControllableEngine;
  days: DayTracker;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
}

export type ControlOutcome = 'reset' | 'refused_kill_switch' | 'kept_tripped' | 'already_done' | 'noted';

export function createControlHandler(o: ControlHandlerOptions): (msg: ControlMessage) => ControlOutcome {
  return (msg) => {
    if (msg.type === 'reconciliation') {
      o.metrics.increment('controls.reconciliation_notices');
      o.logger.info('reconciler repaired the store', { total: msg.total, drift: msg.drift });
      return 'noted';
    }
    if (msg.day <= o.days.currentDay()) {
      o.logger.info('daily reset for a day already current; nothing to do', { day: msg.day, current: o.days.currentDay() });
      return 'already_done';
    }
    if (o.engine.breaker.isKillSwitchOn()) {
      o.metrics.increment('controls.daily_reset_refused');
      o.logger.warn('daily reset refused: the kill switch is on (release it to trade again)', { day: msg.day });
      return 'refused_kill_switch';
    }
    if (!msg.breakerReset) {
      o.metrics.increment('controls.daily_reset_refused');
      o.logger.warn('daily reset kept the breaker tripped (kill switch on or unreadable at midnight)', { day: msg.day, killSwitch: msg.killSwitch });
      return 'kept_tripped';
    }
    o.engine.resetDay();
    o.days.onNewDay(msg.day);
    o.metrics.increment('controls.daily_resets');
    o.logger.info('daily reset applied: breaker and day PnL restart', { day: msg.day, archivedDay: msg.archivedDay });
    return 'reset';
  };
}

export function createOddsUpdateHandler(o: { logger: Logger; metrics: Metrics; now: () => number }): (msg: OddsUpdateMessage) => void {
  return (msg) => {
    o.metrics.increment('controls.odds_updates');
    o.metrics.observe('controls.odds_update_age_ms', Math.max(0, o.now() - msg.computedAt));
    o.logger.debug('odds update from the poller ignored (the live stream is fresher)', { fixtureId: msg.fixtureId, market: msg.market });
  };
}
