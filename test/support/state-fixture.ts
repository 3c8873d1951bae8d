/**
 * A state manager on its own, for the state tests: a manual clock, a bus, a market directory holding the given
 * markets (0.01 tick, 1-contract minimum), no consensus and no win model. What a test varies (fee rates, the
 * mark-input listener, the bot's own liquidity) is passed through to the StateManager as it is.
 */
import { ManualClock } from '../../shared/domain/clock.js';
import type { MarketInfo } from '../../shared/domain/market.js';
import { contracts } from '../../shared/domain/quantity.js';
import { EventBus } from '../../shared/state/event-bus.js';
import type { EngineEvents } from '../../shared/state/engine-events.js';
import { MarketDirectory } from '../../shared/state/market-directory.js';
import { StateManager, type StateManagerOptions } from '../../shared/state/state-manager.js';

/** A market of one outcome named after its slug, 0.01 tick, 1-contract minimum. */
export const marketInfo = (slug: string): MarketInfo => ({ marketSlug: slug, eventSlug: 'e', title: slug, outcome: slug, tick: 10_000, minQty: contracts(1) });

export type BareStateOptions = Pick<StateManagerOptions, 'feeRates' | 'onMarkInputs' | 'ownLiquidity'> & {
  /** The clock (default: a manual clock at 1 000 ms), for fee rates that read it. */
  clock?: ManualClock;
};

export function bareState(slugs: readonly string[], opts: BareStateOptions = {}) {
  const clock = opts.clock ?? new ManualClock(1_000);
  const bus = new EventBus<EngineEvents>();
  const directory = new MarketDirectory();
  for (const s of slugs) directory.addMarket(marketInfo(s));
  const sm = new StateManager({
    clock,
    bus,
    directory,
    consensus: () => undefined,
    winProbability: () => undefined,
    feeRates: opts.feeRates,
    onMarkInputs: opts.onMarkInputs,
    ownLiquidity: opts.ownLiquidity,
  });
  return { clock, bus, directory, sm };
}
