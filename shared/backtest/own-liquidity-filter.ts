/**
 * Takes the bot's own liquidity out of a recorded market before a replay feeds it to the engine: the public
 * book of a live day shows the bot's own resting orders, and its trade prints include the bot's own fills.
 * Left in, the replay's paper fill simulator would queue behind, and fill against, orders that were the bot's
 * own (and so are not there for the replayed bot). The recording's `own` lines (own-order-records.ts) say where
 * the bot's orders rested and what they filled; only the live account's (`venue: "live"`) are taken out: paper
 * orders never sat on the venue's book.
 *
 * Books: a book frame shows the venue at its transact time (the receive time when it has none). The bot's
 * order rests in a frame when the order's last event at or before that time left it resting (the events' own
 * transact times, or receive times). The own records are read ahead of the replay, so a book frame that shows
 * the order before its acknowledgement arrives (the two sockets are not ordered) is corrected too. Each level
 * the bot sat on is reduced by exactly the bot's resting size there; a level smaller than that is clamped at
 * zero (removed) and counted, and an emptied level leaves the frame.
 *
 * Prints: public prints carry no trade id (docs/venue-rules.md, WebSockets: `trade`), so an own fill is matched
 * to a print of its market at its price, with the taker side its aggressor flag implies, within
 * `matchWindowMs` of its transact time; the print loses the matched quantity (dropped when nothing is left).
 * A print can absorb several own fills (one taker against several of the bot's orders) and one own fill may be
 * spread over several prints.
 *
 * Not undone: liquidity the bot took as a taker stays taken in later frames (the recording cannot say how the
 * others would have reacted), and BBO events are passed as they are (they carry no depth).
 *
 * Book frames and prints are expected in roughly non-decreasing time per market (the order the venue sends
 * them); a frame earlier than one already seen is filtered with the later state and counted.
 */
import type { BookLevel } from '../domain/market.js';
import { addQtyAt, bookSideOf, remainingAfterOwn } from '../domain/own-liquidity.js';
import type { Qty } from '../domain/quantity.js';
import type { OrderSide } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { OwnFillRecord, OwnRecord } from '../recording/own-order-records.js';
import type { RecordLine } from '../recording/record-format.js';

/** The lines the filter reads ahead (an array of lines, or the replay form's cursor). */
export interface OwnLineSource {
  readonly length: number;
  line(i: number): RecordLine;
  kindAt(i: number): RecordLine['k'];
}

export interface OwnLiquidityOptions {
  /** How far a print's trade time may be from an own fill's transact time to be that fill (ms, default 2000). */
  matchWindowMs?: number;
}

export const DEFAULT_MATCH_WINDOW_MS = 2_000;

export interface OwnLiquidityStats {
  /** Live own orders and fills read from the recording. */
  orders: number;
  fills: number;
  /** Own records that could not be placed on a book side (the side never reported), ignored. */
  unattributed: number;
  /** Book frames changed, and the quantity taken out of their levels. */
  framesAdjusted: number;
  levelQtyRemoved: Qty;
  /** Levels smaller than the bot's resting size there (or not shown): clamped at zero, and the shortfall. */
  clampedLevels: number;
  clampedQty: Qty;
  /** Prints dropped whole, prints reduced, and the quantity taken out of prints. */
  printsDropped: number;
  printsReduced: number;
  printQtyRemoved: Qty;
  /** Own fill quantity no print was found for. */
  unmatchedFillQty: Qty;
  /** Book frames earlier than a frame already filtered in their market. */
  outOfOrderFrames: number;
}

interface Change {
  at: number;
  seq: number;
  orderId: string;
  side: OrderSide;
  price: number;
  /** Resting quantity from this time on (0 = not resting). */
  leaves: Qty;
}

interface Fill {
  at: number;
  side: OrderSide | null;
  aggressor: boolean | null;
  price: number;
  remaining: Qty;
}

interface MarketTimeline {
  changes: Change[];
  next: number;
  lastAt: number;
  /** Per order: where it rests now. */
  resting: Map<string, { side: OrderSide; price: number; leaves: Qty }>;
  /** Per book side and price: the bot's resting quantity now. */
  bids: Map<number, Qty>;
  asks: Map<number, Qty>;
  fills: Fill[];
  firstOpenFill: number;
}

/** The bot's resting quantities of the book side an order of `side` rests on (shared/domain/own-liquidity.ts). */
const sideOf = (m: MarketTimeline, side: OrderSide): Map<number, Qty> => (bookSideOf(side) === 'bid' ? m.bids : m.asks);

export class OwnLiquidityFilter {
  private readonly markets = new Map<string, MarketTimeline>();
  private readonly window: number;
  private readonly counts: OwnLiquidityStats = {
    orders: 0,
    fills: 0,
    unattributed: 0,
    framesAdjusted: 0,
    levelQtyRemoved: 0,
    clampedLevels: 0,
    clampedQty: 0,
    printsDropped: 0,
    printsReduced: 0,
    printQtyRemoved: 0,
    unmatchedFillQty: 0,
    outOfOrderFrames: 0,
  };

  /** The filter for a recording, or undefined when it holds no live own records (nothing to take out). */
  static fromLines(lines: OwnLineSource, opts: OwnLiquidityOptions = {}): OwnLiquidityFilter | undefined {
    const own: { t: number; e: OwnRecord }[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (lines.kindAt(i) !== 'own') continue;
      const l = lines.line(i);
      if (l.k === 'own' && l.e.venue === 'live') own.push({ t: l.t, e: l.e });
    }
    if (own.length === 0) return undefined;
    return new OwnLiquidityFilter(own, opts);
  }

  constructor(records: readonly { t: number; e: OwnRecord }[], opts: OwnLiquidityOptions = {}) {
    this.window = opts.matchWindowMs ?? DEFAULT_MATCH_WINDOW_MS;
    this.build(records);
  }

  stats(): OwnLiquidityStats {
    let unmatched = 0;
    for (const m of this.markets.values()) for (const f of m.fills) unmatched += f.remaining;
    return { ...this.counts, unmatchedFillQty: unmatched };
  }

  /** The market event the engine should see: a book without the bot's own size, a print without its fills, or null when nothing is left of a print. */
  market(ev: VenueEvent, receivedAt: number): VenueEvent | null {
    if (ev.type === 'book') return this.book(ev, receivedAt);
    if (ev.type === 'trade') return this.trade(ev);
    return ev;
  }

  private timeline(slug: string): MarketTimeline {
    let m = this.markets.get(slug);
    if (!m) {
      m = { changes: [], next: 0, lastAt: -Infinity, resting: new Map(), bids: new Map(), asks: new Map(), fills: [], firstOpenFill: 0 };
      this.markets.set(slug, m);
    }
    return m;
  }

  /** Per market, the resting-state changes in time order and the fills, from the records in line order. */
  private build(records: readonly { t: number; e: OwnRecord }[]): void {
    // Where each order rests, in line order (an open-orders snapshot ends those it does not list).
    const current = new Map<string, { slug: string; side: OrderSide; price: number }>();
    const known = new Map<string, { side: OrderSide | null; price: number | null }>();
    let seq = 0;
    const change = (slug: string, at: number, orderId: string, side: OrderSide, price: number, leaves: Qty): void => {
      this.timeline(slug).changes.push({ at, seq: seq++, orderId, side, price, leaves });
    };
    for (const { t, e } of records) {
      if (e.type === 'fill') {
        this.counts.fills++;
        const side = e.side ?? known.get(e.orderId)?.side ?? null;
        this.timeline(e.marketSlug).fills.push(this.fillOf(e, side, t));
        continue;
      }
      if (e.type === 'order') {
        this.counts.orders++;
        const k = known.get(e.orderId);
        const side = e.side ?? k?.side ?? null;
        const price = e.price ?? k?.price ?? null;
        known.set(e.orderId, { side, price });
        const at = e.at ?? t;
        const prev = current.get(e.orderId);
        // A modify that moved the order: its old place empties.
        if (prev && (!e.resting || prev.price !== price || prev.side !== side)) {
          change(prev.slug, at, e.orderId, prev.side, prev.price, 0);
          current.delete(e.orderId);
        }
        if (!e.resting) continue;
        if (side === null || price === null) {
          this.counts.unattributed++;
          continue;
        }
        change(e.marketSlug, at, e.orderId, side, price, e.leaves);
        current.set(e.orderId, { slug: e.marketSlug, side, price });
        continue;
      }
      // open_orders: the complete set at its receive time.
      const listed = new Set<string>();
      for (const o of e.orders) {
        const side = o.side ?? known.get(o.orderId)?.side ?? null;
        known.set(o.orderId, { side, price: o.price });
        const prev = current.get(o.orderId);
        if (prev && (prev.price !== o.price || prev.side !== side)) change(prev.slug, t, o.orderId, prev.side, prev.price, 0);
        if (side === null) {
          this.counts.unattributed++;
          current.delete(o.orderId);
          continue;
        }
        listed.add(o.orderId);
        change(o.marketSlug, t, o.orderId, side, o.price, o.leaves);
        current.set(o.orderId, { slug: o.marketSlug, side, price: o.price });
      }
      for (const [id, p] of [...current]) {
        if (listed.has(id)) continue;
        change(p.slug, t, id, p.side, p.price, 0);
        current.delete(id);
      }
    }
    for (const m of this.markets.values()) {
      m.changes.sort((a, b) => a.at - b.at || a.seq - b.seq);
      m.fills.sort((a, b) => a.at - b.at);
    }
  }

  private fillOf(e: OwnFillRecord, side: OrderSide | null, t: number): Fill {
    return { at: e.at ?? t, side, aggressor: e.aggressor, price: e.price, remaining: e.qty };
  }

  /** Applies every change at or before `at` (a market's state only moves forward). */
  private advance(m: MarketTimeline, at: number): void {
    if (at < m.lastAt) this.counts.outOfOrderFrames++;
    else m.lastAt = at;
    while (m.next < m.changes.length && (m.changes[m.next] as Change).at <= at) {
      const c = m.changes[m.next++] as Change;
      const prev = m.resting.get(c.orderId);
      if (prev) addQtyAt(sideOf(m, prev.side), prev.price, -prev.leaves);
      if (c.leaves > 0) {
        m.resting.set(c.orderId, { side: c.side, price: c.price, leaves: c.leaves });
        addQtyAt(sideOf(m, c.side), c.price, c.leaves);
      } else m.resting.delete(c.orderId);
    }
  }

  private book(ev: Extract<VenueEvent, { type: 'book' }>, receivedAt: number): VenueEvent {
    const m = this.markets.get(ev.marketSlug);
    if (!m || m.changes.length === 0) return ev;
    this.advance(m, ev.transactTime ?? receivedAt);
    if (m.bids.size === 0 && m.asks.size === 0) return ev;
    const bids = this.levels(ev.bids, m.bids);
    const asks = this.levels(ev.asks, m.asks);
    if (bids === ev.bids && asks === ev.asks) return ev;
    this.counts.framesAdjusted++;
    return { ...ev, bids, asks };
  }

  /** The levels without the bot's own quantity (the same array when nothing changes). */
  private levels(levels: BookLevel[], own: Map<number, Qty>): BookLevel[] {
    if (own.size === 0) return levels;
    let out: BookLevel[] | null = null;
    let seen = 0;
    for (let i = 0; i < levels.length; i++) {
      const l = levels[i] as BookLevel;
      const mine = own.get(l.price);
      if (mine === undefined) {
        out?.push(l);
        continue;
      }
      seen++;
      out ??= levels.slice(0, i);
      const left = remainingAfterOwn(l.qty, mine);
      this.counts.levelQtyRemoved += Math.max(l.qty, 0) - left;
      if (mine > l.qty) {
        this.counts.clampedLevels++;
        this.counts.clampedQty += mine - Math.max(l.qty, 0);
      }
      if (left > 0) out.push({ ...l, qty: left });
    }
    // Own size at a price the frame does not show at all: nothing to take out there (clamped whole).
    if (seen < own.size) {
      for (const [price, q] of own) {
        if (levels.some((l) => l.price === price)) continue;
        this.counts.clampedLevels++;
        this.counts.clampedQty += q;
      }
    }
    return out ?? levels;
  }

  private trade(ev: Extract<VenueEvent, { type: 'trade' }>): VenueEvent | null {
    const m = this.markets.get(ev.marketSlug);
    if (!m || m.fills.length === 0) return ev;
    const from = ev.tradeTime - this.window;
    const to = ev.tradeTime + this.window;
    while (m.firstOpenFill < m.fills.length && (m.fills[m.firstOpenFill] as Fill).at < from) m.firstOpenFill++;
    let left = ev.qty;
    while (left > 0) {
      // The own fill closest in time that this print can be.
      let best: Fill | undefined;
      for (let i = m.firstOpenFill; i < m.fills.length; i++) {
        const f = m.fills[i] as Fill;
        if (f.at > to) break;
        if (f.remaining <= 0 || f.price !== ev.price || !this.takerMatches(f, ev.takerSide)) continue;
        if (!best || Math.abs(f.at - ev.tradeTime) < Math.abs(best.at - ev.tradeTime)) best = f;
      }
      if (!best) break;
      const q = Math.min(best.remaining, left);
      best.remaining -= q;
      left -= q;
    }
    if (left === ev.qty) return ev;
    this.counts.printQtyRemoved += ev.qty - left;
    if (left === 0) {
      this.counts.printsDropped++;
      return null;
    }
    this.counts.printsReduced++;
    const { qtyExact: _exact, ...rest } = ev;
    return { ...rest, qty: left };
  }

  /** A taker print is the bot's fill when the taker was the bot (its side) or traded against it (the other). */
  private takerMatches(f: Fill, takerSide: OrderSide): boolean {
    if (f.side === null || f.aggressor === null) return true;
    return f.aggressor === (takerSide === f.side);
  }
}
