import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { takerFee } from '../../../shared/domain/fees.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { M, lv, paper, usd } from './helpers.js';

describe('fill simulator: resting orders', () => {
  it('(a) book changes alone never fill a resting order', async () => {
    const p = paper();
    p.book([lv(0.5, 100)], [lv(0.53, 100)]);
    {
      const { orderId: id } = await p.ex.createOrder(p.order({ price: usd(0.5), quantity: contracts(10) }));
      p.scheduler.advance(100);
      // size at our price shrinks to nothing and comes back, better bids appear, asks move toward us
      p.book([lv(0.5, 20)], [lv(0.52, 50)]);
      p.book([lv(0.51, 40)], [lv(0.51 + 0.01, 5)]);
      p.book([], [lv(0.51, 1)]);
      p.book([lv(0.5, 300)], [lv(0.6, 10)]);
      p.scheduler.advance(10_000);
      expect(p.filledQty(id)).toBe(0);
      expect(p.ex.simulator.get(id)?.status).toBe('resting');
    }
  });

  it('(a, property) no sequence of non-crossing books fills a resting bid', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            bids: fc.array(fc.record({ c: fc.integer({ min: 1, max: 50 }), q: fc.integer({ min: 1, max: 500 }) }), { maxLength: 5 }),
            asks: fc.array(fc.record({ c: fc.integer({ min: 51, max: 99 }), q: fc.integer({ min: 1, max: 500 }) }), { maxLength: 5 }),
          }),
          { maxLength: 30 },
        ),
        async (books) => {
          const p = paper();
          p.book([lv(0.5, 50)], [lv(0.55, 50)]);
          const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.5), quantity: contracts(10) }));
          p.scheduler.advance(100);
          for (const b of books) {
            p.book(
              b.bids.map((l) => lv(l.c / 100, l.q)),
              b.asks.map((l) => lv(l.c / 100, l.q)),
            );
          }
          expect(p.filledQty(orderId)).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a modify while the market is not open is refused, as the venue does: the order keeps its price and nothing fills', async () => {
    const p = paper();
    p.book([lv(0.5, 100)], [lv(0.53, 100)]);
    const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.5), quantity: contracts(10) }));
    p.scheduler.advance(100);
    p.book([lv(0.5, 100)], [lv(0.53, 100)], 'MARKET_STATE_SUSPENDED');
    // Re-pricing through the offer would take it at once in an open market.
    await p.ex.modifyOrder(orderId, p.order({}).marketSlug, { price: usd(0.53) });
    p.scheduler.advance(100);
    expect(p.filledQty(orderId)).toBe(0);
    expect(p.ex.simulator.get(orderId)).toMatchObject({ status: 'resting', price: usd(0.5) });
    expect(p.executions().find((x) => x.order.id === orderId && x.type === 'EXECUTION_TYPE_REJECTED')?.text).toBe('modify rejected: market not open (MARKET_STATE_SUSPENDED)');
    // Open again: the same modify goes through and takes the offer.
    p.book([lv(0.5, 100)], [lv(0.53, 100)]);
    await p.ex.modifyOrder(orderId, p.order({}).marketSlug, { price: usd(0.53) });
    p.scheduler.advance(100);
    expect(p.filledQty(orderId)).toBe(contracts(10));
  });

  it('each fill says what filled it: the order taking the book on arrival, a trade print, or a crossing book', async () => {
    const p = paper();
    const triggers: string[] = [];
    p.ex.simulator.onEvent((e) => {
      if (e.type === 'fill') triggers.push(`${e.fill.trigger}:${e.fill.liquidity}`);
    });
    p.book([lv(0.5, 100)], [lv(0.53, 100)]);
    await p.ex.createOrder(p.order({ price: usd(0.53), quantity: contracts(5) })); // takes the offer
    const { orderId: bid } = await p.ex.createOrder(p.order({ price: usd(0.51), quantity: contracts(10) })); // rests alone at 0.51
    p.scheduler.advance(100);
    p.trade(0.5, 4, 'ORDER_SIDE_SELL'); // a print through our bid
    p.book([lv(0.5, 100)], [lv(0.51, 100)]); // the book crosses the rest
    expect(p.filledQty(bid)).toBe(contracts(10));
    expect(triggers).toEqual(['arrival:TAKER', 'trade:MAKER', 'book:MAKER']);
  });

  it('a cancel travels for cancel_latency_ms: an order can still fill on the way, and not after it lands', async () => {
    for (const [cancelLatencyMs, filled] of [
      [300, contracts(10)],
      [50, 0],
    ] as const) {
      const p = paper({ latencyMs: 100, cancelLatencyMs });
      p.book([lv(0.5, 100)], [lv(0.53, 100)]);
      const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.5), quantity: contracts(10) }));
      p.scheduler.advance(100);
      await p.ex.cancelOrder(orderId, p.order({}).marketSlug);
      p.scheduler.advance(100); // the cancel is on its way (300 ms) or has landed (50 ms)
      p.book([lv(0.49, 100)], [lv(0.5, 100)]); // the book crosses our bid
      p.scheduler.advance(1_000);
      expect(p.filledQty(orderId), `cancel latency ${cancelLatencyMs} ms`).toBe(filled);
      expect(p.ex.simulator.get(orderId)?.status).toBe('done');
    }
  });

  it('a print is never taken off the queue twice, whichever of the book and the trade message comes first (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 200 }), // public size ahead of us at 0.50
        fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 4 }), // prints at 0.50, each with its book
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), // per print: does its book update arrive first?
        async (ahead, prints, bookFirst) => {
          const run = async (order: readonly boolean[]): Promise<number> => {
            const p = paper();
            const book = (visible: number, at: number) =>
              p.ex.onMarketEvent({ type: 'book', marketSlug: M, bids: visible > 0 ? [lv(0.5, visible)] : [], asks: [lv(0.53, 100)], state: 'MARKET_STATE_OPEN', transactTime: at, snapshot: true, receivedAt: p.clock.now() });
            book(ahead, p.clock.now());
            const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.5), quantity: contracts(30) }));
            p.scheduler.advance(100);
            let visible = ahead;
            for (const [i, size] of prints.entries()) {
              visible = Math.max(0, visible - size); // the print takes the public size ahead of us first
              const at = p.clock.now(); // the exchange's time of this trade, and of the book that shows it
              const print = () =>
                p.ex.onMarketEvent({ type: 'trade', marketSlug: M, price: usd(0.5), qty: contracts(size), takerSide: 'ORDER_SIDE_SELL', tradeTime: at, receivedAt: p.clock.now() });
              if (order[i]) {
                book(visible, at);
                print();
              } else {
                print();
                book(visible, at);
              }
              p.scheduler.advance(10);
            }
            return p.filledQty(orderId);
          };
          const tradeFirst = await run([false, false, false, false]);
          expect(await run(bookFirst)).toBe(tradeFirst);
          // and that is what the queue allows: what the prints took beyond the size ahead, up to our 30
          expect(tradeFirst).toBe(contracts(Math.min(30, Math.max(0, prints.reduce((a, b) => a + b, 0) - ahead))));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('market-data delay: a request meets the book as the lagging feed shows it that much after the latency', async () => {
    for (const [marketDataDelayMs, filled] of [
      [0, contracts(10)],
      [200, 0],
    ] as const) {
      const p = paper({ latencyMs: 100, marketDataDelayMs });
      p.book([lv(0.5, 100)], [lv(0.53, 100)]);
      const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.53), quantity: contracts(10), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
      p.scheduler.advance(150); // lands at 100 ms without delay; at 300 ms with the feed 200 ms behind
      p.book([lv(0.5, 100)], [lv(0.56, 100)]); // the offer at 0.53 is gone
      p.scheduler.advance(1_000);
      expect(p.filledQty(orderId), `market-data delay ${marketDataDelayMs} ms`).toBe(filled);
    }
  });

  it('self-trade prevention as the venue does it: an order that would cross our own resting order cancels the resting one', async () => {
    const p = paper();
    p.book([lv(0.5, 100)], [lv(0.55, 100)]);
    const { orderId: offer } = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_SELL_LONG', price: usd(0.52), quantity: contracts(5) }));
    p.scheduler.advance(100);
    expect(p.ex.simulator.get(offer)?.status).toBe('resting');
    // A bid below our offer leaves it alone.
    const { orderId: low } = await p.ex.createOrder(p.order({ price: usd(0.51), quantity: contracts(5) }));
    p.scheduler.advance(100);
    expect(p.ex.simulator.get(offer)?.status).toBe('resting');
    // A bid at or through it: the RESTING offer is cancelled, the new bid rests (nothing public to take at 0.53).
    const { orderId: high } = await p.ex.createOrder(p.order({ price: usd(0.53), quantity: contracts(5) }));
    p.scheduler.advance(100);
    expect(p.ex.simulator.get(offer)?.status).toBe('done');
    expect(p.executions().find((x) => x.order.id === offer && x.type === 'EXECUTION_TYPE_CANCELED')?.text).toBe('self_trade');
    expect(p.ex.simulator.get(high)?.status).toBe('resting');
    expect(p.ex.simulator.get(low)?.status).toBe('resting');
    expect(p.fills()).toHaveLength(0);
    // A modify that re-prices an offer through our own bid cancels the bid.
    const { orderId: offer2 } = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_SELL_LONG', price: usd(0.54), quantity: contracts(5) }));
    p.scheduler.advance(100);
    await p.ex.modifyOrder(offer2, p.order({}).marketSlug, { price: usd(0.53) });
    p.scheduler.advance(100);
    expect(p.ex.simulator.get(high)?.status).toBe('done');
    expect(p.ex.simulator.get(low)?.status).toBe('resting');
    expect(p.ex.simulator.get(offer2)).toMatchObject({ status: 'resting', price: usd(0.53) });
  });

  it('(b) a resting bid fills only after the queue ahead is consumed by trades at or through its price', async () => {
    const p = paper();
    p.book([lv(0.5, 100)], [lv(0.53, 100)]);
    const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.5), quantity: contracts(30) }));
    p.scheduler.advance(100);
    expect(p.ex.simulator.get(orderId)?.queueAhead).toBe(contracts(100));

    p.trade(0.5, 60, 'ORDER_SIDE_SELL'); // 40 left ahead
    p.trade(0.53, 500, 'ORDER_SIDE_BUY'); // other side of the book
    p.trade(0.5, 500, 'ORDER_SIDE_BUY'); // a buyer lifting an ask at 0.50 does not trade with bids
    p.trade(0.51, 500, 'ORDER_SIDE_SELL'); // above our price: bids at 0.51 traded, not ours
    expect(p.filledQty(orderId)).toBe(0);

    p.trade(0.5, 50, 'ORDER_SIDE_SELL'); // 40 ahead, then 10 to us
    expect(p.filledQty(orderId)).toBe(contracts(10));
    p.trade(0.49, 5, 'ORDER_SIDE_SELL'); // printed through our price: we were hit first
    expect(p.filledQty(orderId)).toBe(contracts(15));
    p.trade(0.48, 100, 'ORDER_SIDE_SELL'); // one print never fills us for more than we have left
    expect(p.filledQty(orderId)).toBe(contracts(30));

    const makerFills = p.fills().filter((x) => x.order.id === orderId);
    expect(makerFills.every((x) => x.lastPx === usd(0.5) && x.aggressor === false)).toBe(true);
    // maker rebate 0.0125 × 10 × 0.50 × 0.50 = 0.03125 → 0.03 (credit)
    expect(makerFills[0]?.commissionNotionalCollected).toBe(-30_000);
  });

  it('(b) cancels are assumed behind us by default; the proportional model is more optimistic', async () => {
    const run = async (cancelModel: 'behind' | 'proportional') => {
      const p = paper({ cancelModel });
      p.book([lv(0.5, 100)], [lv(0.53, 100)]);
      const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.5), quantity: contracts(10) }));
      p.scheduler.advance(100);
      p.book([lv(0.5, 150)], [lv(0.53, 100)]); // 50 joined behind us
      p.book([lv(0.5, 120)], [lv(0.53, 100)]); // 30 cancelled, from somewhere
      p.trade(0.5, 90, 'ORDER_SIDE_SELL');
      return p.filledQty(orderId);
    };
    expect(await run('behind')).toBe(0); // 100 still ahead of us
    expect(await run('proportional')).toBe(contracts(10)); // 20 of the 30 cancels were ahead → 80 ahead
  });

  it('a shrinking level bounds the queue ahead; a crossing book fills a resting order at its price', async () => {
    const p = paper();
    p.book([lv(0.5, 100)], [lv(0.53, 100)]);
    const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.5), quantity: contracts(30) }));
    p.scheduler.advance(100);
    p.book([lv(0.5, 10)], [lv(0.53, 100)]);
    expect(p.ex.simulator.get(orderId)?.queueAhead).toBe(contracts(10));
    p.book([lv(0.49, 10)], [lv(0.49, 12), lv(0.5, 5), lv(0.52, 40)]);
    expect(p.filledQty(orderId)).toBe(contracts(17));
    // the same crossing liquidity, shown again, is not given twice
    p.book([lv(0.49, 10)], [lv(0.49, 12), lv(0.5, 5), lv(0.52, 40)]);
    expect(p.filledQty(orderId)).toBe(contracts(17));
    expect(p.fills().every((x) => x.lastPx === usd(0.5))).toBe(true);
  });
});

describe('fill simulator: takers', () => {
  it('(c) a taker walks the visible depth at the book prices: VWAP, per-level taker fees, IOC remainder cancelled', async () => {
    const p = paper();
    p.book([lv(0.5, 10)], [lv(0.55, 10), lv(0.56, 20), lv(0.58, 50)]);
    const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.57), quantity: contracts(40), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    p.scheduler.advance(100);
    const fills = p.fills();
    expect(fills.map((x) => [x.lastShares, x.lastPx, x.aggressor])).toEqual([
      [contracts(10), usd(0.55), true],
      [contracts(20), usd(0.56), true],
    ]);
    const vwapNum = fills.reduce((s, x) => s + x.lastShares! * x.lastPx!, 0);
    expect(vwapNum / contracts(30)).toBeCloseTo(556_666.67, 1);
    // 0.0695 × 10 × 0.55 × 0.45 = 0.172 → 0.17 ; 0.0695 × 20 × 0.56 × 0.44 = 0.3425 → 0.34
    expect(fills.map((x) => x.commissionNotionalCollected)).toEqual([takerFee(contracts(10), usd(0.55)), takerFee(contracts(20), usd(0.56))]);
    expect(fills.map((x) => x.commissionNotionalCollected)).toEqual([170_000, 340_000]);
    const last = p.executions().at(-1)!;
    expect(last.type).toBe('EXECUTION_TYPE_CANCELED');
    expect(last.order).toMatchObject({ id: orderId, cumQuantity: contracts(30), state: 'ORDER_STATE_CANCELED' });
    // the order's taker fees: 0.17 + 0.34 = 0.51, within the cumulative cap round(0.172 + 0.3425) = 0.51
    expect(p.ex.portfolio.cash).toBe(usd(1_000) - 10 * usd(0.55) - 20 * usd(0.56) - 510_000);
  });

  it('does not give the same visible liquidity twice; GTC remainder rests; FOK is all or nothing; post-only never crosses', async () => {
    const p = paper();
    p.book([lv(0.5, 10)], [lv(0.55, 10), lv(0.58, 50)]);
    const a = await p.ex.createOrder(p.order({ price: usd(0.55), quantity: contracts(10), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    p.scheduler.advance(100);
    expect(p.filledQty(a.orderId)).toBe(contracts(10));
    p.book([lv(0.5, 10)], [lv(0.55, 10), lv(0.58, 50)]); // the feed still shows the 10 we took
    const b = await p.ex.createOrder(p.order({ price: usd(0.55), quantity: contracts(10), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    p.scheduler.advance(100);
    expect(p.filledQty(b.orderId)).toBe(0);
    p.book([lv(0.5, 10)], [lv(0.55, 25), lv(0.58, 50)]); // 15 new contracts joined the level
    const c = await p.ex.createOrder(p.order({ price: usd(0.58), quantity: contracts(100) }));
    p.scheduler.advance(100);
    expect(p.filledQty(c.orderId)).toBe(contracts(65));
    expect(p.ex.simulator.get(c.orderId)).toMatchObject({ status: 'resting', price: usd(0.58) });

    const fok = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_BUY_SHORT', price: usd(0.5), quantity: contracts(11), tif: 'TIME_IN_FORCE_FILL_OR_KILL' }));
    const post = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_BUY_SHORT', price: usd(0.5), quantity: contracts(1), postOnly: true }));
    p.scheduler.advance(100);
    expect(p.filledQty(fok.orderId)).toBe(0);
    expect(p.executions().find((x) => x.order.id === fok.orderId)?.type).toBe('EXECUTION_TYPE_EXPIRED');
    expect(p.executions().find((x) => x.order.id === post.orderId)).toMatchObject({ type: 'EXECUTION_TYPE_REJECTED', orderRejectReason: expect.stringMatching(/post-only/) });
  });

  it('(d) BUY_SHORT sells long into the bids and costs 1 − price in cash and fees', async () => {
    const p = paper();
    p.book([lv(0.4, 200)], [lv(0.45, 200)]);
    const { orderId } = await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_BUY_SHORT', price: usd(0.4), quantity: contracts(100), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    p.scheduler.advance(100);
    const [fill] = p.fills();
    expect(fill).toMatchObject({ lastShares: contracts(100), lastPx: usd(0.4), aggressor: true });
    // the same p(1 − p) for the seller: 0.0695 × 100 × 0.40 × 0.60 = 1.668 → 1.67
    expect(fill?.commissionNotionalCollected).toBe(1_670_000);
    expect(p.ex.portfolio.cash).toBe(usd(1_000) - usd(60) - 1_670_000);
    const pos = p.events.filter((e) => e.type === 'position').at(-1);
    expect(pos).toMatchObject({ position: { marketSlug: M, netPosition: contracts(-100), cost: usd(60) } });
    expect(p.filledQty(orderId)).toBe(contracts(100));

    // closing the short by buying long at 0.30 returns 1 − 0.30 per contract: realized (0.70 − 0.60) × 100 = 10
    p.book([lv(0.25, 10)], [lv(0.3, 200)]);
    await p.ex.createOrder(p.order({ intent: 'ORDER_INTENT_SELL_SHORT', price: usd(0.3), quantity: contracts(100), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    p.scheduler.advance(100);
    expect(p.ex.portfolio.position(M)).toMatchObject({ netQty: 0, cost: 0, realized: usd(10) });
    // buyer's fee 0.0695 × 100 × 0.30 × 0.70 = 1.4595 → 1.46
    expect(p.fills().at(-1)?.commissionNotionalCollected).toBe(1_460_000);
  });

  it('(g) an order sent at t meets the book as of t + latency, and can fill while its cancel travels', async () => {
    const p = paper({ latencyMs: 100 });
    p.book([lv(0.5, 10)], [lv(0.55, 10)]);
    const { orderId } = await p.ex.createOrder(p.order({ price: usd(0.6), quantity: contracts(10), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' }));
    expect(await p.ex.openOrders()).toEqual([]);
    p.scheduler.advance(50);
    p.book([lv(0.5, 10)], [lv(0.6, 10)]); // the ask moved before our order arrived
    p.scheduler.advance(49);
    expect(p.fills()).toHaveLength(0);
    p.scheduler.advance(1);
    expect(p.fills().map((x) => [x.order.id, x.lastPx, x.transactTime])).toEqual([[orderId, usd(0.6), 100]]);

    const rest = await p.ex.createOrder(p.order({ price: usd(0.5), quantity: contracts(5) }));
    p.scheduler.advance(100);
    p.book([lv(0.5, 0)], [lv(0.6, 10)]);
    await p.ex.cancelOrder(rest.orderId, M);
    p.scheduler.advance(50);
    p.trade(0.5, 5, 'ORDER_SIDE_SELL'); // the cancel has not arrived yet
    p.scheduler.advance(50);
    expect(p.filledQty(rest.orderId)).toBe(contracts(5));
    await expect(p.ex.cancelOrder(rest.orderId, M)).rejects.toMatchObject({ status: 404 });
  });

  it('rejects orders for markets that are not open or have no book, and off-tick prices', async () => {
    const p = paper();
    const a = await p.ex.createOrder(p.order({}));
    p.book([lv(0.5, 10)], [lv(0.55, 10)], 'MARKET_STATE_SUSPENDED');
    p.scheduler.advance(100);
    const b = await p.ex.createOrder(p.order({}));
    p.book([lv(0.5, 10)], [lv(0.55, 10)]);
    const c = await p.ex.createOrder(p.order({ price: 505_000 }));
    p.scheduler.advance(100);
    const reasons = Object.fromEntries(p.executions().map((x) => [x.order.id, x.orderRejectReason]));
    expect(reasons[a.orderId]).toMatch(/suspended/i);
    expect(reasons[b.orderId]).toBeNull(); // the market had reopened when it arrived
    expect(reasons[c.orderId]).toMatch(/tick/);
  });
});
