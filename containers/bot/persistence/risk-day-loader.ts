/**
 * Start-up, step 1: today's risk day from DynamoDB → the circuit breaker's state and the realized PnL already
 * booked today, for `assembleEngine({ breakerState, realizedToday })`. The day is opened if the daily-reset job
 * has not done it yet (idempotent: counters written earlier that day are kept). A restart within a day thus
 * keeps a tripped breaker tripped and the day's loss counted.
 */
import type { Clock } from '../../../shared/domain/clock.js';
import type { Micros } from '../../../shared/domain/money.js';
import type { CircuitBreakerState } from '../../../shared/risk/circuit-breaker.js';
import type { RiskDayRepository, RiskDayState } from '../../../shared/store/risk-day-repository.js';
import { tradingDayOf } from '../../../shared/store/trading-day.js';

export interface LoadedRiskDay {
  day: string;
  state: RiskDayState;
  breakerState: CircuitBreakerState;
  realizedToday: Micros;
}

export async function loadRiskDay(riskDays: RiskDayRepository, clock: Clock, timeZone?: string): Promise<LoadedRiskDay> {
  const now = clock.now();
  const day = tradingDayOf(now, timeZone);
  const state = await riskDays.openDay(day, now, { killSwitch: false });
  const breakerState: CircuitBreakerState = {
    tripped: state.breakerTripped,
    tripReason: state.breakerTripped ? (state.tripReason ?? 'tripped earlier today') : null,
    trippedAt: state.breakerTripped ? (state.trippedAt ?? now) : null,
    // The kill switch is the SSM parameter's, applied by the runtime controls before trading starts.
    killSwitch: false,
    killSwitchReason: null,
    dayStartedAt: state.openedAt ?? now,
  };
  return { day, state, breakerState, realizedToday: state.realizedPnlMicros };
}
