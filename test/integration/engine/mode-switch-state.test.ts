/**
 * A runtime switch between paper and live must not carry one account's picture into the other: the state
 * manager's positions (which strategies and risk read: a held position makes the edge takers SELL it, and
 * counts as exposure) are the destination account's after the switch, and the live order tracker keeps
 * hearing its own orders' executions while paper is active (a live fill is real money).
 */
import { describe, expect, it } from 'vitest';
import type { OrderGateway } from '../../../shared/domain/gateway.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';
import type { CreateOrderResult, VenueExecution, VenueOrder, VenuePosition } from '../../../shared/domain/venue-models.js';
import { bookEvent, oddsEvent, px, ScriptedWorld } from '../../support/engine-fixtures.js';

const FX = { fixtureId: 'FX1', home: 'Boston Celtics', away: 'Chicago Bulls' };

class FakeLiveGateway implements OrderGateway {
  readonly creates: OrderRequest[] = [];
  private seq = 0;
  private held: ((r: CreateOrderResult) => void) | undefined;
  holdNext = false;
  createOrder(request: OrderRequest): Promise<CreateOrderResult> {
    this.creates.push(request);
    const orderId = `live-${++this.seq}`;
    if (this.holdNext) {
      this.holdNext = false;
      return new Promise((resolve) => (this.held = () => resolve({ orderId, executions: [], recovered: false })));
    }
    return Promise.resolve({ orderId, executions: [], recovered: false });
  }
  release(): void {
    this.held?.({ orderId: '', executions: [], recovered: false });
  }
  cancelOrder(): Promise<void> {
    return Promise.resolve();
  }
  modifyOrder(): Promise<void> {
    return Promise.resolve();
  }
  cancelAll(): Promise<string[]> {
    return Promise.resolve([]);
  }
  openOrders(): Promise<VenueOrder[]> {
    return Promise.resolve([]);
  }
}

function livePosition(marketSlug: string, netPosition: Qty, cost: number): VenuePosition {
  return { marketSlug, netPosition, qtyBought: Math.max(0, netPosition), qtySold: Math.max(0, -netPosition), cost, realized: 0, bodPosition: 0, expired: false, updateTime: null, cashValue: null, qtyAvailable: null };
}

describe('paper ↔ live switch: each mode sees its own account', () => {
  it('paper positions do not follow the bot into live mode (no SELL of contracts the live account does not hold)', async () => {
    const gateway = new FakeLiveGateway();
    const w = new ScriptedWorld({ strategies: ['statistical_edge'], liveGateway: gateway });
    const { fixture, homeSlug } = w.addFixture(FX);
    const e = w.engine;
    // Paper buys 37 YES at 0.50. statistical_edge (min_edge 0.05 kept AFTER the taker fee, Θ 0.0695): the
    // highest limit L on the 0.01 tick with 0.60 − L − 0.0695·L·(1 − L) ≥ 0.05 is 0.53 (0.54 keeps only
    // 0.06 − 0.017264 = 0.042736; 0.53 keeps 0.07 − 0.017312 = 0.052688). The ask 0.50 is under it, and the
    // size is order_size over the limit: floor(20 / 0.53) = 37 (before fees the limit was 0.55 and
    // floor(20 / 0.55) = 36). Quarter Kelly on the net edge at 0.53 allows floor(0.25 × 0.052688 × 1000 /
    // (0.547312 × 0.452688)) = 53, so the order size is the binding cap.
    w.feed(oddsEvent(fixture, 0.6, w.clock.now()));
    w.market(bookEvent(homeSlug, [[0.44, 100]], [[0.5, 100]], w.clock.now()));
    await w.advance(200);
    expect(e.state.position(homeSlug)).toMatchObject({ side: 'YES', quantity: contracts(37) });
    e.onLivePrivateEvent({ type: 'balance', balance: 250_000_000, buyingPower: 200_000_000, receivedAt: w.clock.now() });
    expect(e.state.account().buyingPower).not.toBe(200_000_000); // paper is the picture

    await e.setMode('live');
    expect(e.state.account()).toMatchObject({ balance: 250_000_000, buyingPower: 200_000_000 });
    // The live account holds nothing here.
    expect(e.state.position(homeSlug)?.quantity ?? 0).toBe(0);

    // The consensus collapses below a rich bid: in live mode, with nothing held, that is a BUY_NO — never a
    // SELL_LONG of 37 contracts that only exist in the paper account.
    await w.advance(6_000);
    w.feed(oddsEvent(fixture, 0.3, w.clock.now()));
    w.market(bookEvent(homeSlug, [[0.45, 100]], [[0.47, 100]], w.clock.now()));
    await w.advance(100);
    expect(gateway.creates.map((r) => r.intent)).not.toContain('ORDER_INTENT_SELL_LONG');
    expect(gateway.creates).toHaveLength(1);
    expect(gateway.creates[0]).toMatchObject({ intent: 'ORDER_INTENT_BUY_SHORT', marketSlug: homeSlug });

    // Back in paper, the paper account's 37 YES and its cash are the picture again.
    await e.setMode('paper');
    expect(e.state.position(homeSlug)).toMatchObject({ side: 'YES', quantity: contracts(37) });
    expect(e.state.account().balance).toBe(e.paper.balance().balance);
  });

  it('live positions heard while paper was active are the state after switching to live', async () => {
    const gateway = new FakeLiveGateway();
    const w = new ScriptedWorld({ strategies: [], liveGateway: gateway });
    const { homeSlug, awaySlug } = w.addFixture(FX);
    const e = w.engine;
    e.onLivePrivateEvent({ type: 'positions_snapshot', positions: [livePosition(homeSlug, contracts(12), 6_000_000)], receivedAt: w.clock.now() });
    e.onLivePrivateEvent({ type: 'position', position: livePosition(awaySlug, contracts(-5), 2_500_000), receivedAt: w.clock.now() });
    expect(e.state.position(homeSlug)).toBeUndefined(); // paper mode: the live account is not the picture
    await e.setMode('live');
    expect(e.state.position(homeSlug)).toMatchObject({ side: 'YES', quantity: contracts(12) });
    expect(e.state.position(awaySlug)).toMatchObject({ side: 'NO', quantity: contracts(5) });
    // No live balance heard yet: nothing to size against rather than the paper account's cash.
    expect(e.state.account().buyingPower).toBe(0);
  });

  it('a live order acknowledged after the switch to paper still has its fill recorded by the live tracker', async () => {
    const gateway = new FakeLiveGateway();
    const w = new ScriptedWorld({ strategies: ['statistical_edge'], liveGateway: gateway });
    const { fixture, homeSlug } = w.addFixture(FX);
    const e = w.engine;
    await e.setMode('live');
    e.onLivePrivateEvent({ type: 'balance', balance: 1_000_000_000, buyingPower: 1_000_000_000, receivedAt: w.clock.now() });
    gateway.holdNext = true;
    w.feed(oddsEvent(fixture, 0.6, w.clock.now()));
    w.market(bookEvent(homeSlug, [[0.44, 100]], [[0.5, 100]], w.clock.now()));
    const live = e.executor();
    const [o] = live.tracker.all();
    expect(o?.status).toBe('SUBMITTED');
    await e.setMode('paper');
    gateway.release();
    await w.advance(10);
    const id = live.tracker.get(o!.localId)!.orderId!;
    expect(id).toBeDefined();
    // The venue filled it before the (deferred) cancel landed: a real fill on the live account.
    const order: VenueOrder = { id, marketSlug: homeSlug, side: 'ORDER_SIDE_BUY', type: 'ORDER_TYPE_LIMIT', price: px(0.55), quantity: o!.request.quantity, cumQuantity: o!.request.quantity, leavesQuantity: 0, tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL', goodTillTime: null, intent: 'ORDER_INTENT_BUY_LONG', state: 'ORDER_STATE_FILLED', avgPx: px(0.5), createTime: null, commissionsBasisPoints: null, makerCommissionsBasisPoints: null };
    const x: VenueExecution = { id: 'exec-1', order, lastShares: o!.request.quantity, lastPx: px(0.5), type: 'EXECUTION_TYPE_FILL', text: null, orderRejectReason: null, transactTime: w.clock.now(), tradeId: 't1', aggressor: true, commissionNotionalCollected: 50_000 };
    e.onLivePrivateEvent({ type: 'execution', execution: x, receivedAt: w.clock.now() });
    expect(live.tracker.get(o!.localId)).toMatchObject({ status: 'FILLED', filledQty: o!.request.quantity });
    // Paper's picture is untouched by it.
    expect(e.state.position(homeSlug)).toBeUndefined();
  });
});
