import type { Fill, TrackedOrder } from '../../../shared/domain/order.js';
import type { PositionState } from '../../../shared/domain/position.js';
import { contracts } from '../../../shared/domain/quantity.js';

export function order(localId: string, overrides: Partial<TrackedOrder> = {}): TrackedOrder {
  return {
    orderId: null,
    localId,
    request: {
      marketSlug: 'nba-lal-bos-2025-11-25',
      intent: 'ORDER_INTENT_BUY_LONG',
      type: 'ORDER_TYPE_LIMIT',
      price: 550_000,
      quantity: contracts(10),
      tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
      postOnly: true,
    },
    status: 'CREATED',
    filledQty: 0,
    avgPrice: 0,
    feesPaid: 0,
    strategyName: 'market_maker',
    createdAt: 1_764_000_000_000,
    updatedAt: 1_764_000_000_000,
    ...overrides,
  };
}

export function fill(executionId: string, overrides: Partial<Fill> = {}): Fill {
  return {
    executionId,
    orderId: 'venue-1',
    marketSlug: 'nba-lal-bos-2025-11-25',
    intent: 'ORDER_INTENT_BUY_LONG',
    price: 550_000,
    qty: contracts(5),
    fee: 1_250,
    liquidity: 'MAKER',
    time: 1_764_000_000_000,
    ...overrides,
  };
}

export function position(marketSlug: string, overrides: Partial<PositionState> = {}): PositionState {
  return {
    marketSlug,
    side: 'YES',
    quantity: contracts(5),
    netQty: contracts(5),
    avgPrice: 550_000,
    cost: 2_750_000,
    currentValue: 2_800_000,
    unrealizedPnl: 50_000,
    realizedPnl: 0,
    feesPaid: 1_250,
    updatedAt: 1_764_000_000_000,
    ...overrides,
  };
}
