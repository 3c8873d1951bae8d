/**
 * The live executor's gateway in an engine that can run shadow mode: every request goes to the live exchange
 * unchanged, and — while shadow is on — a copy of each create, cancel, modify and cancel-all goes to the paper
 * twins (shadow-bench.ts) at the same moment, so the twins trade the same signals at the same sizes on the
 * same feed. The live answer is what the executor gets; a twin's failure never reaches it.
 *
 * Pairing: the journal order of a create is known at once; the live order id when the live create answers
 * (cancels and modifies name live ids, which exist only after that). A live create that fails, or a live
 * order the venue rejects (`liveRejected`), leaves the comparison and its twins are cancelled.
 */
import type { BatchCreateOutcome, OrderFlow, OrderGateway } from '../domain/gateway.js';
import type { PriceMicros } from '../domain/money.js';
import type { OrderRequest } from '../domain/order.js';
import type { Qty } from '../domain/quantity.js';
import { INTENT_EFFECT } from '../domain/venue-enums.js';
import type { CreateOrderResult, VenueOrder } from '../domain/venue-models.js';
import type { ShadowBench } from './shadow-bench.js';
import type { JournalOrder, ShadowJournal } from './shadow-journal.js';

type Change = { price?: PriceMicros; quantity?: Qty };

export class MirrorGateway implements OrderGateway {
  /** Live order id → its journal order (for the live account's fills, cancels and modifies). */
  private readonly byLive = new Map<string, JournalOrder>();
  createOrders?: (requests: OrderRequest[]) => Promise<BatchCreateOutcome[]>;
  cancelOrders?: (orders: { orderId: string; marketSlug: string }[]) => Promise<void>;
  modifyOrders?: (orders: { orderId: string; marketSlug: string; change: Change }[]) => Promise<void>;

  constructor(
    private readonly live: OrderGateway,
    private readonly shadow: { active: () => boolean; bench: ShadowBench; journal: ShadowJournal },
  ) {
    // Batch calls exactly when the live gateway has them (the executor's batcher looks for them).
    if (live.createOrders) {
      const createOrders = live.createOrders.bind(live);
      this.createOrders = async (requests) => {
        const mirrored = requests.map((r) => this.mirrorCreate(r));
        let outcomes: BatchCreateOutcome[];
        try {
          outcomes = await createOrders(requests);
        } catch (err) {
          for (const m of mirrored) this.liveFailed(m, 'live batch create failed');
          throw err;
        }
        outcomes.forEach((o, i) => (o.ok ? this.liveCreated(mirrored[i], o.result) : this.liveFailed(mirrored[i], 'live create failed')));
        return outcomes;
      };
    }
    if (live.cancelOrders) {
      const cancelOrders = live.cancelOrders.bind(live);
      this.cancelOrders = (orders) => {
        for (const o of orders) this.mirrorCancel(o.orderId);
        return cancelOrders(orders);
      };
    }
    if (live.modifyOrders) {
      const modifyOrders = live.modifyOrders.bind(live);
      this.modifyOrders = (orders) => {
        for (const o of orders) this.mirrorModify(o.orderId, o.change);
        return modifyOrders(orders);
      };
    }
  }

  async createOrder(request: OrderRequest): Promise<CreateOrderResult> {
    const mirrored = this.mirrorCreate(request);
    try {
      const result = await this.live.createOrder(request);
      this.liveCreated(mirrored, result);
      return result;
    } catch (err) {
      this.liveFailed(mirrored, 'live create failed');
      throw err;
    }
  }

  cancelOrder(orderId: string, marketSlug: string): Promise<void> {
    this.mirrorCancel(orderId);
    return this.live.cancelOrder(orderId, marketSlug);
  }

  modifyOrder(orderId: string, marketSlug: string, change: Change): Promise<void> {
    this.mirrorModify(orderId, change);
    return this.live.modifyOrder(orderId, marketSlug, change);
  }

  cancelAll(marketSlugs?: string[]): Promise<string[]> {
    if (this.shadow.active()) this.shadow.bench.cancelAll(marketSlugs);
    return this.live.cancelAll(marketSlugs);
  }

  openOrders(marketSlugs?: string[]): Promise<VenueOrder[]> {
    return this.live.openOrders(marketSlugs);
  }

  /** The live account's flow (a refused live request fails, and its twins leave the comparison as any failure). */
  setOrderFlow(flow: OrderFlow): void {
    this.live.setOrderFlow?.(flow);
  }

  /** The journal order of a live order id (the live account's fills are journaled through it). */
  journalOrder(liveOrderId: string): JournalOrder | undefined {
    return this.byLive.get(liveOrderId);
  }

  /** The venue rejected (or the exchange cancelled unfilled before it ever rested) a live order: out of the comparison. */
  liveRejected(liveOrderId: string, reason: string): void {
    const order = this.byLive.get(liveOrderId);
    if (!order) return;
    this.shadow.journal.exclude(order, reason);
    this.shadow.bench.cancel(order);
  }

  /** A live order is done: forget its id (its journal record stays for the day's panel). */
  forget(liveOrderId: string): void {
    this.byLive.delete(liveOrderId);
  }

  /** Forgets every pairing (leaving shadow mode). */
  clear(): void {
    this.byLive.clear();
  }

  private mirrorCreate(request: OrderRequest): JournalOrder | undefined {
    if (!this.shadow.active()) return undefined;
    const order = this.shadow.journal.post(request.marketSlug, INTENT_EFFECT[request.intent].buysLong, request.type === 'ORDER_TYPE_MARKET' ? null : (request.price ?? null), request.quantity);
    if (order) this.shadow.bench.create(order, request);
    return order;
  }

  private mirrorCancel(liveOrderId: string): void {
    const order = this.byLive.get(liveOrderId);
    if (order && this.shadow.active()) this.shadow.bench.cancel(order);
  }

  private mirrorModify(liveOrderId: string, change: Change): void {
    const order = this.byLive.get(liveOrderId);
    if (!order || !this.shadow.active()) return;
    this.shadow.journal.repost(order, change);
    this.shadow.bench.modify(order, change);
  }

  private liveCreated(order: JournalOrder | undefined, result: CreateOrderResult): void {
    if (!order) return;
    this.shadow.journal.attachLive(order, result.orderId);
    this.byLive.set(result.orderId, order);
  }

  private liveFailed(order: JournalOrder | undefined, reason: string): void {
    if (!order) return;
    this.shadow.journal.exclude(order, reason);
    this.shadow.bench.cancel(order);
  }
}
