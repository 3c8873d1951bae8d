/**
 * Paper (and live) PnL: realized and unrealized PnL and fees per strategy and per market, from the engine's
 * Fill stream (idempotent by execution id), settled at 1 or 0. Open positions are valued at their executable
 * marks (shared/domain/executable-mark.ts): a long sold into the bids, a short bought back at the asks,
 * walking the last whole book's depth, less the taker fee of the close; the last trade when that side is
 * empty. The mid-based figure (mid, else last trade, no fee) is kept beside it for reference only
 * (`unrealizedAtMid`, `netAtMid`). Per-trade arithmetic is exact integer micros (position-math.ts); sums and
 * reports use decimal.js. Unsettled inventory counts only through its mark (unrealized), never as realized
 * profit; a position with no mark at all is valued at cost (unrealized 0) and flagged `unmarked`.
 *
 * Strategy lines value each strategy's position as if it were closed alone. Market lines and the total value
 * the account's net position in each market (as the circuit breaker does: shared/engine/daily-pnl.ts), plus
 * $1 for each contract one strategy holds long against another's short (a pair the venue nets): so when
 * strategies share a market, the strategy lines need not add up to the total.
 *
 * Live trading: the venue's books show the bot's own resting orders; with an `ownLiquidity` source the marks
 * close against the books without them (shared/domain/own-liquidity.ts, docs/pnl-marks.md). The mid-based
 * reference figures keep the books as shown.
 */
import { qtyTimesMicros, type Qty } from '../domain/quantity.js';
import { Decimal } from 'decimal.js';
import { bestOnly, executableMark, levelsOf, midMarkValue, type ExecutableMark } from '../domain/executable-mark.js';
import { DEFAULT_FEE_RATES, type FeeRates } from '../domain/fees.js';
import { ownAtOf, withoutOwn, type OwnLiquidity } from '../domain/own-liquidity.js';
import type { BookLevel } from '../domain/market.js';
import { ONE_DOLLAR, microsToDecimal, midHalfEven, type Micros, type PriceMicros } from '../domain/money.js';
import type { Fill } from '../domain/order.js';
import { INTENT_EFFECT } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import { applyTrade, emptyLedger, settle, type PositionLedger } from './position-math.js';

export interface PerformanceTrackerOptions {
  /** A market's fee rates now, for the closing taker fee of the marks (default: the venue's defaults). */
  feeRates?: (marketSlug: string) => FeeRates;
  /** The bot's own resting orders on the venue's book (live trading only): the marks close without them. */
  ownLiquidity?: OwnLiquidity;
}

export interface PnlLine {
  realized: Decimal;
  /** Open positions at their executable marks against their cost. */
  unrealized: Decimal;
  fees: Decimal;
  /** realized + unrealized − fees. */
  net: Decimal;
  /** Reference only: open positions at the mid (else last trade), no fee, against their cost. */
  unrealizedAtMid: Decimal;
  /** Reference only: realized + unrealizedAtMid − fees. */
  netAtMid: Decimal;
  /** Quantity traded (hundredths of a contract). */
  volume: Qty;
  /** Σ price × qty of fills (long-side), USD. */
  notional: Decimal;
  fills: number;
  /** Signed open quantity, hundredths of a contract (only meaningful per market). */
  openQty: Qty;
  /** True when some open position had no mark. */
  unmarked: boolean;
  /** True when some open position was marked at the last trade (its closing side of the book was empty). */
  markedAtLastTrade: boolean;
  /** True when some open position was larger than the visible depth (the rest valued at the worst level). */
  beyondVisibleDepth: boolean;
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

/**
 * A market's data for marks: the last whole book's levels (best first), else the best prices alone. The
 * levels are kept as sent and put best first when first read (marks are read at samples and reports, books
 * arrive all the time); a message's arrays are never changed once sent, so the result is the same.
 */
class Marks {
  private rawBids: readonly BookLevel[] = [];
  private rawAsks: readonly BookLevel[] = [];
  private sortedBids: readonly BookLevel[] | undefined = undefined;
  private sortedAsks: readonly BookLevel[] | undefined = undefined;
  /** A whole book has arrived: best bid/offer messages no longer replace its levels (as in the state manager). */
  hasBook = false;
  last: PriceMicros | null = null;

  setLevels(bids: readonly BookLevel[], asks: readonly BookLevel[]): void {
    this.rawBids = bids;
    this.rawAsks = asks;
    this.sortedBids = undefined;
    this.sortedAsks = undefined;
  }

  /** Bids, best (highest) first. */
  get bids(): readonly BookLevel[] {
    return (this.sortedBids ??= bestFirst(this.rawBids, -1));
  }

  /** Asks, best (lowest) first. */
  get asks(): readonly BookLevel[] {
    return (this.sortedAsks ??= bestFirst(this.rawAsks, 1));
  }
}

export class PerformanceTracker {
  private readonly books = new Map<string, Map<string, Book>>(); // strategy → market → book
  private readonly marks = new Map<string, Marks>();
  /** The marks last found and their market (marks are never dropped): a book message usually follows one of the same market. */
  private lastMarkSlug: string | undefined = undefined;
  private lastMarks: Marks | undefined = undefined;
  private readonly seen = new Set<string>();

  private readonly feeRates: (marketSlug: string) => FeeRates;
  private readonly own: OwnLiquidity | undefined;

  constructor(options: PerformanceTrackerOptions = {}) {
    this.feeRates = options.feeRates ?? (() => DEFAULT_FEE_RATES);
    this.own = options.ownLiquidity;
  }

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

  /**
   * Market data in: whole books set the levels (kept by reference: a book message is never changed after it
   * is sent), best bid/offer messages set the best prices until a whole book has arrived, trades and BBOs set
   * the last price.
   */
  onMarketEvent(ev: VenueEvent): void {
    if (ev.type === 'book') {
      const m = this.markOf(ev.marketSlug);
      m.setLevels(ev.bids, ev.asks);
      m.hasBook = true;
    } else if (ev.type === 'bbo') {
      const m = this.markOf(ev.marketSlug);
      if (!m.hasBook) {
        m.setLevels(ev.bestBid === null ? [] : [{ price: ev.bestBid, qty: 0 }], ev.bestAsk === null ? [] : [{ price: ev.bestAsk, qty: 0 }]);
      }
      if (ev.lastTradePx !== null) m.last = ev.lastTradePx;
    } else if (ev.type === 'trade') {
      this.markOf(ev.marketSlug).last = ev.price;
    }
  }

  /**
   * The executable mark of holding `netQty` (signed) in a market: what closing it into the last book would
   * bring in, net of the market's taker fee (shared/domain/executable-mark.ts).
   */
  closeout(marketSlug: string, netQty: Qty): ExecutableMark {
    const m = this.marks.get(marketSlug);
    const takerThetaPpm = this.feeRates(marketSlug).takerThetaPpm;
    if (!m) return executableMark({ netQty, closeLevels: bestOnly(null), oppositeBest: null, lastTrade: null, takerThetaPpm });
    const long = netQty > 0;
    const own = this.own;
    if (own !== undefined && netQty !== 0 && own.has(marketSlug)) {
      // Live: the bot's own resting orders are not someone else's liquidity, on either side.
      const bids = withoutOwn(levelsOf(m.bids), ownAtOf(own, marketSlug, 'bid'));
      const asks = withoutOwn(levelsOf(m.asks), ownAtOf(own, marketSlug, 'ask'));
      const oppositeBest = (long ? asks : bids)(0)?.price ?? null;
      return executableMark({ netQty, closeLevels: long ? bids : asks, oppositeBest, lastTrade: m.last, takerThetaPpm });
    }
    const opposite = long ? m.asks[0] : m.bids[0];
    return executableMark({ netQty, closeLevels: levelsOf(long ? m.bids : m.asks), oppositeBest: opposite?.price ?? null, lastTrade: m.last, takerThetaPpm });
  }

  /** The mid-based long-side mark (mid, else last trade), or null: reference figures and the hit rate only. */
  midMark(marketSlug: string): PriceMicros | null {
    const m = this.marks.get(marketSlug);
    if (!m) return null;
    const bid = m.bids[0];
    const ask = m.asks[0];
    return bid && ask ? midHalfEven(bid.price, ask.price) : m.last;
  }

  /** The mid-based reference value of holding `netQty` in a market, or null without a mid or a last trade. */
  midValue(marketSlug: string, netQty: Qty): Micros | null {
    const m = this.marks.get(marketSlug);
    if (!m) return netQty === 0 ? 0 : null;
    return midMarkValue(netQty, m.bids[0]?.price ?? null, m.asks[0]?.price ?? null, m.last);
  }

  /** Settles every strategy's position in a market at 0 or 1 USD per long contract. */
  settle(marketSlug: string, settlementPrice: PriceMicros): void {
    for (const byMarket of this.books.values()) {
      const b = byMarket.get(marketSlug);
      if (b) settle(b.ledger, settlementPrice);
    }
    const m = this.markOf(marketSlug);
    m.setLevels([], []);
    m.hasBook = true;
    m.last = settlementPrice;
  }

  report(): PerformanceReport {
    const total = emptyLine();
    const byStrategy: Record<string, PnlLine> = {};
    const byMarket: Record<string, PnlLine> = {};
    for (const [strategy, markets] of this.books) {
      for (const [market, b] of markets) {
        const open = b.ledger.netQty !== 0;
        const mark = open ? this.closeout(market, b.ledger.netQty) : null;
        const atMid = open ? this.midValue(market, b.ledger.netQty) : null;
        // Each amount made a decimal once, for the three lines it goes into.
        const amounts: BookAmounts = {
          realized: microsToDecimal(b.ledger.realized),
          unrealized: microsToDecimal(mark === null || mark.value === null ? 0 : mark.value - b.ledger.cost),
          unrealizedAtMid: microsToDecimal(atMid === null ? 0 : atMid - b.ledger.cost),
          fees: microsToDecimal(b.ledger.fees),
          notional: microsToDecimal(b.notional),
        };
        const unmarked = mark !== null && mark.value === null;
        addTo((byStrategy[strategy] ??= emptyLine()), b, amounts, { unmarked, markedAtLastTrade: mark?.source === 'last_trade', beyondVisibleDepth: mark?.beyondVisibleDepth ?? false });
        // Market lines and the total: the flows here, the marks of the account's net position below.
        const flows: BookAmounts = { ...amounts, unrealized: ZERO_USD };
        const flags: LineFlags = { unmarked, markedAtLastTrade: false, beyondVisibleDepth: false };
        addTo((byMarket[market] ??= emptyLine()), b, flows, flags);
        addTo(total, b, flows, flags);
      }
    }
    for (const [market, a] of this.accounts()) {
      const line = byMarket[market] as PnlLine;
      const net = a.long - a.short;
      if (a.long === 0 && a.short === 0) continue;
      const mark = this.closeout(market, net);
      if (mark.value === null) continue; // valued at cost, already flagged unmarked
      // Contracts held long by one strategy and short by another are a pair worth exactly $1 each.
      const unrealized = microsToDecimal(mark.value + qtyTimesMicros(Math.min(a.long, a.short), ONE_DOLLAR, 'down') - a.cost);
      for (const l of [line, total]) {
        l.unrealized = l.unrealized.plus(unrealized);
        l.markedAtLastTrade ||= mark.source === 'last_trade';
        l.beyondVisibleDepth ||= mark.beyondVisibleDepth;
      }
    }
    for (const line of [total, ...Object.values(byStrategy), ...Object.values(byMarket)]) {
      line.net = line.realized.plus(line.unrealized).minus(line.fees);
      line.netAtMid = line.realized.plus(line.unrealizedAtMid).minus(line.fees);
    }
    return { total, byStrategy, byMarket };
  }

  /**
   * The total line's `net` and `netAtMid` alone, in integer micros: what `report().total` gives for them
   * (the same books, the same marks, the same sums; report()'s decimal sums of micros are exact), without
   * building every strategy's and market's line. For the report's periodic equity sample. Null when a sum
   * would leave the safe integer range (then read report()).
   */
  totalNet(): { net: Micros; netAtMid: Micros } | null {
    let flows = 0; // Σ realized − fees over every book
    let atMid = 0; // Σ (mid value − cost) over the open books
    let unrealized = 0; // Σ over markets of the account's net position at its executable mark
    for (const markets of this.books.values()) {
      for (const [market, b] of markets) {
        flows += b.ledger.realized - b.ledger.fees;
        if (b.ledger.netQty === 0) continue;
        const v = this.midValue(market, b.ledger.netQty);
        if (v !== null) atMid += v - b.ledger.cost;
      }
    }
    for (const [market, a] of this.accounts()) {
      if (a.long === 0 && a.short === 0) continue;
      const mark = this.closeout(market, a.long - a.short);
      if (mark.value === null) continue;
      unrealized += mark.value + qtyTimesMicros(Math.min(a.long, a.short), ONE_DOLLAR, 'down') - a.cost;
    }
    const net = flows + unrealized;
    const netAtMid = flows + atMid;
    if (![flows, atMid, unrealized, net, netAtMid].every(Number.isSafeInteger)) return null;
    return { net, netAtMid };
  }

  /** Each market's positions across strategies (in the order report() meets them). */
  private accounts(): Map<string, AccountPosition> {
    const accounts = new Map<string, AccountPosition>();
    for (const markets of this.books.values()) {
      for (const [market, b] of markets) {
        let a = accounts.get(market);
        if (!a) accounts.set(market, (a = { long: 0, short: 0, cost: 0 }));
        if (b.ledger.netQty > 0) a.long += b.ledger.netQty;
        else a.short -= b.ledger.netQty;
        a.cost += b.ledger.cost;
      }
    }
    return accounts;
  }

  /** The report with every amount as a decimal string (USD), for JSON output. */
  reportJson(): Record<string, unknown> {
    const r = this.report();
    const fmt = (l: PnlLine) => ({
      realized: l.realized.toFixed(6),
      unrealized: l.unrealized.toFixed(6),
      fees: l.fees.toFixed(6),
      net: l.net.toFixed(6),
      unrealizedAtMid: l.unrealizedAtMid.toFixed(6),
      netAtMid: l.netAtMid.toFixed(6),
      volume: l.volume,
      notional: l.notional.toFixed(6),
      fills: l.fills,
      openQty: l.openQty,
      unmarked: l.unmarked,
      markedAtLastTrade: l.markedAtLastTrade,
      beyondVisibleDepth: l.beyondVisibleDepth,
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
    if (slug === this.lastMarkSlug) return this.lastMarks as Marks;
    let m = this.marks.get(slug);
    if (!m) {
      m = new Marks();
      this.marks.set(slug, m);
    }
    this.lastMarkSlug = slug;
    this.lastMarks = m;
    return m;
  }
}

/** One market's positions across strategies: contracts held long, contracts held short, total cost. */
interface AccountPosition {
  long: Qty;
  short: Qty;
  cost: Micros;
}

/** A book's amounts as the report's decimals (USD). */
interface BookAmounts {
  realized: Decimal;
  unrealized: Decimal;
  unrealizedAtMid: Decimal;
  fees: Decimal;
  notional: Decimal;
}

interface LineFlags {
  unmarked: boolean;
  markedAtLastTrade: boolean;
  beyondVisibleDepth: boolean;
}

/** microsToDecimal(0): what a line adds for an amount it does not carry. */
const ZERO_USD = microsToDecimal(0);

export function emptyLine(): PnlLine {
  const z = new Decimal(0);
  return {
    realized: z,
    unrealized: z,
    fees: z,
    net: z,
    unrealizedAtMid: z,
    netAtMid: z,
    volume: 0,
    notional: z,
    fills: 0,
    openQty: 0,
    unmarked: false,
    markedAtLastTrade: false,
    beyondVisibleDepth: false,
  };
}

function addTo(line: PnlLine, b: Book, a: BookAmounts, f: LineFlags): void {
  line.realized = line.realized.plus(a.realized);
  line.unrealized = line.unrealized.plus(a.unrealized);
  line.unrealizedAtMid = line.unrealizedAtMid.plus(a.unrealizedAtMid);
  line.fees = line.fees.plus(a.fees);
  line.notional = line.notional.plus(a.notional);
  line.volume += b.volume;
  line.fills += b.fills;
  line.openQty += b.ledger.netQty;
  line.unmarked ||= f.unmarked;
  line.markedAtLastTrade ||= f.markedAtLastTrade;
  line.beyondVisibleDepth ||= f.beyondVisibleDepth;
}

/**
 * The levels best first (bids: highest first, `direction` −1; asks: lowest first, +1): the message's own
 * array when it already is (the venue's order; no copy), else a sorted copy.
 */
function bestFirst(levels: readonly BookLevel[], direction: 1 | -1): readonly BookLevel[] {
  for (let i = 1; i < levels.length; i++) {
    if (((levels[i] as BookLevel).price - (levels[i - 1] as BookLevel).price) * direction <= 0) {
      return [...levels].sort((a, b) => (a.price - b.price) * direction);
    }
  }
  return levels;
}
