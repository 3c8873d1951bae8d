/**
 * The shadow journal: what the live account and its paper twins did with the same orders. Each mirrored order
 * is a list of postings (a posting = the order at one price: created, or re-priced by a modify), each with
 * its price level when sent (calibration.ts `priceLevel`) and the contracts every side (live, and each paper
 * exchange by its label) filled while it stood. Fills of the live side and of the primary paper exchange
 * also get markouts: the long-side mid is read 1 s, 10 s and 60 s after the fill (on the injected scheduler:
 * simulated in tests and backtests, wall time in the bot).
 *
 * Memory is bounded: at most `maxOrders` orders and `maxFills` markout fills a day (beyond them new ones are
 * counted as dropped, not recorded). `resetDay` starts a new day (the bot calls it at the daily reset).
 * Nothing here touches PnL, risk or persistence.
 */
import type { Clock } from '../domain/clock.js';
import type { PriceMicros } from '../domain/money.js';
import type { Qty } from '../domain/quantity.js';
import type { Scheduler } from '../execution/scheduler.js';
import { MARKOUT_HORIZONS_MS, priceLevel, markoutMicros, type PriceLevel, type Touch } from './calibration.js';

/** The live side's key; paper exchanges use their own labels ('paper' for the configured one). */
export const LIVE = 'live';
export const PRIMARY_PAPER = 'paper';

export interface Posting {
  level: PriceLevel;
  price: PriceMicros | null;
  qty: Qty;
  at: number;
  /** Contracts filled while this posting stood, by side. */
  filled: Map<string, Qty>;
}

export interface JournalOrder {
  readonly seq: number;
  readonly marketSlug: string;
  readonly buysLong: boolean;
  strategy: string | undefined;
  liveOrderId: string | undefined;
  /** Set when the live order never was (create failed or rejected): its twins' fills are phantoms. */
  excluded: string | undefined;
  readonly postings: Posting[];
}

export interface JournalFill {
  order: JournalOrder;
  side: string;
  price: PriceMicros;
  qty: Qty;
  time: number;
  level: PriceLevel;
  /** Markout per horizon (MARKOUT_HORIZONS_MS order), micros per contract; null until measured or when no mid. */
  markouts: (number | null)[];
}

export interface ShadowJournalDeps {
  clock: Clock;
  scheduler: Scheduler;
  /** The long-side mid now (null: no two-sided book). */
  mid: (marketSlug: string) => PriceMicros | null;
  /** The touch now, for the price level of a posting. */
  touch: (marketSlug: string) => Touch | undefined;
  /** The market's tick. */
  tick: (marketSlug: string) => PriceMicros;
  /** The strategy of a live order by its venue id, when known (resolved lazily: the ack may come after fills). */
  strategyOf?: (liveOrderId: string) => string | undefined;
  maxOrders?: number;
  maxFills?: number;
}

export class ShadowJournal {
  private orders: JournalOrder[] = [];
  private fills: JournalFill[] = [];
  private seq = 0;
  private dayStart: number;
  private lastEvent: number | null = null;
  private droppedOrders = 0;
  private droppedFills = 0;
  private readonly maxOrders: number;
  private readonly maxFills: number;

  constructor(private readonly deps: ShadowJournalDeps) {
    this.maxOrders = deps.maxOrders ?? 200_000;
    this.maxFills = deps.maxFills ?? 200_000;
    this.dayStart = deps.clock.now();
  }

  /** A new order sent to the live account and its twins; undefined when the day's budget is spent. */
  post(marketSlug: string, buysLong: boolean, price: PriceMicros | null, qty: Qty): JournalOrder | undefined {
    if (this.orders.length >= this.maxOrders) {
      this.droppedOrders++;
      return undefined;
    }
    const now = this.deps.clock.now();
    const order: JournalOrder = { seq: ++this.seq, marketSlug, buysLong, strategy: undefined, liveOrderId: undefined, excluded: undefined, postings: [] };
    order.postings.push(this.posting(order, price, qty, now));
    this.orders.push(order);
    this.lastEvent = now;
    return order;
  }

  /** A modify: a new price is a new posting at that price; a new quantity alone updates the posting. */
  repost(order: JournalOrder, change: { price?: PriceMicros; quantity?: Qty }): void {
    const cur = order.postings[order.postings.length - 1] as Posting;
    const now = this.deps.clock.now();
    if (change.price !== undefined && change.price !== cur.price) order.postings.push(this.posting(order, change.price, change.quantity ?? cur.qty, now));
    else if (change.quantity !== undefined) cur.qty = Math.max(cur.qty, change.quantity);
    this.lastEvent = now;
  }

  attachLive(order: JournalOrder, liveOrderId: string): void {
    order.liveOrderId = liveOrderId;
  }

  setStrategy(order: JournalOrder, strategy: string): void {
    order.strategy ??= strategy;
  }

  /** The live order never was (or was refused): the order leaves the comparison. */
  exclude(order: JournalOrder, reason: string): void {
    order.excluded ??= reason;
  }

  /** A fill of one side; attributed to the posting standing now. Live and primary-paper fills get markouts. */
  onFill(order: JournalOrder, side: string, price: PriceMicros, qty: Qty): void {
    if (qty <= 0) return;
    const posting = order.postings[order.postings.length - 1] as Posting;
    posting.filled.set(side, (posting.filled.get(side) ?? 0) + qty);
    const time = this.deps.clock.now();
    this.lastEvent = time;
    if (side !== LIVE && side !== PRIMARY_PAPER) return;
    if (this.fills.length >= this.maxFills) {
      this.droppedFills++;
      return;
    }
    const fill: JournalFill = { order, side, price, qty, time, level: posting.level, markouts: MARKOUT_HORIZONS_MS.map(() => null) };
    this.fills.push(fill);
    MARKOUT_HORIZONS_MS.forEach((h, i) => {
      this.deps.scheduler.schedule(h, () => {
        const mid = this.deps.mid(order.marketSlug);
        if (mid !== null) fill.markouts[i] = markoutMicros(order.buysLong, price, mid);
      });
    });
  }

  /** Resolves strategies still unknown (through the live tracker); called before a panel is built. */
  resolveStrategies(): void {
    const of = this.deps.strategyOf;
    if (!of) return;
    for (const o of this.orders) if (o.strategy === undefined && o.liveOrderId !== undefined) o.strategy = of(o.liveOrderId);
  }

  snapshot(): { orders: readonly JournalOrder[]; fills: readonly JournalFill[]; from: number; to: number | null; droppedOrders: number; droppedFills: number } {
    this.resolveStrategies();
    return { orders: this.orders, fills: this.fills, from: this.dayStart, to: this.lastEvent, droppedOrders: this.droppedOrders, droppedFills: this.droppedFills };
  }

  /** A new day: what was recorded is forgotten (markouts still pending land on forgotten fills). */
  resetDay(): void {
    this.orders = [];
    this.fills = [];
    this.droppedOrders = 0;
    this.droppedFills = 0;
    this.dayStart = this.deps.clock.now();
    this.lastEvent = null;
  }

  private posting(order: { marketSlug: string; buysLong: boolean }, price: PriceMicros | null, qty: Qty, at: number): Posting {
    const level = priceLevel(order.buysLong, price, this.deps.touch(order.marketSlug), this.deps.tick(order.marketSlug));
    return { level, price, qty, at, filled: new Map() };
  }
}
