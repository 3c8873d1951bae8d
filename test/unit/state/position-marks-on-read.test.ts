/**
 * The state manager marks a held position again only when it is read (position, allPositions, addFees, a new
 * venue position), not on every book, best bid/offer and trade of its market. Property: over random sequences
 * of market data, venue positions and snapshots, fees, taker-Θ changes and clock moves, a state manager read
 * now and then gives exactly what one read after every event gives (the marks as of each market's last move,
 * at that move's clock time and Θ), the same position_update events, and the objects it handed out change
 * the same way (a later addFees mutates only the current object). positionSizes (which marks nothing) gives
 * every position's sizes and money figures as marked positions do, and reading it changes no later answer.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { PositionState } from '../../../shared/domain/position.js';
import { contracts } from '../../../shared/domain/quantity.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import type { VenuePosition } from '../../../shared/domain/venue-models.js';
import { bareState } from '../../support/state-fixture.js';

const SLUGS = ['a', 'b'] as const;
function build(theta: Map<string, number>) {
  // Θ read at the clock's time: a scheduled fee change moves every mark at once (as the engine's fee model).
  const clock = new ManualClock(1_000);
  const { bus, sm } = bareState(SLUGS, { clock, feeRates: (slug) => ({ takerThetaPpm: (theta.get(slug) ?? 69_500) + (clock.now() % 3) * 1_000, makerThetaPpm: 12_500 }) });
  const events: unknown[] = [];
  bus.on('position_update', (p) => events.push({ ...p }));
  return { clock, sm, events };
}

const price = fc.integer({ min: 1, max: 99 }).map((t) => t * 10_000);
const size = fc.integer({ min: 1, max: 20_000 });
const side = (desc: boolean) =>
  fc.uniqueArray(price, { maxLength: 4 }).chain((prices) =>
    fc.array(size, { minLength: prices.length, maxLength: prices.length }).map((sizes) =>
      [...prices].sort((x, y) => (desc ? y - x : x - y)).map((p, i): BookLevel => ({ price: p, qty: sizes[i] as number })),
    ),
  );
const slug = fc.constantFrom(...SLUGS);
const position = fc.record({ slug, net: fc.integer({ min: -50_000, max: 50_000 }), cost: fc.integer({ min: 0, max: 20_000_000 }) });
const often = <T>(arbitrary: fc.Arbitrary<T>) => ({ arbitrary, weight: 3 });
const op = fc.oneof(
  often(fc.record({ kind: fc.constant('book' as const), slug, bids: side(true), asks: side(false) })),
  fc.record({ kind: fc.constant('bbo' as const), slug, bid: fc.option(price, { nil: null }), ask: fc.option(price, { nil: null }), last: fc.option(price, { nil: null }) }),
  fc.record({ kind: fc.constant('trade' as const), slug, price, qty: size }),
  often(fc.record({ kind: fc.constant('position' as const), p: position })),
  fc.record({ kind: fc.constant('snapshot' as const), ps: fc.array(position, { maxLength: 2 }) }),
  often(fc.record({ kind: fc.constant('fees' as const), slug, fee: fc.integer({ min: -500, max: 5_000 }) })),
  fc.record({ kind: fc.constant('theta' as const), slug, theta: fc.constantFrom(0, 12_500, 69_500) }),
  fc.record({ kind: fc.constant('clock' as const), ms: fc.integer({ min: 0, max: 5 }) }),
  often(fc.record({ kind: fc.constant('read' as const), slug })),
  fc.record({ kind: fc.constant('readAll' as const) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const venuePosition = (p: { slug: string; net: number; cost: number }, at: number): VenuePosition => ({
  marketSlug: p.slug,
  netPosition: p.net,
  qtyBought: 0,
  qtySold: 0,
  cost: p.cost,
  realized: 0,
  bodPosition: 0,
  expired: false,
  updateTime: at,
  cashValue: null,
  qtyAvailable: null,
});

function venueEvent(o: Op, at: number): VenueEvent | null {
  switch (o.kind) {
    case 'book':
      return { type: 'book', marketSlug: o.slug, bids: o.bids, asks: o.asks, state: 'MARKET_STATE_OPEN', transactTime: at, snapshot: false, receivedAt: at };
    case 'bbo':
      return { type: 'bbo', marketSlug: o.slug, bestBid: o.bid, bestAsk: o.ask, lastTradePx: o.last, receivedAt: at };
    case 'trade':
      return { type: 'trade', marketSlug: o.slug, price: o.price, qty: o.qty, tradeTime: at, takerSide: 'ORDER_SIDE_SELL', receivedAt: at };
    case 'position':
      return { type: 'position', position: venuePosition(o.p, at), receivedAt: at };
    case 'snapshot':
      return { type: 'positions_snapshot', positions: o.ps.map((p) => venuePosition(p, at)), receivedAt: at };
    default:
      return null;
  }
}

/** What positionSizes promises current: every figure but the marks. */
const sizes = (p: Readonly<PositionState>) => ({
  marketSlug: p.marketSlug, side: p.side, quantity: p.quantity, netQty: p.netQty, avgPrice: p.avgPrice, cost: p.cost, realizedPnl: p.realizedPnl, feesPaid: p.feesPaid,
});

describe('positions marked when read', () => {
  it('property: reading now and then gives what reading after every event gives', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const theta = new Map<string, number>();
        const eager = build(theta);
        const lazy = build(theta);
        // The objects each one handed out at the same reads (later fees mutate only the current one).
        const handed: [PositionState | undefined, PositionState | undefined][] = [];
        const readEvery = () => [...eager.sm.allPositions()];
        for (const o of ops) {
          const ev = venueEvent(o, eager.clock.now());
          if (ev) {
            eager.sm.onVenueEvent(ev);
            lazy.sm.onVenueEvent(ev);
          } else if (o.kind === 'fees') {
            eager.sm.addFees(o.slug, o.fee);
            lazy.sm.addFees(o.slug, o.fee);
          } else if (o.kind === 'theta') {
            theta.set(o.slug, o.theta);
          } else if (o.kind === 'clock') {
            eager.clock.advance(o.ms);
            lazy.clock.advance(o.ms);
          } else if (o.kind === 'read') {
            const want = eager.sm.position(o.slug);
            const got = lazy.sm.position(o.slug);
            expect(got).toEqual(want);
            handed.push([want, got]);
          } else if (o.kind === 'readAll') {
            const want = [...eager.sm.allPositions()];
            const got = [...lazy.sm.allPositions()];
            expect(got).toEqual(want);
            want.forEach((p, i) => handed.push([p, got[i]]));
          }
          // positionSizes: the sizes and money figures of every position, as marked positions give them.
          expect([...lazy.sm.positionSizes()].map(sizes)).toEqual(readEvery().map(sizes));
        }
        expect([...lazy.sm.allPositions()]).toEqual([...eager.sm.allPositions()]);
        for (const s of SLUGS) expect(lazy.sm.position(s)).toEqual(eager.sm.position(s));
        expect(lazy.events).toEqual(eager.events);
        expect(handed.map(([, l]) => l && { ...l })).toEqual(handed.map(([e]) => e && { ...e }));
      }),
      { numRuns: 1000 },
    );
  });

  it('fees after a market move go to the position marked again, not to the object read before the move', () => {
    const { sm } = build(new Map());
    sm.onVenueEvent({ type: 'position', position: venuePosition({ slug: 'a', net: contracts(1), cost: 500_000 }, 0), receivedAt: 0 });
    const before = sm.position('a') as PositionState;
    sm.onVenueEvent({ type: 'trade', marketSlug: 'a', price: 500_000, qty: contracts(1), tradeTime: 1, takerSide: 'ORDER_SIDE_SELL', receivedAt: 1 });
    sm.addFees('a', 7_000);
    expect(before.feesPaid).toBe(0);
    expect(sm.position('a')?.feesPaid).toBe(7_000);
  });

  it('marks at the time and Θ of the last market move, not of the read', () => {
    const theta = new Map<string, number>();
    const { clock, sm } = build(theta);
    sm.onVenueEvent({ type: 'position', position: venuePosition({ slug: 'a', net: contracts(10), cost: 5_000_000 }, 0), receivedAt: 0 });
    clock.set(2_000); // Θ + 2 000 ppm at this time
    sm.onVenueEvent({ type: 'book', marketSlug: 'a', bids: [{ price: 600_000, qty: contracts(100) }], asks: [{ price: 620_000, qty: contracts(100) }], state: 'MARKET_STATE_OPEN', transactTime: 2_000, snapshot: false, receivedAt: 2_000 });
    const atMove = sm.closeoutMark('a', contracts(10));
    clock.set(2_001); // Θ + 0 now
    theta.set('a', 0);
    const p = sm.position('a') as PositionState;
    expect(p.updatedAt).toBe(2_000);
    expect(p.currentValue).toBe(atMove.value);
    expect(sm.closeoutMark('a', contracts(10)).value).toBeGreaterThan(atMove.value as number);
  });
});
