import type { Signal } from '../../../shared/domain/signal.js';
import type { ExecutionType, VenueOrderState } from '../../../shared/domain/venue-enums.js';
import type { VenueExecution, VenueOrder } from '../../../shared/domain/venue-models.js';

import { orderRequest, venueOrder } from '../../support/domain-fixtures.js';
import { contracts } from '../../../shared/domain/quantity.js';

export { orderRequest as request, venueOrder };

export function execution(
  id: string,
  orderId: string,
  type: ExecutionType,
  over: { lastShares?: number; lastPx?: number; state?: VenueOrderState; aggressor?: boolean; fee?: number | null; order?: Partial<VenueOrder> } = {},
): VenueExecution {
  return {
    id,
    order: venueOrder(orderId, { state: over.state ?? 'ORDER_STATE_NEW', ...over.order }),
    lastShares: over.lastShares ?? null,
    lastPx: over.lastPx ?? null,
    type,
    text: null,
    orderRejectReason: null,
    transactTime: null,
    tradeId: null,
    aggressor: over.aggressor ?? null,
    commissionNotionalCollected: over.fee ?? null,
  };
}

export function signal(over: Partial<Signal> = {}): Signal {
  return {
    marketSlug: 'mkt-a',
    action: 'BUY_YES',
    price: 550_000,
    quantity: contracts(10),
    urgency: 'MEDIUM',
    strategyName: 'statistical_edge',
    confidence: 0.8,
    reason: 'test',
    fairProbability: 0.6,
    createdAt: 0,
    ...over,
  };
}
