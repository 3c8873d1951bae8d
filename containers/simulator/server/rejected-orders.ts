/**
 * Orders the wire server rejects itself, with an order id and an EXECUTION_TYPE_REJECTED on the order stream
 * (and in the create answer's executions), as the venue does for an order it accepts at the gateway and then
 * refuses (docs/venue-rules.md, "Per-market constraints": such orders "still get an order id, then are rejected"):
 *
 * - the latency stopgap (docs/venue-rules.md, "Rate limits and the latency stopgap"): under load the exchange
 *   rejects any new order, and any cancel/replace modify, it could not process within 5 s, with the text
 *   `Global Rate Limit Exceeded`. Not a rate limit (no 429). A modify is answered as usual and its replace is
 *   rejected on the stream, the order resting unchanged. Pure cancels are never hit. The fault controller's
 *   `setLatencyStopgap(true)` turns it on;
 * - an entry of a batched create that the engine refuses as a request (unknown market, bad tick …): batch
 *   entries are independent, so that entry alone is rejected and keeps its place in `createdOrderIds`.
 *
 * GET /v1/order/{orderId} finds these orders (the most recent MAX_REMEMBERED of them).
 */
import { INTENT_EFFECT } from '../../../shared/domain/venue-enums.js';
import type { VenueOrder } from '../../../shared/domain/venue-models.js';
import type { OrderResult, SimExecution, SimOrderView, SubmitOrderRequest } from '../exchange/types.js';

export const STOPGAP_TEXT = 'Global Rate Limit Exceeded';
const GENERIC_REASON = 'ORD_REJECT_REASON_EXCHANGE_OPTION';
const MAX_REMEMBERED = 10_000;

export interface RejectedOrdersDeps {
  /** Whether the latency stopgap is on now (the fault switch). */
  stopgapActive(): boolean;
  now(): number;
  /** Sends an execution of the account on the order stream (as the engine's own executions are). */
  publish(accountId: string, execution: SimExecution): void;
}

export class RejectedOrders {
  private orderSeq = 0;
  private execSeq = 0;
  private readonly rejected = new Map<string, { accountId: string; order: SimOrderView }>();

  constructor(private readonly deps: RejectedOrdersDeps) {}

  /** The latency stopgap is on: creates and modifies are to be rejected. */
  get stopgapActive(): boolean {
    return this.deps.stopgapActive();
  }

  /** A create refused after the gateway: a new order id, the order rejected with `text` and `reason`. */
  rejectCreate(accountId: string, req: SubmitOrderRequest, text = STOPGAP_TEXT, reason = GENERIC_REASON): OrderResult {
    const now = this.deps.now();
    const id = `ord-rj-${++this.orderSeq}`;
    const sentTif = req.tif ?? 'TIME_IN_FORCE_GOOD_TILL_CANCEL';
    const order: SimOrderView = {
      id,
      marketSlug: req.marketSlug,
      side: INTENT_EFFECT[req.intent].side,
      type: req.type ?? 'ORDER_TYPE_LIMIT',
      price: req.price ?? null,
      quantity: req.quantity ?? 0,
      cumQuantity: 0,
      leavesQuantity: 0,
      tif: sentTif === 'TIME_IN_FORCE_DAY' ? 'TIME_IN_FORCE_GOOD_TILL_CANCEL' : sentTif,
      timeInForceAsSent: sentTif,
      commissionNotionalTotalCollected: 0,
      goodTillTime: req.goodTillTime ?? null,
      intent: req.intent,
      state: 'ORDER_STATE_REJECTED',
      avgPx: null,
      createTime: now,
      commissionsBasisPoints: null,
      makerCommissionsBasisPoints: null,
    };
    this.rejected.set(id, { accountId, order });
    if (this.rejected.size > MAX_REMEMBERED) this.rejected.delete(this.rejected.keys().next().value!);
    const execution = this.execution(order, now, text, reason);
    this.deps.publish(accountId, execution);
    return { order, executions: [execution] };
  }

  /** A modify refused (the stopgap, or a refused batch entry): the replace is rejected, the order left as it was. */
  rejectModify(accountId: string, order: VenueOrder, text = STOPGAP_TEXT): SimExecution {
    const view: SimOrderView = { ...order, timeInForceAsSent: order.tif, commissionNotionalTotalCollected: order.commissionNotionalTotalCollected ?? 0 };
    const execution = this.execution(view, this.deps.now(), text, GENERIC_REASON);
    this.deps.publish(accountId, execution);
    return execution;
  }

  /** An order rejected here, for its account. */
  getOrder(accountId: string, orderId: string): SimOrderView | undefined {
    const r = this.rejected.get(orderId);
    return r && r.accountId === accountId ? r.order : undefined;
  }

  private execution(order: SimOrderView, now: number, text: string, reason: string): SimExecution {
    return {
      id: `exe-rj-${++this.execSeq}`,
      order,
      lastShares: null,
      lastPx: null,
      type: 'EXECUTION_TYPE_REJECTED',
      text,
      orderRejectReason: reason,
      transactTime: now,
      tradeId: null,
      aggressor: null,
      commissionNotionalCollected: null,
      unsolicitedCancelReason: null,
    };
  }
}
