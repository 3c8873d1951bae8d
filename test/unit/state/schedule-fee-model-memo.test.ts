/**
 * ScheduleFeeModel, given the directory's revision, remembers each market's last rates while the revision
 * stands and the time stays inside the fee schedule segment the answer came from. Any sequence of questions
 * (times forward and backward, across scheduled changes) and directory changes (new markets, a market's
 * coefficient or sport changed by addMarket) must give what the plain computation gives, asked by slug or
 * through the market's handle (ratesOfHandle(handle(slug), t): the same memo entry).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import { DEFAULT_FEE_RATES, feeRatesUncached, type FeeSchedule } from '../../../shared/domain/fees.js';
import { FEE_SPORTS, FEE_TIMES, feeScheduleArbitrary } from '../../support/fee-schedule-arbitrary.js';
import type { MarketInfo } from '../../../shared/domain/market.js';
import { ONE_CONTRACT } from '../../../shared/domain/quantity.js';
import { lastMarketInfo } from '../../../shared/engine/assemble-engine.js';
import { MarketDirectory } from '../../../shared/state/market-directory.js';
import { ScheduleFeeModel, type FeeHandle } from '../../../shared/state/market-fees.js';
import { EventBus } from '../../../shared/state/event-bus.js';
import type { EngineEvents } from '../../../shared/state/engine-events.js';
import { StateManager } from '../../../shared/state/state-manager.js';

const SLUGS = ['a', 'b', 'c', 'unknown'] as const;
const schedule = feeScheduleArbitrary({ takerThetaPpm: 70_000, makerThetaPpm: 12_000 });

type Step =
  | { kind: 'ask'; slug: number; at: number; viaHandle: boolean }
  | { kind: 'add'; slug: number; sport: string | undefined; coefficient: number | null | undefined };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('ask' as const), slug: fc.nat(SLUGS.length - 1), at: fc.oneof(fc.constantFrom(...FEE_TIMES), fc.integer({ min: -50, max: 450 })), viaHandle: fc.boolean() }) },
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

describe('ScheduleFeeModel (remembered per market while the directory revision and the schedule segment stand)', () => {
  it('equals the plain computation over any sequence of questions (by slug or through handles) and directory changes', () => {
    fc.assert(
      fc.property(schedule, fc.array(step, { maxLength: 80 }), (sch, steps) => {
        const directory = new MarketDirectory();
        directory.addMarket(info('a', 'basketball', undefined));
        directory.addMarket(info('b', 'table_tennis', 80_000));
        const model = new ScheduleFeeModel(sch, lastMarketInfo(directory), () => directory.revision);
        const epochs = new Map<number, unknown>();
        const handles = new Map<string, FeeHandle>();
        for (const st of steps) {
          const slug = SLUGS[st.slug] as string;
          if (st.kind === 'add') {
            directory.addMarket(info(slug, st.sport, st.coefficient));
            continue;
          }
          const plain = feeRatesUncached(sch, directory.info(slug) ?? {}, st.at);
          if (st.viaHandle) {
            // Through the market's handle (its memo entry, shared with ratesFor): the same object at every call.
            let h = handles.get(slug);
            if (h === undefined) handles.set(slug, (h = model.handle(slug)));
            expect(model.handle(slug)).toBe(h);
            expect(h.marketSlug).toBe(slug);
            expect(model.ratesOfHandle(h, st.at)).toEqual(plain);
          } else expect(model.ratesFor(slug, st.at)).toEqual(plain);
          expect(model.ratesUncached(slug, st.at)).toEqual(plain);
          // The same epoch: every market's rates as at the first time it was seen.
          const all = SLUGS.map((s) => feeRatesUncached(sch, directory.info(s) ?? {}, st.at));
          const epoch = model.epoch(st.at);
          const seen = epochs.get(epoch);
          if (seen === undefined) epochs.set(epoch, all);
          else expect(all).toEqual(seen);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('hands out the same object inside a segment, and a new answer across a scheduled change and after addMarket', () => {
    const directory = new MarketDirectory();
    directory.addMarket(info('tt', 'table_tennis', undefined));
    const sch: FeeSchedule = { defaults: DEFAULT_FEE_RATES, overrides: [{ sport: 'table_tennis', effectiveFrom: 1_000, takerThetaPpm: 100_000 }] };
    const model = new ScheduleFeeModel(sch, (slug) => directory.info(slug), () => directory.revision);
    const before = model.ratesFor('tt', 10);
    expect(model.ratesFor('tt', 999)).toBe(before);
    expect(model.ratesFor('tt', 1_000).takerThetaPpm).toBe(100_000);
    expect(model.ratesFor('tt', 5).takerThetaPpm).toBe(DEFAULT_FEE_RATES.takerThetaPpm);
    directory.addMarket(info('tt', 'basketball', 80_000));
    expect(model.ratesFor('tt', 2_000).takerThetaPpm).toBe(80_000);
  });

  it('without a revision, a handle answers the plain computation every time', () => {
    const directory = new MarketDirectory();
    directory.addMarket(info('a', 'table_tennis', undefined));
    const sch: FeeSchedule = { defaults: { takerThetaPpm: 70_000, makerThetaPpm: 12_000 }, overrides: [] };
    const model = new ScheduleFeeModel(sch, lastMarketInfo(directory));
    const h = model.handle('a');
    expect(model.ratesOfHandle(h, 0)).toEqual(feeRatesUncached(sch, directory.info('a') ?? {}, 0));
    directory.addMarket(info('a', 'table_tennis', 90_000));
    expect(model.ratesOfHandle(h, 0).takerThetaPpm).toBe(90_000);
  });

  it('a held market marked on book messages with the fee epoch gives what asking Θ every time gives', () => {
    const price = fc.integer({ min: 1, max: 99 }).map((t) => t * 10_000);
    const op = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('book' as const), slug: fc.nat(2), bid: price, ask: price }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('clock' as const), ms: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 120 })) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), slug: fc.nat(2), sport: fc.constantFrom(undefined, ...FEE_SPORTS), coefficient: fc.constantFrom(undefined, null, 50_000, 90_000) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), slug: fc.nat(2) }) },
    );
    fc.assert(
      fc.property(schedule, fc.array(op, { maxLength: 50 }), (sch, ops) => {
        const clock = new ManualClock(-50);
        const directory = new MarketDirectory();
        for (const s of ['a', 'b', 'c']) directory.addMarket(info(s, 'table_tennis', undefined));
        const fees = new ScheduleFeeModel(sch, lastMarketInfo(directory), () => directory.revision);
        const make = (withEpoch: boolean) =>
          new StateManager({
            clock, bus: new EventBus<EngineEvents>(), directory, consensus: () => undefined, winProbability: () => undefined,
            feeRates: (slug) => fees.ratesFor(slug, clock.now()),
            ...(withEpoch ? { feeEpoch: () => fees.epoch(clock.now()) } : {}),
          });
        const kept = make(true);
        const asked = make(false);
        const both = (f: (sm: StateManager) => void) => [kept, asked].forEach(f);
        for (const s of ['a', 'b', 'c']) {
          const position = { marketSlug: s, netPosition: 1_000, qtyBought: 0, qtySold: 0, cost: 500_000, realized: 0, bodPosition: 0, expired: false, updateTime: 0, cashValue: null, qtyAvailable: null };
          both((sm) => sm.onVenueEvent({ type: 'position', position, receivedAt: 0 }));
        }
        for (const o of ops) {
          if (o.kind === 'clock') clock.advance(o.ms); // the clock only goes forward (the model's test goes back too)
          else if (o.kind === 'add') directory.addMarket(info(SLUGS[o.slug] as string, o.sport, o.coefficient));
          else if (o.kind === 'book') {
            const [bid, ask] = o.bid < o.ask ? [o.bid, o.ask] : [o.ask, o.bid === o.ask ? o.ask + 10_000 : o.bid];
            const at = clock.now();
            both((sm) => sm.onVenueEvent({ type: 'book', marketSlug: SLUGS[o.slug] as string, bids: [{ price: bid, qty: 5_000 }], asks: [{ price: ask, qty: 5_000 }], state: 'MARKET_STATE_OPEN', transactTime: at, snapshot: false, receivedAt: at }));
          } else expect(kept.position(SLUGS[o.slug] as string)).toEqual(asked.position(SLUGS[o.slug] as string));
        }
        expect([...kept.allPositions()]).toEqual([...asked.allPositions()]);
      }),
      { numRuns: 300 },
    );
  });
});
