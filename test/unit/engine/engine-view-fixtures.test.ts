import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EngineView } from '../../../shared/engine/engine-view.js';
import type { OrderTracker } from '../../../shared/execution/order-tracker.js';
import { bareState, marketInfo } from '../../support/state-fixture.js';

const SLUGS = ['m-a', 'm-b', 'm-c', 'm-d'];

describe('EngineView.fixtureForMarket', () => {
  it('answers what the directory\'s link says now, whatever was asked before (property)', () => {
    // The view remembers its answers per market and its last answer (linked or not) until the directory moves.
    const step = fc.oneof(
      fc.record({ add: fc.nat(SLUGS.length - 1), fixture: fc.option(fc.constantFrom('f1', 'f2')), home: fc.boolean() }),
      fc.record({ ask: fc.nat(SLUGS.length - 1) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const { clock, bus, directory, sm } = bareState(['m-a']);
        const view = new EngineView({
          clock,
          bus,
          state: sm,
          directory,
          orders: () => ({}) as OrderTracker, // never asked here
          bankroll: () => 0,
          dailyPnl: () => ({ realized: 0, unrealized: 0 }),
        });
        const check = (slug: string) => {
          const link = directory.link(slug);
          const f = view.fixtureForMarket(slug);
          if (link === undefined) expect(f).toBeUndefined();
          else expect(f).toEqual({ fixtureId: link.fixtureId, outcome: link.side });
          expect(view.fixtureForMarket(slug)).toBe(f); // asked again: the same object
        };
        for (const st of steps) {
          if ('add' in st) {
            const slug = SLUGS[st.add] as string;
            directory.addMarket(marketInfo(slug), st.fixture === null ? undefined : { fixtureId: st.fixture, side: st.home ? 'home' : 'away', oddsName: 'X', oddsMarket: 'Moneyline' });
          } else check(SLUGS[st.ask] as string);
        }
        for (const slug of SLUGS) check(slug);
      }),
      { numRuns: 300 },
    );
  });
});
