/** State manager + event bus throughput: whole-book messages for 200 markets, one subscriber per topic. */
import { systemClock } from '../../shared/domain/clock.js';
import { contracts } from '../../shared/domain/quantity.js';
import type { VenueEvent } from '../../shared/domain/venue-events.js';
import { EventBus } from '../../shared/state/event-bus.js';
import type { EngineEvents } from '../../shared/state/engine-events.js';
import { MarketDirectory } from '../../shared/state/market-directory.js';
import { StateManager } from '../../shared/state/state-manager.js';
import type { BenchResult } from './bench-types.js';
import { round, throughput, timeEach } from './measure.js';

export async function run(): Promise<BenchResult[]> {
  const MARKETS = 200;
  const bus = new EventBus<EngineEvents>();
  const directory = new MarketDirectory();
  const sm = new StateManager({ clock: systemClock, bus, directory, consensus: () => undefined, winProbability: () => undefined });
  let seen = 0;
  bus.on('market_update', () => {
    seen++;
  });
  // Pre-built messages: a 10-level book per side, prices walking by a tick, so each update differs.
  const messages: VenueEvent[] = [];
  for (let v = 0; v < 8; v++) {
    for (let m = 0; m < MARKETS; m++) {
      const mid = 300_000 + ((m * 7 + v) % 40) * 10_000;
      messages.push({
        type: 'book',
        marketSlug: `market-${m}`,
        bids: Array.from({ length: 10 }, (_, i) => ({ price: mid - 10_000 * (i + 1), qty: contracts(100 + i * 10 + v) })),
        asks: Array.from({ length: 10 }, (_, i) => ({ price: mid + 10_000 * (i + 1), qty: contracts(90 + i * 10 + v) })),
        state: 'MARKET_STATE_OPEN',
        transactTime: null,
        snapshot: false,
        receivedAt: 0,
      });
    }
  }
  const n = messages.length;
  const rate = throughput((i) => sm.onVenueEvent(messages[i % n] as VenueEvent), 1_000_000);
  const lat = timeEach((i) => sm.onVenueEvent(messages[i % n] as VenueEvent), 200_000);
  if (seen === 0) throw new Error('no market_update delivered');
  return [
    { name: 'state manager + bus: book message (200 markets, 10 levels)', unit: 'µs', p50: round(lat.p50, 3), p99: round(lat.p99, 3), rate: Math.round(rate) },
  ];
}
