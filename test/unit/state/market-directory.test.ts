import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { MarketDirectory } from '../../../shared/state/market-directory.js';

const SLUGS = ['m-a', 'm-b', 'm-c'];

const info = (slug: string, version: number): MarketInfo => ({ marketSlug: slug, eventSlug: 'e', title: `${slug} v${version}`, outcome: 'home', tick: 10_000, minQty: 100 });

describe('MarketDirectory', () => {
  it('info answers what a plain map of the markets added so far answers, whatever was asked before (property)', () => {
    // info remembers its last answer (found or not): adding a market, that one or another, must forget it.
    const step = fc.oneof(fc.record({ add: fc.nat(SLUGS.length - 1), linked: fc.boolean() }), fc.record({ ask: fc.nat(SLUGS.length) }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const directory = new MarketDirectory();
        const plain = new Map<string, MarketInfo>();
        let version = 0;
        for (const st of steps) {
          if ('add' in st) {
            const slug = SLUGS[st.add] as string;
            const i = info(slug, ++version);
            plain.set(slug, i);
            directory.addMarket(i, st.linked ? { fixtureId: 'f', side: 'home', oddsName: 'H', oddsMarket: 'Moneyline' } : undefined);
            expect(directory.revision).toBe(version);
          } else {
            const slug = SLUGS[st.ask] ?? 'unknown';
            expect(directory.info(slug)).toBe(plain.get(slug));
            expect(directory.info(slug)).toBe(plain.get(slug));
          }
        }
        for (const slug of SLUGS) expect(directory.info(slug)).toBe(plain.get(slug));
      }),
      { numRuns: 300 },
    );
  });
});
