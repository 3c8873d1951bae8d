/**
 * ScheduleFeeModel's handles: ratesOfHandle(handle(slug), t) must answer exactly what ratesFor(slug, t) and the
 * plain computation answer, over any mix of handle reads, slug reads, times (forward and backward, across
 * scheduled changes) and directory changes — and the two paths share one memo entry per market.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { feeRatesUncached } from '../../../shared/domain/fees.js';
import { FEE_SPORTS, FEE_TIMES, feeScheduleArbitrary } from '../../support/fee-schedule-arbitrary.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { ONE_CONTRACT } from '../../../shared/domain/quantity.js';
import { lastMarketInfo } from '../../../shared/engine/assemble-engine.js';
import { MarketDirectory } from '../../../shared/state/market-directory.js';
import { ScheduleFeeModel, type FeeHandle } from '../../../shared/state/market-fees.js';

const SLUGS = ['a', 'b', 'c', 'unknown'] as const;
const schedule = feeScheduleArbitrary({ takerThetaPpm: 70_000, makerThetaPpm: 12_000 });
const at = fc.oneof(fc.constantFrom(...FEE_TIMES), fc.integer({ min: -50, max: 450 }));
const step = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('handle' as const), slug: fc.nat(SLUGS.length - 1), at }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('slug' as const), slug: fc.nat(SLUGS.length - 1), at }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      slug: fc.nat(SLUGS.length - 2),
      sport: fc.constantFrom(undefined, ...FEE_SPORTS),
      coefficient: fc.constantFrom(undefined, null, 50_000, 90_000),
    }),
  },
);

const info = (slug: string, sport: string | undefined, coefficient: number | null | undefined): MarketInfo => ({
  marketSlug: slug, eventSlug: 'e', title: slug, outcome: 'x', tick: 10_000, minQty: ONE_CONTRACT,
  ...(sport === undefined ? {} : { sport }),
  ...(coefficient === undefined ? {} : { feeCoefficientPpm: coefficient }),
});

describe('ScheduleFeeModel handles', () => {
  it('ratesOfHandle equals ratesFor and the plain computation over any sequence', () => {
    fc.assert(
      fc.property(schedule, fc.array(step, { maxLength: 80 }), (sch, steps) => {
        const directory = new MarketDirectory();
        directory.addMarket(info('a', 'basketball', undefined));
        directory.addMarket(info('b', 'table_tennis', 80_000));
        const model = new ScheduleFeeModel(sch, lastMarketInfo(directory), () => directory.revision);
        const handles = new Map<string, FeeHandle>();
        for (const st of steps) {
          const slug = SLUGS[st.slug] as string;
          if (st.kind === 'add') {
            directory.addMarket(info(slug, st.sport, st.coefficient));
            continue;
          }
          const plain = feeRatesUncached(sch, directory.info(slug) ?? {}, st.at);
          if (st.kind === 'slug') {
            expect(model.ratesFor(slug, st.at)).toEqual(plain);
            continue;
          }
          let h = handles.get(slug);
          if (h === undefined) handles.set(slug, (h = model.handle(slug)));
          expect(model.handle(slug)).toBe(h);
          expect(h.marketSlug).toBe(slug);
          expect(model.ratesOfHandle(h, st.at)).toEqual(plain);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('without a revision, a handle answers the plain computation every time', () => {
    const directory = new MarketDirectory();
    directory.addMarket(info('a', 'table_tennis', undefined));
    const model = new ScheduleFeeModel({ defaults: { takerThetaPpm: 70_000, makerThetaPpm: 12_000 }, overrides: [] }, lastMarketInfo(directory));
    const h = model.handle('a');
    expect(model.ratesOfHandle(h, 0)).toEqual(feeRatesUncached({ defaults: { takerThetaPpm: 70_000, makerThetaPpm: 12_000 }, overrides: [] }, directory.info('a') ?? {}, 0));
    directory.addMarket(info('a', 'table_tennis', 90_000));
    expect(model.ratesOfHandle(h, 0).takerThetaPpm).toBe(90_000);
  });
});
