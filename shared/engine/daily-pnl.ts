/**
 * The day's PnL for the circuit breaker, kept incrementally in exact integer micros: one average-cost ledger
 * per market (all strategies together), updated on each fill and settlement, marked to the market on demand.
 * The risk manager asks for it on every signal, so a call costs O(open positions), never a report.
 *
 *  - realized: PnL realized since the last daily reset, fees included (negative = loss);
 *  - unrealized: the open positions at their executable marks (what closing each market's net position now
 *    would bring in: a long sold into the bids, a short bought back at the asks, less the taker fee;
 *    shared/domain/executable-mark.ts) against their cost.
 * The breaker trips on −(realized + unrealized) ≥ max_daily_loss. A position with no mark counts at cost.
 *
 * With a MarkChanges source (the engine gives one), the unrealized figure is a running sum: each open market's
 * value − cost is kept and found again only when the market's marks moved (`markMoved`, told by the state
 * manager on every book, best bid/offer and trade), its position changed (fills, settlement, seeding) or every
 * mark may have moved at once (the source's `epoch`: fee coefficients). Micros are integers, so the running
 * sum equals the full sum exactly (the property test in test/unit/engine checks it against the plain one).
 */
import type { Qty } from '../domain/quantity.js';
import type { Micros, PriceMicros } from '../domain/money.js';
import type { Fill } from '../domain/order.js';
import { INTENT_EFFECT } from '../domain/venue-enums.js';
import { applyTrade, emptyLedger, settle, type PositionLedger } from '../paper/position-math.js';
import type { DailyPnl } from '../risk/risk-view.js';

/** What keeps the running unrealized figure exact besides `markMoved` (see the header). */
export interface MarkChanges {
  /** A figure that changes whenever the value of every position may have changed at once. */
  epoch(): number;
}

export class DailyPnlMonitor {
  private readonly ledgers = new Map<string, PositionLedger>();
  private readonly open = new Set<string>();
  /** Realized PnL minus fees since this process started, plus what was carried in. */
  private realizedTotal: Micros;
  /** realizedTotal at the start of the day. */
  private baseline = 0;
  /** Running mode: each open market's value − cost (0 without a mark), their sum, and the markets to value again. */
  private readonly contribution = new Map<string, Micros>();
  private unrealized: Micros = 0;
  private readonly dirty = new Set<string>();
  private epochSeen = NaN;
  /**
   * The market last told of by markMoved, while telling it again needs nothing: it is not open, or it is already
   * in `dirty` (a book message usually follows one of the same market). Forgotten when `dirty` is emptied;
   * `track` leaves the market it changes in `dirty`, and so still quiet.
   */
  private quietSlug: string | undefined = undefined;

  constructor(
    /**
     * The executable value of holding `netQty` (signed) in a market, net of the closing fee, or null when
     * the market has no mark (the state manager's closeoutMark).
     */
    private readonly valueOf: (marketSlug: string, netQty: Qty) => Micros | null,
    /** Realized PnL already booked today before this process started (restored from the store). */
    carriedRealized: Micros = 0,
    /** Given: the unrealized figure is kept running (see the header); absent: summed afresh on every call. */
    private readonly changes?: MarkChanges,
  ) {
    this.realizedTotal = carriedRealized;
  }

  /** Books a fill (each execution once: the order tracker de-duplicates by execution id). */
  onFill(fill: Fill): void {
    const ledger = this.ledger(fill.marketSlug);
    const effect = applyTrade(ledger, INTENT_EFFECT[fill.intent].buysLong, fill.qty, fill.price);
    this.realizedTotal += effect.realized - fill.fee;
    this.track(fill.marketSlug, ledger);
  }

  /** Seeds a position inherited from before a restart (net long contracts, cost of the held side). */
  seedPosition(marketSlug: string, netQty: Qty, cost: Micros): void {
    const ledger = this.ledger(marketSlug);
    ledger.netQty = netQty;
    ledger.cost = cost;
    this.track(marketSlug, ledger);
  }

  /** The market settled at 0 or 1 USD per long contract: its open position is realized. */
  settle(marketSlug: string, settlementPrice: PriceMicros): void {
    const ledger = this.ledgers.get(marketSlug);
    if (!ledger || ledger.netQty === 0) return;
    this.realizedTotal += settle(ledger, settlementPrice).realized;
    this.track(marketSlug, ledger);
  }

  dailyPnl(): DailyPnl {
    return { realized: this.realizedTotal - this.baseline, unrealized: this.changes ? this.runningUnrealized(this.changes) : this.fullUnrealized() };
  }

  /** The market's marks may have moved (its book, best prices or last trade changed). */
  markMoved(marketSlug: string): void {
    if (!this.changes || marketSlug === this.quietSlug) return;
    if (this.open.size !== 0 && this.open.has(marketSlug)) this.dirty.add(marketSlug);
    this.quietSlug = marketSlug;
  }

  private fullUnrealized(): Micros {
    let unrealized = 0;
    for (const slug of this.open) {
      const ledger = this.ledgers.get(slug) as PositionLedger;
      const value = this.valueOf(slug, ledger.netQty);
      if (value !== null) unrealized += value - ledger.cost;
    }
    return unrealized;
  }

  private runningUnrealized(changes: MarkChanges): Micros {
    const epoch = changes.epoch();
    if (epoch !== this.epochSeen) {
      this.epochSeen = epoch;
      for (const slug of this.open) this.dirty.add(slug);
    }
    if (this.dirty.size === 0) return this.unrealized;
    this.quietSlug = undefined;
    for (const slug of this.dirty) {
      const before = this.contribution.get(slug) ?? 0;
      let after = 0;
      if (this.open.has(slug)) {
        const ledger = this.ledgers.get(slug) as PositionLedger;
        const value = this.valueOf(slug, ledger.netQty);
        after = value === null ? 0 : value - ledger.cost;
        this.contribution.set(slug, after);
      } else this.contribution.delete(slug);
      this.unrealized += after - before;
    }
    this.dirty.clear();
    return this.unrealized;
  }

  /** Starts a new day: today's realized PnL counts from zero again. */
  resetDay(): void {
    this.baseline = this.realizedTotal;
  }

  private ledger(slug: string): PositionLedger {
    let l = this.ledgers.get(slug);
    if (!l) this.ledgers.set(slug, (l = emptyLedger()));
    return l;
  }

  private track(slug: string, ledger: PositionLedger): void {
    if (ledger.netQty === 0) this.open.delete(slug);
    else this.open.add(slug);
    if (this.changes) this.dirty.add(slug);
  }
}
