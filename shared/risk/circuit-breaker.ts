/**
 * The daily circuit breaker and the manual kill switch.
 *
 *  - Trips when the day's loss (−(realized + unrealized)) reaches max_daily_loss, or on `trip(reason)`.
 *    Once tripped it stays tripped, whatever the PnL does next, until `resetDaily()` (the daily-reset job at
 *    midnight America/New_York, or an operator). A tripped breaker blocks OPENING trades; trades that reduce
 *    a position stay allowed, so the bot can get flat.
 *  - The kill switch is the operator's emergency stop: while it is on NO trade passes, reducing ones
 *    included, and `resetDaily()` is refused (throws). Only `releaseKillSwitch()` turns it off; releasing it
 *    does not clear a loss trip.
 * Pure and clock-injected; persistence (the risk-day item) is the caller's: `state()` / constructor `initial`.
 */
import type { Clock } from '../domain/clock.js';
import type { Micros } from '../domain/money.js';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import type { DailyPnl } from './risk-view.js';

export interface CircuitBreakerState {
  tripped: boolean;
  tripReason: string | null;
  trippedAt: number | null;
  killSwitch: boolean;
  killSwitchReason: string | null;
  /** Epoch ms of the last daily reset (or of creation). */
  dayStartedAt: number;
}

export interface BreakerVerdict {
  readonly allowOpening: boolean;
  readonly allowReducing: boolean;
  readonly reason: string;
}

/** The verdict of a breaker neither tripped nor killed (one object: verdicts are frozen). */
const OPEN_VERDICT: BreakerVerdict = Object.freeze({ allowOpening: true, allowReducing: true, reason: 'ok' });

export class CircuitBreakerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CircuitBreakerError';
  }
}

export interface CircuitBreakerOptions {
  maxDailyLoss: Micros;
  clock: Clock;
  logger?: Logger;
  metrics?: Metrics;
  /** Called once each time the breaker trips (to cancel resting orders, alert). */
  onTrip?: (state: CircuitBreakerState) => void;
  initial?: CircuitBreakerState;
}

export class CircuitBreaker {
  private s: CircuitBreakerState;
  /**
   * The verdict of the current state `s`, made on the first ask after it changed (every change replaces `s`):
   * while tripped, every signal asks, and they all get the same frozen object with the same reason text.
   */
  private verdictOf: CircuitBreakerState | undefined;
  private lastVerdict: BreakerVerdict = OPEN_VERDICT;
  private readonly logger: Logger;
  private readonly metrics: Metrics;

  constructor(private readonly opts: CircuitBreakerOptions) {
    this.logger = opts.logger ?? nullLogger;
    this.metrics = opts.metrics ?? nullMetrics;
    this.s = opts.initial
      ? { ...opts.initial }
      : { tripped: false, tripReason: null, trippedAt: null, killSwitch: false, killSwitchReason: null, dayStartedAt: opts.clock.now() };
  }

  state(): CircuitBreakerState {
    return { ...this.s };
  }

  isTripped(): boolean {
    return this.s.tripped;
  }

  isKillSwitchOn(): boolean {
    return this.s.killSwitch;
  }

  /**
   * Whether `evaluate` would read its PnL: only while not tripped (a trip stays until the daily reset, whatever
   * the PnL does). A caller may skip working the PnL out and ask `verdict()` instead when this is false.
   */
  readsPnl(): boolean {
    return !this.s.tripped;
  }

  /** Folds in the current PnL (tripping if the loss limit is reached) and says what may trade. */
  evaluate(pnl: DailyPnl): BreakerVerdict {
    const loss = -(pnl.realized + pnl.unrealized);
    if (!this.s.tripped && loss >= this.opts.maxDailyLoss) {
      this.trip(`daily loss ${loss} micros reached max_daily_loss ${this.opts.maxDailyLoss} (realized ${pnl.realized}, unrealized ${pnl.unrealized})`);
    }
    return this.verdict();
  }

  /** What may trade now (a frozen object, the same one until the state changes). */
  verdict(): BreakerVerdict {
    const s = this.s;
    if (this.verdictOf === s) return this.lastVerdict;
    this.verdictOf = s;
    return (this.lastVerdict = verdictOfState(s));
  }

  /** Trips the breaker (idempotent: the first reason is kept). */
  trip(reason: string): void {
    if (this.s.tripped) return;
    this.s = { ...this.s, tripped: true, tripReason: reason, trippedAt: this.opts.clock.now() };
    this.logger.error('circuit breaker tripped', { reason });
    this.metrics.increment('risk.breaker.tripped');
    this.opts.onTrip?.(this.state());
  }

  engageKillSwitch(reason: string): void {
    if (!this.s.killSwitch) {
      this.logger.error('kill switch engaged', { reason });
      this.metrics.increment('risk.killswitch.engaged');
    }
    this.s = { ...this.s, killSwitch: true, killSwitchReason: reason };
  }

  releaseKillSwitch(): void {
    if (this.s.killSwitch) this.logger.warn('kill switch released', { tripped: this.s.tripped });
    this.s = { ...this.s, killSwitch: false, killSwitchReason: null };
  }

  /** Starts a new trading day: clears a loss trip. Refused while the kill switch is on. */
  resetDaily(): void {
    if (this.s.killSwitch) throw new CircuitBreakerError('cannot reset the circuit breaker while the kill switch is on; release it first');
    this.logger.info('circuit breaker daily reset', { wasTripped: this.s.tripped, tripReason: this.s.tripReason });
    this.s = { ...this.s, tripped: false, tripReason: null, trippedAt: null, dayStartedAt: this.opts.clock.now() };
  }
}

function verdictOfState(s: CircuitBreakerState): BreakerVerdict {
  if (s.killSwitch) return Object.freeze({ allowOpening: false, allowReducing: false, reason: `kill switch on: ${s.killSwitchReason ?? ''}` });
  if (s.tripped) return Object.freeze({ allowOpening: false, allowReducing: true, reason: `circuit breaker tripped: ${s.tripReason ?? ''}` });
  return OPEN_VERDICT;
}
