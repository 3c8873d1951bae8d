/**
 * Paper (and live) PnL: realized and unrealized PnL and fees per strategy and per market, from the engine's
 * Fill stream (idempotent by execution id), marked at the mid or the last trade (configurable), settled at
 * 1 or 0. Per-trade arithmetic is exact integer micros (position-math.ts); sums and reports use decimal.js.
 * Unsettled inventory counts only through its mark (unrealized), never as realized profit; a position with
 * no mark at all is valued at cost (unrealized 0) and flagged `unmarked`.
 */
import { qtyTimesMicros, type Qty } from '../domain/quantity.js';
import { Decimal } from 'decimal.js';
import { microsToDecimal, midHalfEven, type Micros, type PriceMicros } from '../domain/money.js';
import type { Fill } from '../domain/order.js';
import { INTENT_EFFECT } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import { applyTrade, emptyLedger, settle, unrealizedPnl, type PositionLedger } from './position-math.js';

export type MarkSource = 'mid' | 'last';

export interface PnlLine {
  realized: Decimal;
  unrealized: Decimal;
  fees: Decimal;
  /** realized + unrealized − fees. */
  net: Decimal;
  /** Quantity traded (hundredths of a contract). */
  volume: Qty;
  /** Σ price × qty of fills (long-side), USD. */
  notional: Decimal;
  fills: number;
  /** Signed open quantity, hundredths of a contract (only meaningful per market). */
  openQty: Qty;
  /** True when some open position had no mark. */
  unmarked: boolean;
}

export interface PerformanceReport {
  total: PnlLine;
  byStrategy: Record<string, PnlLine>;
  byMarket: Record<string, PnlLine>;
}

interface Book {
  ledger: PositionLedger;
  volume: Qty;
  notional: Micros;
  fills: number;
}

interface Marks {
  bid: PriceMicros | null;
  ask: PriceMicros | null;
  last: PriceMicros | null;
}

export class PerformanceTracker {
  private readonly books = new Map<string, Map<string, Book>>(); // strategy → market → book
  private readonly marks = new Map<string, Marks>();
  private readonly seen = new Set<string>();

  constructor(private readonly markSource: MarkSource = 'mid') {}

  /** Records a fill once (by execution id). Returns false for a duplicate. */
  onFill(fill: Fill): boolean {
    if (this.seen.has(fill.executionId)) return false;
    this.seen.add(fill.executionId);
    const b = this.book(fill.strategyName ?? 'unknown', fill.marketSlug);
    applyTrade(b.ledger, INTENT_EFFECT[fill.intent].buysLong, fill.qty, fill.price);
    b.ledger.fees += fill.fee;
    b.volume += fill.qty;
    b.notional += qtyTimesMicros(fill.qty, fill.price, 'down');
    b.fills += 1;
    return true;
  }

  /** Market data in: books and BBOs set bid/ask, trades set the last price. */
  onMarketEvent(ev: VenueEvent): void {
    if (ev.type === 'book') {
      const m = this.markOf(ev.marketSlug);
      m.bid = ev.bids.length ? Math.max(...ev.bids.map((l) => l.price)) : null;
      m.ask = ev.asks.length ? Math.min(...ev.asks.map((l) => l.price)) : null;
    } else if (ev.type === 'bbo') {
      const m = this.markOf(ev.marketSlug);
      m.bid = ev.bestBid;
      m.ask = ev.bestAsk;
      if (ev.lastTradePx !== null) m.last = ev.lastTradePx;
    } else if (ev.type === 'trade') {
      this.markOf(ev.marketSlug).last = ev.price;
    }
  }

  /** The long-side mark of a market under the configured source (with the other as fallback), or null. */
  mark(marketSlug: string): PriceMicros | null {
    const m = this.marks.get(marketSlug);
    if (!m) return null;
    const mid = m.bid !== null && m.ask !== null ? midHalfEven(m.bid, m.ask) : null;
    return this.markSource === 'mid' ? (mid ?? m.last) : (m.last ?? mid);
  }

  /** Settles every strategy's position in a market at 0 or 1 USD per long contract. */
  settle(marketSlug: string, settlementPrice: PriceMicros): void {
    for (const byMarket of this.books.values()) {
      const b = byMarket.get(marketSlug);
      if (b) settle(b.ledger, settlementPrice);
    }
    const m = this.markOf(marketSlug);
    m.bid = m.ask = m.last = settlementPrice;
  }

  report(): PerformanceReport {
    const total = emptyLine();
    const byStrategy: Record<string, PnlLine> = {};
    const byMarket: Record<string, PnlLine> = {};
    for (const [strategy, markets] of this.books) {
      for (const [market, b] of markets) {
        const mark = this.mark(market);
        const unmarked = b.ledger.netQty !== 0 && mark === null;
        const unreal = mark === null ? 0 : unrealizedPnl(b.ledger, mark);
        for (const line of [total, (byStrategy[strategy] ??= emptyLine()), (byMarket[market] ??= emptyLine())]) {
          addTo(line, b, unreal, unmarked);
        }
      }
    }
    for (const line of [total, ...Object.values(byStrategy), ...Object.values(byMarket)]) {
      line.net = line.realized.plus(line.unrealized).minus(line.fees);
    }
    return { total, byStrategy, byMarket };
  }

  /** The report with every amount as a decimal string (USD), for JSON output. */
  reportJson(): Record<string, unknown> {
    const r = this.report();
    const fmt = (l: PnlLine) => ({
      realized: l.realized.toFixed(6),
      unrealized: l.unrealized.toFixed(6),
      fees: l.fees.toFixed(6),
      net: l.net.toFixed(6),
      volume: l.volume,
      notional: l.notional.toFixed(6),
      fills: l.fills,
      openQty: l.openQty,
      unmarked: l.unmarked,
    });
    const map = (o: Record<string, PnlLine>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fmt(v)]));
    return { total: fmt(r.total), byStrategy: map(r.byStrategy), byMarket: map(r.byMarket) };
  }

  /** One strategy's position ledger in a market (a copy), for inspection. */
  position(strategy: string, marketSlug: string): PositionLedger | undefined {
    const b = this.books.get(strategy)?.get(marketSlug);
    return b ? { ...b.ledger } : undefined;
  }

  private book(strategy: string, market: string): Book {
    let markets = this.books.get(strategy);
    if (!markets) {
      markets = new Map();
      this.books.set(strategy, markets);
    }
    let b = markets.get(market);
    if (!b) {
      b = { ledger: emptyLedger(), volume: 0, notional: 0, fills: 0 };
      markets.set(market, b);
    }
    return b;
  }

  private markOf(slug: string): Marks {
    let m = this.marks.get(slug);
    if (!m) {
      m = { bid: null, ask: null, last: null };
      this.marks.set(slug, m);
    }
    return m;
  }
}

function emptyLine(): PnlLine {
  const z = new Decimal(0);
  return { realized: z, unrealized: z, fees: z, net: z, volume: 0, notional: z, fills: 0, openQty: 0, unmarked: false };
}

function addTo(line: PnlLine, b: Book, unrealized: Micros, unmarked: boolean): void {
  line.realized = line.realized.plus(microsToDecimal(b.ledger.realized));
  line.unrealized = line.unrealized.plus(microsToDecimal(unrealized));
  line.fees = line.fees.plus(microsToDecimal(b.ledger.fees));
  line.notional = line.notional.plus(microsToDecimal(b.notional));
  line.volume += b.volume;
  line.fills += b.fills;
  line.openQty += b.ledger.netQty;
  line.unmarked ||= unmarked;
}
