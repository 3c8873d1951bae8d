/**
 * The incremental exposure ledger (shared/risk/exposure-ledger.ts) against the full scans it replaces on the
 * hot path, on the engine's real parts: order trackers, the state manager (positions, games) and the market
 * directory behind the engine's view. After any sequence of order events (create, submit, venue id, ack,
 * fills, modify, cancel, reject, snapshots, history pruning), position events and snapshots, game changes,
 * directory changes and a swap of the active tracker (a mode switch), every market's scenario losses (with
 * and without an order being replaced) and the other markets' portfolio and group exposures equal the full
 * scan exactly, in integer micros.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { Micros } from '../../../shared/domain/money.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import type { ExecutionType, OrderIntent, VenueOrderState } from '../../../shared/domain/venue-enums.js';
import type { VenueExecution, VenuePosition } from '../../../shared/domain/venue-models.js';
import { EngineView } from '../../../shared/engine/engine-view.js';
import { OrderTracker } from '../../../shared/execution/order-tracker.js';
import { CircuitBreaker } from '../../../shared/risk/circuit-breaker.js';
import { exposureOf, marketLoss } from '../../../shared/risk/exposure-monitor.js';
import { RiskManager } from '../../../shared/risk/risk-manager.js';
import { EventBus } from '../../../shared/state/event-bus.js';
import type { EngineEvents } from '../../../shared/state/engine-events.js';
import { MarketDirectory } from '../../../shared/state/market-directory.js';
import { StateManager } from '../../../shared/state/state-manager.js';
import { venueOrder } from '../../support/domain-fixtures.js';
import { game, info } from './fake-risk-view.js';

const USD = 1_000_000;
const MARKETS = ['a1', 'a2', 'b1', 'b2', 'c1', 'solo'];
const FIXTURES = ['g1', 'g2', 'g3'];
const LINKS: Record<string, string | undefined> = { a1: 'g1', a2: 'g1', b1: 'g2', b2: 'g2', c1: 'g3', solo: undefined };
const TEAMS = ['Lakers', 'lakers ', 'Celtics', 'Suns', ''] as const;
const INTENTS: OrderIntent[] = ['ORDER_INTENT_BUY_LONG', 'ORDER_INTENT_SELL_LONG', 'ORDER_INTENT_BUY_SHORT', 'ORDER_INTENT_SELL_SHORT'];
const EXEC_TYPES: ExecutionType[] = ['EXECUTION_TYPE_NEW', 'EXECUTION_TYPE_PARTIAL_FILL', 'EXECUTION_TYPE_FILL', 'EXECUTION_TYPE_REPLACE', 'EXECUTION_TYPE_CANCELED', 'EXECUTION_TYPE_REJECTED'];
const SNAPSHOT_STATES: VenueOrderState[] = ['ORDER_STATE_NEW', 'ORDER_STATE_PARTIALLY_FILLED', 'ORDER_STATE_FILLED', 'ORDER_STATE_CANCELED'];

const market = fc.nat(MARKETS.length - 1);
const order = fc.nat(40);
const qty = fc.integer({ min: 1, max: 50_000 }); // hundredths of a contract: fractions included
const ticks = fc.integer({ min: 1, max: 99 });
const cmd = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('create' as const), market, intent: fc.constantFrom(...INTENTS), ticks: fc.option(ticks, { nil: undefined, freq: 8 }), qty }) },
  fc.record({ k: fc.constant('submit' as const), order }),
  { weight: 3, arbitrary: fc.record({ k: fc.constant('venueId' as const), order }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('exec' as const), order, type: fc.constantFrom(...EXEC_TYPES), qty, ticks }) },
  fc.record({ k: fc.constant('snapshot' as const), order, state: fc.constantFrom(...SNAPSHOT_STATES), qty, ticks }),
  fc.record({ k: fc.constant('reject' as const), order }),
  { weight: 3, arbitrary: fc.record({ k: fc.constant('position' as const), market, net: fc.integer({ min: -30_000, max: 30_000 }), cost: fc.integer({ min: -1_000, max: 300 * USD }) }) },
  fc.record({ k: fc.constant('positions' as const), keep: fc.subarray(MARKETS) }),
  fc.record({ k: fc.constant('game' as const), fixture: fc.nat(FIXTURES.length - 1), home: fc.constantFrom(...TEAMS), away: fc.constantFrom(...TEAMS) }),
  fc.record({ k: fc.constant('info' as const), market, team: fc.option(fc.constantFrom(...TEAMS), { nil: undefined }) }),
  fc.record({ k: fc.constant('mode' as const) }),
  fc.record({ k: fc.constant('prune' as const) }),
);

function world() {
  const clock = new ManualClock(1_000);
  const bus = new EventBus<EngineEvents>();
  const directory = new MarketDirectory();
  for (const m of MARKETS) {
    const fx = LINKS[m];
    directory.addMarket(info(m), fx ? { fixtureId: fx, side: 'home', oddsName: 'x', oddsMarket: 'Moneyline' } : undefined);
  }
  const state = new StateManager({ clock, bus, directory, consensus: () => undefined, winProbability: () => undefined });
  const trackers = [new OrderTracker({ clock }), new OrderTracker({ clock })];
  let active = 0;
  const view = new EngineView({ clock, bus, state, directory, orders: () => trackers[active]!, bankroll: () => 1_000 * USD, dailyPnl: () => ({ realized: 0, unrealized: 0 }) });
  const rm = new RiskManager({
    limits: { maxPositionPerMarket: 100 * USD, maxPortfolioExposure: 400 * USD, maxCorrelatedExposure: 200 * USD, kellyFraction: 0.5, minTradeSize: 0 },
    view,
    breaker: new CircuitBreaker({ maxDailyLoss: 50 * USD, clock }),
  });
  return { clock, bus, directory, state, trackers, view, rm, swap: () => (active = 1 - active), tracker: () => trackers[active]! };
}

describe('incremental exposure ledger equals the full scan (property)', () => {
  it('after any sequence of order, position, game, directory and mode events', () => {
    const seen = { portfolio: 0, groups: 0, excluded: 0 };
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 70 }), (commands) => {
        const w = world();
        const ledger = w.rm.ledger!;
        expect(ledger).toBeDefined();
        const local: string[][] = [[], []];
        let x = 0;
        const check = (): void => {
          const t = w.tracker();
          for (const m of MARKETS) {
            const scanLoss = marketLoss(w.view.position(m), w.view.openOrders(m));
            expect(ledger.marketLoss(m)).toEqual(scanLoss);
            expect(ledger.marketExposure(m)).toBe(exposureOf(scanLoss));
            for (const o of t.openOrders({ marketSlug: m })) {
              for (const id of [o.localId, o.orderId]) {
                if (id === null) continue;
                const ref = marketLoss(w.view.position(m), w.view.openOrders(m), id);
                expect(ledger.marketLoss(m, id)).toEqual(ref);
                if (ref.ifYes !== scanLoss.ifYes || ref.ifNo !== scanLoss.ifNo) seen.excluded++;
              }
            }
            const fast = ledger.othersExposure(m);
            const ref = w.rm.correlation.othersExposure(m);
            expect(fast.portfolio).toBe(ref.portfolio);
            expect([...fast.byKey]).toEqual([...ref.byKey]);
            if (ref.portfolio > 0) seen.portfolio++;
            for (const [, v] of ref.byKey) if (v > 0) seen.groups++;
            // The risk check's one call: the loss and the others' exposure together, an order excluded or not.
            for (const id of [undefined, ...[...t.openOrders({ marketSlug: m })].map((o) => o.localId)]) {
              const both = ledger.check(m, id);
              expect({ ifYes: both.ifYes, ifNo: both.ifNo }).toEqual(marketLoss(w.view.position(m), w.view.openOrders(m), id));
              expect(both.portfolio).toBe(ref.portfolio);
              expect(both.keys.map((k, i) => [k, both.groups[i]])).toEqual([...ref.byKey]);
              // Its keys are the checker's memoised array, read through the market's one memo record.
              expect(both.keys).toBe(w.rm.correlation.keysOf(m));
            }
          }
          // Every group the ledger keeps holds the full scan's total, and it keeps no group no market counts under.
          const groups = (ledger as unknown as { groups: Map<string, { total: Micros; refs: number }> }).groups;
          const scanGroups = w.rm.correlation.groupExposures();
          for (const [k, c] of groups) {
            expect(c.total).toBe(scanGroups.get(k) ?? 0);
            expect(c.refs).toBeGreaterThan(0);
          }
          for (const [k, v] of scanGroups) if (v !== 0) expect(groups.get(k)?.total).toBe(v);
        };
        check();
        for (const c of commands) {
          w.clock.advance(1_000);
          const t = w.tracker();
          const ids = local[w.trackers.indexOf(t)]!;
          const cur = 'order' in c && ids.length ? t.get(ids[c.order % ids.length]!) : undefined;
          switch (c.k) {
            case 'create': {
              const req: OrderRequest = {
                marketSlug: MARKETS[c.market]!,
                intent: c.intent,
                type: c.ticks === undefined ? 'ORDER_TYPE_MARKET' : 'ORDER_TYPE_LIMIT',
                ...(c.ticks === undefined ? {} : { price: c.ticks * 10_000 }),
                quantity: c.qty,
                tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
                postOnly: false,
              };
              ids.push(t.create(req, 'market_maker').localId);
              break;
            }
            case 'submit':
              if (cur?.status === 'CREATED') t.markSubmitted(cur.localId);
              break;
            case 'venueId':
              if (cur && cur.orderId === null && cur.status !== 'REJECTED') t.attachVenueId(cur.localId, `v-${cur.localId}`);
              break;
            case 'reject':
              if (cur && (cur.status === 'CREATED' || cur.status === 'SUBMITTED')) t.markRejected(cur.localId, 'refused');
              break;
            case 'exec': {
              if (!cur?.orderId) break;
              const fills = c.type === 'EXECUTION_TYPE_PARTIAL_FILL' || c.type === 'EXECUTION_TYPE_FILL';
              const replace = c.type === 'EXECUTION_TYPE_REPLACE';
              const state: VenueOrderState =
                c.type === 'EXECUTION_TYPE_FILL' ? 'ORDER_STATE_FILLED'
                : c.type === 'EXECUTION_TYPE_PARTIAL_FILL' ? 'ORDER_STATE_PARTIALLY_FILLED'
                : c.type === 'EXECUTION_TYPE_REJECTED' ? 'ORDER_STATE_REJECTED'
                : c.type === 'EXECUTION_TYPE_CANCELED' ? 'ORDER_STATE_CANCELED'
                : 'ORDER_STATE_NEW';
              const ex: VenueExecution = {
                id: `x${++x}`,
                order: venueOrder(cur.orderId, {
                  marketSlug: cur.request.marketSlug,
                  intent: cur.request.intent,
                  state,
                  price: replace ? c.ticks * 10_000 : (cur.request.price ?? null),
                  quantity: replace ? c.qty : cur.request.quantity,
                }),
                lastShares: fills ? c.qty : null,
                lastPx: fills ? c.ticks * 10_000 : null,
                type: c.type,
                text: null,
                orderRejectReason: null,
                transactTime: null,
                tradeId: null,
                aggressor: false,
                commissionNotionalCollected: 0,
              };
              t.applyExecution(ex);
              break;
            }
            case 'snapshot':
              if (cur?.orderId) {
                t.applyVenueOrder(
                  venueOrder(cur.orderId, { marketSlug: cur.request.marketSlug, intent: cur.request.intent, state: c.state, price: c.ticks * 10_000, quantity: c.qty, cumQuantity: Math.min(c.qty, cur.filledQty) }),
                );
              }
              break;
            case 'position': {
              const p: VenuePosition = {
                marketSlug: MARKETS[c.market]!, netPosition: c.net, qtyBought: 0, qtySold: 0, cost: c.cost, realized: 0, bodPosition: 0,
                expired: false, updateTime: null, cashValue: null, qtyAvailable: null,
              };
              w.state.onVenueEvent({ type: 'position', position: p, receivedAt: w.clock.now() });
              break;
            }
            case 'positions': {
              const positions = c.keep.map((slug) => ({ marketSlug: slug, netPosition: 100, qtyBought: 0, qtySold: 0, cost: 40 * USD, realized: 0, bodPosition: 0, expired: false, updateTime: null, cashValue: null, qtyAvailable: null }));
              w.state.onVenueEvent({ type: 'positions_snapshot', positions, receivedAt: w.clock.now() });
              break;
            }
            case 'game': {
              const id = FIXTURES[c.fixture]!;
              w.state.onFeedEvent({ type: 'game', game: { ...game(id, c.home, c.away), updatedAt: w.clock.now() }, entryId: null });
              break;
            }
            case 'info': {
              const slug = MARKETS[c.market]!;
              const fx = LINKS[slug];
              w.directory.addMarket({ ...info(slug), team: c.team }, fx ? { fixtureId: fx, side: 'away', oddsName: 'y', oddsMarket: 'Moneyline' } : undefined);
              break;
            }
            case 'mode':
              w.swap();
              break;
            case 'prune':
              t.prune(w.clock.now());
              break;
          }
          check();
        }
      }),
      { numRuns: 300 },
    );
    // The property compared real sums, not only zeros.
    expect(seen.portfolio).toBeGreaterThan(1_000);
    expect(seen.groups).toBeGreaterThan(500);
    expect(seen.excluded).toBeGreaterThan(100);
  });

  it('a check costs the same whatever the number of other markets (no scan over them)', () => {
    const w = world();
    let reads = 0;
    const openOrders = w.view.openOrders.bind(w.view);
    w.view.openOrders = (slug: string) => {
      reads++;
      return openOrders(slug);
    };
    for (let i = 0; i < 200; i++) w.tracker().create({ marketSlug: `m${i}`, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 400_000, quantity: 1_000, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: false }, 'market_maker');
    const ledger = w.rm.ledger!;
    const first: Micros = ledger.othersExposure('m0').portfolio; // builds the ledger from one full scan
    expect(first).toBe(199 * 4 * USD);
    reads = 0;
    w.tracker().create({ marketSlug: 'm1', intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 500_000, quantity: 200, tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL', postOnly: false }, 'market_maker');
    expect(ledger.othersExposure('m0').portfolio).toBe(199 * 4 * USD + USD);
    expect(ledger.marketLoss('m1')).toEqual({ ifYes: 0, ifNo: 5 * USD });
    expect(reads).toBe(0);
  });
});
