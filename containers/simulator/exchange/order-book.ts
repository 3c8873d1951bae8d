/**
 * One binary market's order book, on the long side. Price levels live in two arrays indexed by the integer
 * tick index (price / tick), so finding a level is O(1); each level is a FIFO doubly-linked queue, so adding
 * at the tail and removing any order by id are O(1). The best bid / ask indices are maintained on insert and
 * re-scanned (bounded by the number of ticks, 99 at a 0.01 tick) only when the best level empties.
 */
import type { Qty } from '../../../shared/domain/quantity.js';
import { ONE_DOLLAR, type PriceMicros } from '../../../shared/domain/money.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { SimOrder } from './order-record.js';

interface Node {
  order: SimOrder;
  /** Contracts of this order resting in the book (its leaves quantity). */
  qty: Qty;
  prev: Node | null;
  next: Node | null;
  level: Level;
}

interface Level {
  index: number;
  price: PriceMicros;
  total: number;
  count: number;
  head: Node | null;
  tail: Node | null;
}

export class OrderBook {
  readonly tick: PriceMicros;
  /** Highest valid tick index (price = index × tick, strictly below 1 USD). */
  readonly maxIndex: number;
  private readonly bids: (Level | undefined)[];
  private readonly asks: (Level | undefined)[];
  private bestBidIdx = -1;
  private bestAskIdx = -1;
  private bidLevels = 0;
  private askLevels = 0;
  private readonly nodes = new Map<string, Node>();

  constructor(tick: PriceMicros) {
    if (!Number.isSafeInteger(tick) || tick <= 0 || ONE_DOLLAR % tick !== 0 || tick >= ONE_DOLLAR) {
      throw new RangeError(`tick must be a positive integer number of micros dividing 1 USD, got ${tick}`);
    }
    this.tick = tick;
    this.maxIndex = ONE_DOLLAR / tick - 1;
    this.bids = new Array<Level | undefined>(this.maxIndex + 1);
    this.asks = new Array<Level | undefined>(this.maxIndex + 1);
  }

  get size(): number {
    return this.nodes.size;
  }

  has(orderId: string): boolean {
    return this.nodes.has(orderId);
  }

  /** Appends a resting order at the tail of its price level (it must have a price on the tick grid). */
  add(order: SimOrder): void {
    if (order.price === null) throw new Error('a market order cannot rest');
    if (this.nodes.has(order.id)) throw new Error(`order ${order.id} already rests`);
    const index = order.price / this.tick;
    if (!Number.isInteger(index) || index < 1 || index > this.maxIndex) throw new RangeError(`price off the grid: ${order.price}`);
    const side = order.buysLong ? this.bids : this.asks;
    let level = side[index];
    if (!level) {
      level = { index, price: order.price, total: 0, count: 0, head: null, tail: null };
      side[index] = level;
      if (order.buysLong) {
        this.bidLevels++;
        if (index > this.bestBidIdx) this.bestBidIdx = index;
      } else {
        this.askLevels++;
        if (this.bestAskIdx === -1 || index < this.bestAskIdx) this.bestAskIdx = index;
      }
    }
    const node: Node = { order, qty: order.leavesQuantity, prev: level.tail, next: null, level };
    if (level.tail) level.tail.next = node;
    else level.head = node;
    level.tail = node;
    level.total += node.qty;
    level.count++;
    this.nodes.set(order.id, node);
  }

  /** Removes a resting order; returns false if it was not in the book. */
  remove(orderId: string): boolean {
    const node = this.nodes.get(orderId);
    if (!node) return false;
    this.nodes.delete(orderId);
    const level = node.level;
    if (node.prev) node.prev.next = node.next;
    else level.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else level.tail = node.prev;
    level.total -= node.qty;
    level.count--;
    if (level.count === 0) this.dropLevel(level, node.order.buysLong);
    return true;
  }

  /** Sets the resting quantity of an order in place (keeps its time priority). 0 removes it. */
  setQty(orderId: string, qty: Qty): void {
    const node = this.nodes.get(orderId);
    if (!node) throw new Error(`order ${orderId} does not rest`);
    if (qty <= 0) {
      this.remove(orderId);
      return;
    }
    node.level.total += qty - node.qty;
    node.qty = qty;
  }

  bestBid(): PriceMicros | null {
    return this.bestBidIdx === -1 ? null : this.bestBidIdx * this.tick;
  }

  bestAsk(): PriceMicros | null {
    return this.bestAskIdx === -1 ? null : this.bestAskIdx * this.tick;
  }

  /** Contracts at the best bid (buysLong) or best ask. */
  bestQty(buysLong: boolean): number {
    const idx = buysLong ? this.bestBidIdx : this.bestAskIdx;
    if (idx === -1) return 0;
    return (buysLong ? this.bids : this.asks)[idx]?.total ?? 0;
  }

  levelCount(buysLong: boolean): number {
    return buysLong ? this.bidLevels : this.askLevels;
  }

  /** Aggregated levels, best first; `depth` limits the number of levels. */
  levels(buysLong: boolean, depth = Number.POSITIVE_INFINITY): BookLevel[] {
    const out: BookLevel[] = [];
    for (const level of this.levelIterator(buysLong)) {
      if (out.length >= depth) break;
      out.push({ price: level.price, qty: level.total });
    }
    return out;
  }

  /**
   * Resting orders of one side, best price first and FIFO within a price. The iterator tolerates removal of
   * the order it just yielded (it reads the next pointer before yielding).
   */
  *orders(buysLong: boolean): Generator<SimOrder> {
    for (const level of this.levelIterator(buysLong)) {
      let node = level.head;
      while (node) {
        const next = node.next;
        yield node.order;
        node = next;
      }
    }
  }

  /** All resting orders (any side, any order). */
  allOrders(): IterableIterator<SimOrder> {
    const it = this.nodes.values();
    return (function* () {
      for (const n of it) yield n.order;
    })();
  }

  private *levelIterator(buysLong: boolean): Generator<Level> {
    if (buysLong) {
      for (let i = this.bestBidIdx; i >= 1; i--) {
        const level = this.bids[i];
        if (level) yield level;
      }
    } else {
      if (this.bestAskIdx === -1) return;
      for (let i = this.bestAskIdx; i <= this.maxIndex; i++) {
        const level = this.asks[i];
        if (level) yield level;
      }
    }
  }

  private dropLevel(level: Level, buysLong: boolean): void {
    if (buysLong) {
      this.bids[level.index] = undefined;
      this.bidLevels--;
      if (level.index === this.bestBidIdx) {
        let i = level.index - 1;
        while (i >= 1 && !this.bids[i]) i--;
        this.bestBidIdx = i >= 1 ? i : -1;
      }
    } else {
      this.asks[level.index] = undefined;
      this.askLevels--;
      if (level.index === this.bestAskIdx) {
        let i = level.index + 1;
        while (i <= this.maxIndex && !this.asks[i]) i++;
        this.bestAskIdx = i <= this.maxIndex ? i : -1;
      }
    }
  }
}
