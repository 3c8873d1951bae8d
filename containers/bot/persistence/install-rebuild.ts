/**
 * Start-up, step 3: puts what the rebuild found into the engine before it trades — each order open at the
 * exchange is tracked again under its stored local id and strategy (so later fills and cancels update the
 * same record), the positions and the balance go to the state manager. Executions the private socket
 * delivered in the meantime for these orders were buffered by the tracker and are applied on adoption.
 *
 * Known limit: the tracker learns fills only from executions, so an adopted partially-filled order starts
 * with filledQty 0 locally (status PARTIALLY_FILLED, the venue's cumulative quantity logged as a fill gap);
 * its fills are in the ledger already.
 */
import type { VenueBalance, VenuePosition } from '../../../shared/domain/venue-models.js';
import type { OrderTracker } from '../../../shared/execution/order-tracker.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { StateManager } from '../../../shared/state/state-manager.js';
import type { AdoptableOrder } from './exchange-rebuild.js';
import type { StatePersister } from './state-persister.js';

export interface InstallTargets {
  tracker: OrderTracker;
  state: Pick<StateManager, 'onVenueEvent'>;
  persister?: StatePersister;
  logger: Logger;
  now: number;
}

export function adoptOrders(orders: readonly AdoptableOrder[], t: InstallTargets): number {
  let adopted = 0;
  for (const { order, version, venue } of orders) {
    t.persister?.seedOrderVersion(order.localId, version);
    if (t.tracker.get(order.localId) || t.tracker.getByOrderId(venue.id)) continue;
    try {
      t.tracker.create({ ...order.request }, order.strategyName, order.localId);
      t.tracker.markSubmitted(order.localId);
      t.tracker.attachVenueId(order.localId, venue.id);
      t.tracker.applyVenueOrder(venue);
      adopted++;
    } catch (err) {
      t.logger.error('open order could not be adopted into the tracker', { localId: order.localId, orderId: venue.id, err });
    }
  }
  return adopted;
}

export function installAccount(positions: readonly VenuePosition[], balance: VenueBalance | undefined, t: InstallTargets): void {
  t.state.onVenueEvent({ type: 'positions_snapshot', positions: [...positions], receivedAt: t.now });
  if (balance) t.state.onVenueEvent({ type: 'balance', balance: balance.currentBalance, buyingPower: balance.buyingPower, receivedAt: t.now });
}
