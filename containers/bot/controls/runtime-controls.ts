/**
 * Runtime controls read while the bot runs: the trading mode (paper|live|shadow) and the kill switch (off|on), from
 * the ParameterStore (SSM on AWS, a JSON file or memory locally), re-read every `intervalMs`.
 *
 *  - Kill switch on → `setKillSwitch(true)`: every open order is cancelled and no order passes, within one
 *    poll interval. An unreadable or invalid kill switch value fails closed (treated as on); a read that fails
 *    for a transient reason (throttling, network) keeps the current state and is counted.
 *  - Kill switch off (after on) → released; a loss trip of the breaker stays until the daily reset.
 *  - Mode change → `setMode` (leaving live cancels the live resting orders first). An invalid mode value is
 *    ignored (the current mode is kept) and logged.
 *  - Mode live, when `liveGuard` names a reason (another stage's bot holds a lease on the same exchange key,
 *    shared/store/peer-leases.ts) → the switch is refused: the bot stays in paper, logs the reason once (and
 *    again when it changes) and counts `controls.live_refused`; the next poll asks again.
 * Polls never overlap; `onModeChanged` tells the composition root (persistence follows the new executor).
 */
import { InvalidSettingError, ParameterNotFoundError } from '../../../shared/aws/errors.js';
import { readKillSwitch, readTradingMode, type ParameterStore } from '../../../shared/aws/parameter-store.js';
import { tradingAccount, type TradingMode } from '../../../shared/config/schema.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';

export interface ControllableEngine {
  mode(): TradingMode;
  setMode(mode: TradingMode): Promise<void>;
  setKillSwitch(on: boolean, reason: string): Promise<void>;
  resetDay(): void;
  readonly breaker: { isKillSwitchOn(): boolean };
}

export interface RuntimeControlsOptions {
  engine: ControllableEngine;
  parameters: ParameterStore;
  tradingModeParameter: string;
  killSwitchParameter: string;
  logger: Logger;
  metrics: Metrics;
  /** Default 5 000 ms. */
  intervalMs?: number;
  onModeChanged?: (mode: TradingMode) => void;
  /** Asked before every switch to live: a reason refuses it (the bot stays in paper). */
  liveGuard?: () => Promise<string | undefined>;
}

export interface PollOutcome {
  killSwitch: 'on' | 'off' | 'unchanged';
  mode: TradingMode;
}

export const KILL_SWITCH_REASON = 'kill switch parameter is on';

export class RuntimeControls {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<PollOutcome> | undefined;
  private lastRefusal: string | undefined;

  constructor(private readonly o: RuntimeControlsOptions) {}

  /** One read-and-apply round (shared by concurrent callers). */
  pollOnce(): Promise<PollOutcome> {
    if (!this.polling) this.polling = this.poll().finally(() => (this.polling = undefined));
    return this.polling;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.pollOnce().catch((err: unknown) => this.o.logger.error('runtime controls poll failed', { err }));
    }, this.o.intervalMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.polling?.catch(() => undefined);
  }

  private async poll(): Promise<PollOutcome> {
    const { engine, logger, metrics } = this.o;
    const killSwitch = await this.readKill();
    let applied: PollOutcome['killSwitch'] = 'unchanged';
    if (killSwitch === 'on' && !engine.breaker.isKillSwitchOn()) {
      logger.error('kill switch on: cancelling every order and stopping new ones', { parameter: this.o.killSwitchParameter });
      await engine.setKillSwitch(true, KILL_SWITCH_REASON);
      metrics.increment('controls.kill_switch_applied', 1, { state: 'on' });
      applied = 'on';
    } else if (killSwitch === 'off' && engine.breaker.isKillSwitchOn()) {
      logger.warn('kill switch off: orders allowed again (a loss trip stays until the daily reset)');
      await engine.setKillSwitch(false, 'kill switch parameter is off');
      metrics.increment('controls.kill_switch_applied', 1, { state: 'off' });
      applied = 'off';
    }
    metrics.gauge('controls.kill_switch', engine.breaker.isKillSwitchOn() ? 1 : 0);

    const mode = await this.readMode();
    // Entering the live account (live or shadow) from paper needs the guard; live ↔ shadow stays on it.
    if (mode !== undefined && tradingAccount(mode) === 'live' && tradingAccount(engine.mode()) !== 'live' && this.o.liveGuard) {
      const refusal = await this.o.liveGuard().catch((err: unknown) => `live guard failed: ${(err as Error)?.message ?? String(err)}`);
      if (refusal !== undefined) {
        metrics.increment('controls.live_refused');
        if (refusal !== this.lastRefusal) logger.error('refusing to trade live; staying in paper', { reason: refusal });
        this.lastRefusal = refusal;
        return { killSwitch: applied, mode: engine.mode() };
      }
      this.lastRefusal = undefined;
    }
    if (mode !== undefined && mode !== engine.mode()) {
      const from = engine.mode();
      try {
        await engine.setMode(mode);
        metrics.increment('controls.mode_changed', 1, { to: mode });
        logger.warn('trading mode changed by the parameter', { from, to: mode });
        this.o.onModeChanged?.(mode);
      } catch (err) {
        metrics.increment('controls.mode_change_failed');
        logger.error('trading mode change refused', { from, to: mode, err });
      }
    }
    return { killSwitch: applied, mode: engine.mode() };
  }

  /** 'on' | 'off', or undefined when the read failed transiently (keep the current state). */
  private async readKill(): Promise<'on' | 'off' | undefined> {
    try {
      return await readKillSwitch(this.o.parameters, this.o.killSwitchParameter);
    } catch (err) {
      if (err instanceof InvalidSettingError || err instanceof ParameterNotFoundError) {
        // Fail closed: a kill switch nobody can read must stop trading.
        this.o.metrics.increment('controls.kill_switch_invalid');
        this.o.logger.error('kill switch parameter missing or invalid: treated as on', { parameter: this.o.killSwitchParameter, err });
        return 'on';
      }
      this.o.metrics.increment('controls.parameter_read_failed', 1, { parameter: 'kill_switch' });
      this.o.logger.warn('kill switch read failed; keeping the current state', { err });
      return undefined;
    }
  }

  private async readMode(): Promise<TradingMode | undefined> {
    try {
      return await readTradingMode(this.o.parameters, this.o.tradingModeParameter);
    } catch (err) {
      this.o.metrics.increment('controls.parameter_read_failed', 1, { parameter: 'trading_mode' });
      this.o.logger.warn('trading mode read failed or invalid; keeping the current mode', { err });
      return undefined;
    }
  }
}
