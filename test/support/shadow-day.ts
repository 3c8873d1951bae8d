/**
 * A small shadow day for store and reporter tests: two strategies, a resting and a crossing order, live and
 * paper fills with measured markouts, over the real journal and aggregation (shared/shadow/).
 */
import { ManualClock } from '../../shared/domain/clock.js';
import { contracts } from '../../shared/domain/quantity.js';
import { ManualScheduler } from '../../shared/execution/scheduler.js';
import { aggregateJournal, type ShadowAggregates } from '../../shared/shadow/shadow-aggregates.js';
import { twinSpecs } from '../../shared/shadow/shadow-bench.js';
import { LIVE, PRIMARY_PAPER, ShadowJournal } from '../../shared/shadow/shadow-journal.js';

const c = (cents: number) => cents * 10_000;

export function sampleShadowAggregates(start: number): ShadowAggregates {
  const clock = new ManualClock(start);
  const scheduler = new ManualScheduler(clock);
  let mid = c(41);
  const journal = new ShadowJournal({ clock, scheduler, mid: () => mid, touch: () => ({ bid: c(40), ask: c(42) }), tick: () => c(1) });
  const twins = twinSpecs({ orderLatencyMs: 50, cancelLatencyMs: 50, marketDataDelayMs: 0, queueAheadFraction: 1 });
  // market_maker rests a bid at the touch (L0): live fills 4 of 10, paper 8 of 10, the queue=0.5 twin 4.
  const resting = journal.post('nba-bos-nyk-moneyline', true, c(40), contracts(10))!;
  journal.setStrategy(resting, 'market_maker');
  journal.onFill(resting, LIVE, c(40), contracts(4));
  journal.onFill(resting, PRIMARY_PAPER, c(40), contracts(8));
  journal.onFill(resting, 'queue=0.5', c(40), contracts(4));
  // live_arbitrage crosses (buys at the ask): both fill all 5.
  const crossing = journal.post('nba-bos-nyk-moneyline', true, c(42), contracts(5))!;
  journal.setStrategy(crossing, 'live_arbitrage');
  journal.onFill(crossing, LIVE, c(42), contracts(5));
  journal.onFill(crossing, PRIMARY_PAPER, c(42), contracts(5));
  mid = c(43);
  scheduler.advance(61_000);
  return aggregateJournal({ ...journal.snapshot(), twins, rejections: {} });
}
