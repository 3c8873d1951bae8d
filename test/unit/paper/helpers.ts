import { ManualClock } from '../../../shared/domain/clock.js';
import type { BookLevel } from '../../../shared/domain/market.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import type { OrderSide } from '../../../shared/domain/venue-enums.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import type { VenueExecution } from '../../../shared/domain/venue-models.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import type { CancelModel } from '../../../shared/paper/fill-simulator.js';
import { PaperExchange } from '../../../shared/paper/paper-exchange.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';
import { DEFAULT_MARKET_RULES } from '../../../shared/execution/order-builder.js';

export const M = 'mkt-a';
export const usd = (n: number) => Math.round(n * 1_000_000);

/** A book level from a decimal price and a size in contracts (as the venue shows them): lv(0.4, 100) = 100 contracts at 0.40. */
export function lv(price: number, qty: number): BookLevel {
  return { price: usd(price), qty: contracts(qty) };
}

/** A paper exchange on a manual clock; `minQty` gives every market that size step (default: the builder's, whole contracts). */
export function paper(opts: { balance?: number; latencyMs?: number; cancelLatencyMs?: number; marketDataDelayMs?: number; cancelModel?: CancelModel; minQty?: Qty } = {}) {
  const clock = new ManualClock(0);
  const scheduler = new ManualScheduler(clock);
  const ex = new PaperExchange({
    clock,
    scheduler,
    config: {
      startingBalance: usd(opts.balance ?? 1_000),
      latencyMs: opts.latencyMs ?? 100,
      ...(opts.cancelLatencyMs !== undefined ? { cancelLatencyMs: opts.cancelLatencyMs } : {}),
      ...(opts.marketDataDelayMs !== undefined ? { marketDataDelayMs: opts.marketDataDelayMs } : {}),
      cancelModel: opts.cancelModel ?? 'behind',
      rules: opts.minQty === undefined ? undefined : () => ({ ...DEFAULT_MARKET_RULES, minQty: opts.minQty! }),
    },
  });
  const events: VenueEvent[] = [];
  ex.onEvent((e) => events.push(e));
  const book = (bids: BookLevel[], asks: BookLevel[], state: 'MARKET_STATE_OPEN' | 'MARKET_STATE_SUSPENDED' = 'MARKET_STATE_OPEN', slug = M) =>
    ex.onMarketEvent({ type: 'book', marketSlug: slug, bids, asks, state, transactTime: null, snapshot: true, receivedAt: clock.now() });
  /** A trade on the public tape: decimal price, size in contracts. */
  const trade = (price: number, qty: number, takerSide: OrderSide, slug = M) =>
    ex.onMarketEvent({ type: 'trade', marketSlug: slug, price: usd(price), qty: contracts(qty), takerSide, tradeTime: clock.now(), receivedAt: clock.now() });
  const executions = (): VenueExecution[] => events.flatMap((e) => (e.type === 'execution' ? [e.execution] : []));
  const fills = () => executions().filter((x) => x.lastShares !== null);
  /** Σ filled (Qty, hundredths). */
  const filledQty = (orderId: string) => fills().filter((x) => x.order.id === orderId).reduce((s, x) => s + x.lastShares!, 0);
  const order = (over: Partial<OrderRequest>): OrderRequest => ({
    marketSlug: M,
    intent: 'ORDER_INTENT_BUY_LONG',
    type: 'ORDER_TYPE_LIMIT',
    price: usd(0.5),
    quantity: contracts(10), // a Qty: overrides pass contracts(n)
    tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    postOnly: false,
    ...over,
  });
  return { clock, scheduler, ex, events, book, trade, executions, fills, filledQty, order };
}
