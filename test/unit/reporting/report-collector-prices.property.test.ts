/**
 * The report's price series: a market's mid is sampled at most once per `priceSampleMs` of its update times,
 * only while it has both a bid and an ask. Checked against the rule written out plainly (a map of last sample
 * times and a list of points per market) over random update sequences.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MarketState } from '../../../shared/domain/market.js';
import { ReportCollector } from '../../../shared/reports/report-collector.js';
import { ScriptedWorld } from '../../support/engine-fixtures.js';

const SLUGS = ['m-a', 'm-b', 'm-c'];
const PRICE_SAMPLE_MS = 2_000;
const T0 = 1_750_000_000_000;

const update = fc.record({
  slug: fc.nat(SLUGS.length - 1),
  dt: fc.integer({ min: 0, max: 3_000 }),
  bid: fc.option(fc.integer({ min: 1, max: 49 }), { freq: 4 }),
  ask: fc.option(fc.integer({ min: 51, max: 99 }), { freq: 4 }),
});

const marketState = (slug: string, bid: number | null, ask: number | null, at: number): MarketState => ({
  marketSlug: slug,
  yesBid: bid,
  yesAsk: ask,
  noBid: ask === null ? null : 1_000_000 - ask,
  noAsk: bid === null ? null : 1_000_000 - bid,
  yesBidQty: 100,
  yesAskQty: 100,
  lastTradePrice: null,
  lastTradeTime: null,
  volume24h: 0,
  state: 'MARKET_STATE_OPEN',
  updatedAt: at,
});

describe('report collector price series', () => {
  it('samples each market as the plain rule does', () => {
    fc.assert(
      fc.property(fc.array(update, { maxLength: 60 }), (updates) => {
        const w = new ScriptedWorld({ strategies: [] });
        const collector = new ReportCollector({ engine: w.engine, directory: w.directory, priceSampleMs: PRICE_SAMPLE_MS });
        collector.attach();
        const lastAt = new Map<string, number>();
        const expected: Record<string, { t: number; v: number }[]> = {};
        let t = T0;
        for (const u of updates) {
          t += u.dt;
          const slug = SLUGS[u.slug] as string;
          const bid = u.bid === null ? null : u.bid * 10_000;
          const ask = u.ask === null ? null : u.ask * 10_000;
          w.engine.bus.emit('market_update', marketState(slug, bid, ask, t));
          const last = lastAt.get(slug);
          if (last !== undefined && t - last < PRICE_SAMPLE_MS) continue;
          if (bid === null || ask === null) continue;
          lastAt.set(slug, t);
          (expected[slug] ??= []).push({ t, v: Math.round((bid + ask) / 2) / 1e6 });
        }
        const data = collector.build({ title: 't', kind: 'backtest', now: t });
        expect(data.prices).toStrictEqual(Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a.localeCompare(b))));
      }),
      { numRuns: 60 },
    );
  });
});
