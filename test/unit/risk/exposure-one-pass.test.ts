/**
 * Differential property: the risk manager's fast paths — the one-pass `othersExposure` (portfolio and every
 * correlated group of the other markets, each market's exposure computed once) and the memoised correlation
 * keys — give exactly what the from-scratch computation gives (the reference below is the checker's
 * original code), after any sequence of order, fill, cancel, position, game, fixture-link and market-info
 * changes. A memo that went stale (a game's teams arriving late, a market linked to a fixture later) or a
 * sum that skipped or double-counted a market would show here.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Micros } from '../../../shared/domain/money.js';
import type { OrderStatus } from '../../../shared/domain/order.js';
import { SIGNAL_ACTIONS } from '../../../shared/domain/signal.js';
import { exposureOf, marketLoss } from '../../../shared/risk/exposure-monitor.js';
import { CircuitBreaker } from '../../../shared/risk/circuit-breaker.js';
import { RiskManager } from '../../../shared/risk/risk-manager.js';
import type { RiskView } from '../../../shared/risk/risk-view.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import { FakeRiskView, game, info, signal } from './fake-risk-view.js';

const USD = 1_000_000;
const MARKETS = ['a1', 'a2', 'b1', 'b2', 'c1', 'solo'];
const FIXTURES = ['g1', 'g2', 'g3'];
const TEAMS = ['Lakers', 'lakers ', 'Celtics', 'Suns', '', undefined] as const;
const STATUSES: OrderStatus[] = ['CREATED', 'SUBMITTED', 'PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED'];

// ---- reference: the original, from-scratch computation -------------------------------------------------
const norm = (s: string) => s.trim().toLowerCase();
function refKeys(view: RiskView, slug: string): string[] {
  const keys = new Set<string>();
  const inf = view.marketInfo(slug);
  const fixture = view.fixtureForMarket(slug);
  if (fixture) {
    keys.add(`game:${fixture.fixtureId}`);
    const g = view.game(fixture.fixtureId);
    if (g) {
      if (g.homeTeam) keys.add(`team:${norm(g.homeTeam)}`);
      if (g.awayTeam) keys.add(`team:${norm(g.awayTeam)}`);
    }
  } else if (inf?.eventSlug) {
    keys.add(`event:${inf.eventSlug}`);
  }
  if (inf?.team) keys.add(`team:${norm(inf.team)}`);
  return [...keys];
}
const refExposure = (view: RiskView, slug: string): Micros => exposureOf(marketLoss(view.position(slug), view.openOrders(slug)));
function refOthers(view: RiskView, slug: string): { portfolio: Micros; byKey: Map<string, Micros> } {
  let portfolio = 0;
  for (const s of view.activeMarkets()) if (s !== slug) portfolio += refExposure(view, s);
  const mine = refKeys(view, slug);
  const byKey = new Map<string, Micros>(mine.map((k) => [k, 0]));
  if (mine.length > 0) {
    for (const s of view.activeMarkets()) {
      if (s === slug) continue;
      for (const k of refKeys(view, s)) if (byKey.has(k)) byKey.set(k, (byKey.get(k) ?? 0) + refExposure(view, s));
    }
  }
  return { portfolio, byKey };
}

// ---- commands -----------------------------------------------------------------------------------------
// quantities in hundredths of a contract (Qty): up to 500 contracts, fractions included
const market = fc.integer({ min: 0, max: MARKETS.length - 1 });
const cmd = fc.oneof(
  fc.record({ kind: fc.constant('order' as const), market, action: fc.constantFrom(...SIGNAL_ACTIONS), ticks: fc.integer({ min: 1, max: 99 }), qty: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({ kind: fc.constant('status' as const), order: fc.nat(), status: fc.constantFrom(...STATUSES) }),
  fc.record({ kind: fc.constant('fill' as const), order: fc.nat(), qty: fc.integer({ min: 1, max: 50_000 }), ticks: fc.integer({ min: 1, max: 99 }) }),
  fc.record({ kind: fc.constant('reprice' as const), order: fc.nat(), ticks: fc.integer({ min: 1, max: 99 }), qty: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({ kind: fc.constant('position' as const), market, side: fc.constantFrom('YES' as const, 'NO' as const), qty: fc.integer({ min: 0, max: 30_000 }), ticks: fc.integer({ min: 1, max: 99 }) }),
  fc.record({ kind: fc.constant('game' as const), fixture: fc.integer({ min: 0, max: FIXTURES.length - 1 }), home: fc.constantFrom(...TEAMS), away: fc.constantFrom(...TEAMS), drop: fc.boolean() }),
  fc.record({ kind: fc.constant('link' as const), market, fixture: fc.option(fc.integer({ min: 0, max: FIXTURES.length - 1 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('info' as const), market, team: fc.constantFrom(...TEAMS), event: fc.constantFrom('ev-x', 'ev-y', '', undefined), drop: fc.boolean() }),
);

describe('one-pass exposure and memoised keys equal the from-scratch computation (property)', () => {
  // With a directory revision (moved by every link and info change), the keys' memo keeps the info and fixture
  // it read while the revision holds: a memo that kept them past a move would show here.
  it.each([false, true])('after any sequence of order, fill, position, game, link and info changes (directory revision: %s)', (withRevision) => {
    const seen = { groupsWithOthers: 0, portfolioNonZero: 0 };
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 80 }), (commands) => {
        const view = new FakeRiskView();
        let revision = 0;
        if (withRevision) view.directoryRevision = () => revision;
        for (const m of MARKETS) view.infos.set(m, info(m));
        view.fixtures.set('a1', 'g1');
        view.fixtures.set('a2', 'g1');
        view.fixtures.set('b1', 'g2');
        view.games.set('g1', game('g1', 'Lakers', 'Celtics'));
        const rm = new RiskManager({
          limits: { maxPositionPerMarket: 100 * USD, maxPortfolioExposure: 400 * USD, maxCorrelatedExposure: 200 * USD, kellyFraction: 0.5, minTradeSize: 0 },
          view,
          breaker: new CircuitBreaker({ maxDailyLoss: 50 * USD, clock: new ManualClock(0) }),
        });
        const check = (): void => {
          for (const m of MARKETS) {
            expect(rm.correlation.keys(m)).toEqual(refKeys(view, m));
            const fast = rm.correlation.othersExposure(m);
            const ref = refOthers(view, m);
            expect(fast.portfolio).toBe(ref.portfolio);
            expect([...fast.byKey]).toEqual([...ref.byKey]);
            expect([...rm.correlation.othersByKey(m)]).toEqual([...ref.byKey]);
            expect(fast.portfolio).toBe(rm.exposure.portfolioExposure(m));
            if (ref.portfolio > 0) seen.portfolioNonZero++;
            for (const [, v] of ref.byKey) if (v > 0) seen.groupsWithOthers++;
          }
        };
        check();
        for (const c of commands) {
          const pick = (n: number) => (view.orders.length ? view.orders[n % view.orders.length] : undefined);
          switch (c.kind) {
            case 'order':
              view.submit(signal({ marketSlug: MARKETS[c.market]!, action: c.action, price: c.ticks * 10_000, quantity: c.qty }));
              break;
            case 'status': {
              const o = pick(c.order);
              if (o) o.status = c.status;
              break;
            }
            case 'fill': {
              const o = pick(c.order);
              if (o) view.fill(o, c.qty, c.ticks * 10_000);
              break;
            }
            case 'reprice': {
              const o = pick(c.order);
              if (o) {
                o.request.price = c.ticks * 10_000;
                o.request.quantity = Math.max(o.filledQty, c.qty);
              }
              break;
            }
            case 'position':
              view.setPosition(MARKETS[c.market]!, c.side, c.qty, c.ticks * 10_000);
              break;
            case 'game': {
              const id = FIXTURES[c.fixture]!;
              if (c.drop) view.games.delete(id);
              else view.games.set(id, { ...game(id, 'x', 'y'), homeTeam: c.home as string, awayTeam: c.away as string });
              break;
            }
            case 'link':
              revision++;
              if (c.fixture === undefined) view.fixtures.delete(MARKETS[c.market]!);
              else view.fixtures.set(MARKETS[c.market]!, FIXTURES[c.fixture]!);
              break;
            case 'info': {
              const slug = MARKETS[c.market]!;
              revision++;
              if (c.drop) view.infos.delete(slug);
              else view.infos.set(slug, { ...info(slug), team: c.team, eventSlug: c.event as string });
              break;
            }
          }
          check();
        }
      }),
      { numRuns: 250 },
    );
    // The property compared real sums, not only zeros.
    expect(seen.portfolioNonZero).toBeGreaterThan(500);
    expect(seen.groupsWithOthers).toBeGreaterThan(100);
  });
});
