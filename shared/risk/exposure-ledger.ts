/**
 * The incremental exposure ledger: the same figures as the full scans of exposure-monitor.ts and
 * correlation-checker.ts (a market's scenario losses, the other markets' portfolio exposure, each correlated
 * group's exposure), kept up to date as orders and positions change instead of recomputed over every active
 * market and order on every check. A check costs O(its market's correlation keys), whatever the number of
 * markets and orders.
 *
 * What it keeps, all in integer micros:
 *  - per open opening order: its contribution (orderLoss: remaining quantity at its limit) to its market;
 *  - per market: the sums of its orders' contributions and its position's (positionLoss), per settlement
 *    outcome, and its exposure (the larger of the two) with the correlation keys it is counted under;
 *  - the portfolio total and each correlated group's total of the markets' exposures (one cell per key, held
 *    by the entries of the markets counted under it: a change or a check reaches its groups without a lookup).
 * Every change arrives through `RiskView.watchExposure` (order created or changed, position changed, a game's
 * teams — part of the keys — changed) and moves the totals by the difference. When the watch stops covering
 * every change (a mode switch swaps the active order tracker; the market directory changed) the ledger starts
 * over from a full scan. The full scans stay as the reference: a property test
 * (test/unit/risk/exposure-ledger.test.ts) holds the two equal, exactly, after any sequence of events.
 */
import type { Micros } from '../domain/money.js';
import type { TrackedOrder } from '../domain/order.js';
import type { KeysMemo, OthersExposure } from './correlation-checker.js';
import { orderLoss, positionLoss, type MarketLoss } from './exposure-monitor.js';
import type { ExposureSink, ExposureWatch, RiskView } from './risk-view.js';

interface OrderEntry {
  slug: string;
  orderId: string | null;
  ifYes: Micros;
  ifNo: Micros;
}

interface MarketEntry {
  /** Σ contributions of the market's open orders, per settlement outcome. */
  ordersIfYes: Micros;
  ordersIfNo: Micros;
  /** The position's contribution. */
  positionIfYes: Micros;
  positionIfNo: Micros;
  /** max(ifYes, ifNo): what the market adds to the portfolio and to each of its groups. */
  exposure: Micros;
  /** The correlation keys its exposure is counted under (the checker's memoised array). */
  keys: readonly string[];
  /** The checker's keys memo of the market (its record for life: asked through it, no lookup of the market). */
  memo: KeysMemo;
  /** cells[i]: the group total of keys[i] (the ledger's `groups` entry, held for as long as the market is). */
  cells: GroupCell[];
  fixtureId: string | undefined;
}

/**
 * ExposureLedger.check's answer: the market's scenario losses and the other markets' exposures — the
 * portfolio's, and for each of the market's correlation keys (`keys[i]`, in keysOf's order) its group's
 * (`groups[i]`; only the first `keys.length` entries are the answer's).
 */
export interface ExposureCheck extends MarketLoss {
  portfolio: Micros;
  keys: readonly string[];
  groups: Micros[];
}

/** Where the ledger reads a market's correlation keys: the checker's memo (CorrelationChecker). */
export interface CorrelationKeys {
  /** The market's memo record: the same object for the source's life. */
  memoOf(marketSlug: string): KeysMemo;
  /** The market's keys through its memo record: the same array while their inputs are the same. */
  keysIn(marketSlug: string, memo: KeysMemo): readonly string[];
}

/** A correlated group's total exposure, and how many market entries count under its key (kept while > 0). */
interface GroupCell {
  total: Micros;
  refs: number;
}

export type WatchableRiskView = RiskView & Required<Pick<RiskView, 'watchExposure'>>;

export class ExposureLedger implements ExposureSink {
  private watch: ExposureWatch | undefined;
  /** Open orders with a non-zero contribution, by local id. */
  private readonly orders = new Map<string, OrderEntry>();
  /** Venue order id → local id, for the orders above that have one (a replaced order is named either way). */
  private readonly byVenueId = new Map<string, string>();
  private readonly markets = new Map<string, MarketEntry>();
  /** Each key some market entry counts under: its group's total (read through the entries' cells). */
  private readonly groups = new Map<string, GroupCell>();
  /** fixture id → the markets above linked to it (whose keys a game change can move). */
  private readonly fixtures = new Map<string, Set<string>>();
  private portfolio: Micros = 0;

  constructor(
    private readonly view: WatchableRiskView,
    /** The markets' correlation keys (the checker's memo: the same array while their inputs are the same). */
    private readonly correlation: CorrelationKeys,
  ) {}

  /** Same as `marketLoss(view.position(m), view.openOrders(m), excludeOrderId)`. */
  marketLoss(marketSlug: string, excludeOrderId?: string): MarketLoss {
    const c = this.check(marketSlug, excludeOrderId);
    return { ifYes: c.ifYes, ifNo: c.ifNo };
  }

  /** Same as `Math.max` of `marketLoss` with nothing excluded. */
  marketExposure(marketSlug: string): Micros {
    this.ensure();
    return this.markets.get(marketSlug)?.exposure ?? 0;
  }

  /**
   * Same as `CorrelationChecker.othersExposure`: the other markets' portfolio and group exposures (a new
   * answer made from `check`'s).
   */
  othersExposure(marketSlug: string): OthersExposure {
    const c = this.check(marketSlug);
    const byKey = new Map<string, Micros>();
    for (let i = 0; i < c.keys.length; i++) byKey.set(c.keys[i] as string, c.groups[i] as Micros);
    return { portfolio: c.portfolio, byKey };
  }

  /**
   * `marketLoss(marketSlug, excludeOrderId)` and `othersExposure(marketSlug)` in one call (the risk check's:
   * one freshness check, one lookup of the market; its keys through the entry's memo record, its groups
   * through the entry's cells, set into an array, no map). The answer (object and arrays) is the ledger's
   * own, reused by the next call: read it before asking again.
   *
   * A market with an entry is counted under its entry's keys: keysOf's answer (set when the entry is made,
   * re-keyed by gameChanged, and checked again here).
   */
  check(marketSlug: string, excludeOrderId?: string): Readonly<ExposureCheck> {
    this.ensure();
    const m = this.markets.get(marketSlug);
    const out = this.checkAnswer;
    let ifYes = m !== undefined ? m.ordersIfYes + m.positionIfYes : 0;
    let ifNo = m !== undefined ? m.ordersIfNo + m.positionIfNo : 0;
    if (excludeOrderId !== undefined) {
      const byLocal = this.orders.get(excludeOrderId);
      if (byLocal !== undefined && byLocal.slug === marketSlug) {
        ifYes -= byLocal.ifYes;
        ifNo -= byLocal.ifNo;
      }
      const venueLocal = this.byVenueId.get(excludeOrderId);
      const byVenue = venueLocal !== undefined && venueLocal !== excludeOrderId ? this.orders.get(venueLocal) : undefined;
      if (byVenue !== undefined && byVenue.slug === marketSlug) {
        ifYes -= byVenue.ifYes;
        ifNo -= byVenue.ifNo;
      }
    }
    out.ifYes = ifYes;
    out.ifNo = ifNo;
    const own = m !== undefined ? m.exposure : 0;
    const groups = out.groups;
    let keys: readonly string[];
    if (m !== undefined) {
      // Kept in step by gameChanged; asked again here all the same (through the entry's memo record: no
      // lookup), so a game change that reached the state without the watch's notice can never leave a limit
      // counted under old keys.
      keys = this.correlation.keysIn(marketSlug, m.memo);
      if (m.keys !== keys) this.rekey(m, keys);
      const cells = m.cells;
      for (let i = 0; i < keys.length; i++) groups[i] = (cells[i] as GroupCell).total - own;
    } else {
      const c = this.correlation;
      keys = c.keysIn(marketSlug, c.memoOf(marketSlug));
      for (let i = 0; i < keys.length; i++) groups[i] = this.groups.get(keys[i] as string)?.total ?? 0;
    }
    out.keys = keys;
    out.portfolio = this.portfolio - own;
    return out;
  }

  private readonly checkAnswer: ExposureCheck = { ifYes: 0, ifNo: 0, portfolio: 0, keys: [], groups: [] };

  // ------------------------------------------------------------------------------------------- ExposureSink

  orderChanged(o: Readonly<TrackedOrder>): void {
    const l = orderLoss(o);
    const id = o.localId;
    const prev = this.orders.get(id);
    if (prev === undefined) {
      if (l.ifYes === 0 && l.ifNo === 0) return;
      const slug = o.request.marketSlug;
      this.orders.set(id, { slug, orderId: o.orderId, ifYes: l.ifYes, ifNo: l.ifNo });
      if (o.orderId !== null) this.byVenueId.set(o.orderId, id);
      this.addToMarket(slug, l.ifYes, l.ifNo);
      return;
    }
    if (prev.orderId !== o.orderId) {
      this.forgetVenueId(prev, id);
      prev.orderId = o.orderId;
      if (o.orderId !== null) this.byVenueId.set(o.orderId, id);
    }
    const dYes = l.ifYes - prev.ifYes;
    const dNo = l.ifNo - prev.ifNo;
    if (dYes === 0 && dNo === 0) return;
    if (l.ifYes === 0 && l.ifNo === 0) {
      this.orders.delete(id);
      this.forgetVenueId(prev, id);
    } else {
      prev.ifYes = l.ifYes;
      prev.ifNo = l.ifNo;
    }
    this.addToMarket(prev.slug, dYes, dNo);
  }

  positionChanged(marketSlug: string): void {
    const p = positionLoss(this.view.position(marketSlug));
    let m = this.markets.get(marketSlug);
    if (!m) {
      if (p.ifYes === 0 && p.ifNo === 0) return;
      m = this.market(marketSlug);
    }
    m.positionIfYes = p.ifYes;
    m.positionIfNo = p.ifNo;
    this.refresh(marketSlug, m);
  }

  gameChanged(fixtureId: string): void {
    const slugs = this.fixtures.get(fixtureId);
    if (!slugs) return;
    for (const slug of slugs) {
      const m = this.markets.get(slug) as MarketEntry;
      const keys = this.correlation.keysIn(slug, m.memo);
      if (keys !== m.keys) this.rekey(m, keys);
    }
  }

  // ------------------------------------------------------------------------------------------------ private

  /** Subscribed and current, or rebuilt from a full scan. */
  private ensure(): void {
    if (this.watch?.current()) return;
    this.watch?.close();
    this.orders.clear();
    this.byVenueId.clear();
    this.markets.clear();
    this.groups.clear();
    this.fixtures.clear();
    this.portfolio = 0;
    this.watch = this.view.watchExposure(this);
    for (const slug of this.view.activeMarkets()) {
      this.positionChanged(slug);
      for (const o of this.view.openOrders(slug)) this.orderChanged(o);
    }
  }

  private forgetVenueId(o: OrderEntry, localId: string): void {
    if (o.orderId !== null && this.byVenueId.get(o.orderId) === localId) this.byVenueId.delete(o.orderId);
  }

  private market(slug: string): MarketEntry {
    const fixtureId = this.view.fixtureForMarket(slug)?.fixtureId;
    const memo = this.correlation.memoOf(slug);
    const keys = this.correlation.keysIn(slug, memo);
    const m: MarketEntry = { ordersIfYes: 0, ordersIfNo: 0, positionIfYes: 0, positionIfNo: 0, exposure: 0, keys, memo, cells: this.take(keys), fixtureId };
    this.markets.set(slug, m);
    if (fixtureId !== undefined) {
      let set = this.fixtures.get(fixtureId);
      if (!set) this.fixtures.set(fixtureId, (set = new Set()));
      set.add(slug);
    }
    return m;
  }

  private addToMarket(slug: string, dYes: Micros, dNo: Micros): void {
    const m = this.markets.get(slug) ?? this.market(slug);
    m.ordersIfYes += dYes;
    m.ordersIfNo += dNo;
    this.refresh(slug, m);
  }

  /** Recomputes the market's exposure and moves the totals by its change; forgets a market left with nothing. */
  private refresh(slug: string, m: MarketEntry): void {
    const e = Math.max(m.ordersIfYes + m.positionIfYes, m.ordersIfNo + m.positionIfNo);
    const d = e - m.exposure;
    if (d !== 0) {
      m.exposure = e;
      this.portfolio += d;
      for (const c of m.cells) c.total += d;
    }
    // Sums are linear: a market dropped at zero and re-created at zero plus later changes is still exact.
    if (m.ordersIfYes === 0 && m.ordersIfNo === 0 && m.positionIfYes === 0 && m.positionIfNo === 0) {
      this.markets.delete(slug);
      this.release(m); // its exposure is 0: it leaves every group's total as it was
      if (m.fixtureId !== undefined) {
        const set = this.fixtures.get(m.fixtureId);
        if (set?.delete(slug) && set.size === 0) this.fixtures.delete(m.fixtureId);
      }
    }
  }

  private rekey(m: MarketEntry, keys: readonly string[]): void {
    const e = m.exposure;
    for (const c of m.cells) c.total -= e;
    this.release(m);
    m.keys = keys;
    m.cells = this.take(keys);
    for (const c of m.cells) c.total += e;
  }

  /** The cells of `keys` (made at 0 where missing), each counted as held once more. */
  private take(keys: readonly string[]): GroupCell[] {
    const cells: GroupCell[] = [];
    for (const k of keys) {
      let c = this.groups.get(k);
      if (c === undefined) this.groups.set(k, (c = { total: 0, refs: 0 }));
      c.refs++;
      cells.push(c);
    }
    return cells;
  }

  /** Lets go of the market's cells (its exposure already taken out of them); a cell no market holds is forgotten (its total is 0). */
  private release(m: MarketEntry): void {
    const keys = m.keys;
    for (let i = 0; i < keys.length; i++) {
      const c = m.cells[i] as GroupCell;
      if (--c.refs === 0) this.groups.delete(keys[i] as string);
    }
  }
}
