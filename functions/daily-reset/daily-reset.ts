/**
 * The daily circuit-breaker reset, run at 00:00 America/New_York by EventBridge Scheduler:
 *  1. archive yesterday's risk day (freezes its realized PnL and breaker state),
 *  2. open today's risk day with a zero loss counter and an untripped breaker — unless the kill switch is on
 *     (or cannot be read: fail closed), in which case today's breaker starts tripped,
 *  3. tell the bot through its FIFO control queue (deduplicated per day).
 * Every step is idempotent, so a retry or a manual re-run for the same day changes nothing.
 */
import { readKillSwitch, type ParameterStore } from '../../shared/aws/parameter-store.js';
import { CONTROL_MESSAGE_GROUP } from '../../shared/aws/queue-definitions.js';
import type { QueueSender } from '../../shared/aws/queue-sender.js';
import type { Clock } from '../../shared/domain/clock.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';
import type { ArchiveResult, RiskDayRepository, RiskDayState } from '../../shared/store/risk-day-repository.js';
import { addDays, isTradingDay, tradingDayOf, TRADING_TIME_ZONE } from '../../shared/store/trading-day.js';
import type { DailyResetMessage } from '../../shared/messages/queue-messages.js';

export interface DailyResetDeps {
  clock: Clock;
  parameters: ParameterStore;
  killSwitchParameter: string;
  riskDays: RiskDayRepository;
  control: QueueSender;
  logger: Logger;
  metrics: Metrics;
  timeZone?: string;
}

/** What the bot receives on its control queue (the shared contract, shared/messages/queue-messages.ts). */
export type DailyResetControlMessage = DailyResetMessage;

export interface DailyResetResult {
  day: string;
  archivedDay: string;
  archive: ArchiveResult;
  today: RiskDayState;
  message: DailyResetControlMessage;
}

export interface DailyResetInput {
  /** Manual re-run for a given day (YYYY-MM-DD); by default the current New York day. */
  day?: string;
}

export class InvalidResetInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidResetInputError';
  }
}

export async function runDailyReset(deps: DailyResetDeps, input: DailyResetInput = {}): Promise<DailyResetResult> {
  const now = deps.clock.now();
  const day = input.day ?? tradingDayOf(now, deps.timeZone ?? TRADING_TIME_ZONE);
  if (!isTradingDay(day)) throw new InvalidResetInputError(`day must be YYYY-MM-DD, got ${JSON.stringify(String(day).slice(0, 20))}`);
  const archivedDay = addDays(day, -1);
  const log = deps.logger.child({ day, archivedDay });

  let killSwitch: DailyResetControlMessage['killSwitch'];
  try {
    killSwitch = await readKillSwitch(deps.parameters, deps.killSwitchParameter);
  } catch (err) {
    // Fail closed: if we cannot tell whether trading must stay stopped, it stays stopped.
    killSwitch = 'unreadable';
    deps.metrics.increment('daily_reset.kill_switch_unreadable');
    log.error('kill switch unreadable; keeping the breaker tripped', { err });
  }
  const keepTripped = killSwitch !== 'off';

  const archive = await deps.riskDays.archive(archivedDay, now);
  const today = await deps.riskDays.openDay(day, now, { killSwitch: keepTripped });
  const message: DailyResetControlMessage = { type: 'daily-reset', day, archivedDay, breakerReset: !today.breakerTripped, killSwitch, at: now };
  await deps.control.send(message, { groupId: CONTROL_MESSAGE_GROUP, deduplicationId: `daily-reset#${day}` });

  deps.metrics.increment('daily_reset.completed');
  log.info('daily reset done', { archive, breakerTripped: today.breakerTripped, killSwitch, realizedPnlMicros: today.realizedPnlMicros });
  return { day, archivedDay, archive, today, message };
}
