/**
 * Start-up, step 3: puts what the rebuild found into the engine before it trades — each order open at the
 * exchange is tracked again under its stored local id and strategy (so later fills and cancels update the
 * same record), the positions and the balance go to the state manager. Executions the private socket
 * delivered in the meantime for these orders were buffered by the tracker and are applied on adoption.
 *
 * A partly filled order is restored with the venue's cumulative quantity and average price
 * (`OrderTracker.restore`): it resumes at that filled quantity (leaves = quantity − filled), and executions
 * within it are not fills again (they are in the ledger already).
 *
 * Each exchange position is also seeded into the breaker's daily-PnL ledger (`DailyPnlMonitor.seedPosition`,
 * net contracts and the cost of the held side, as the state manager marks it), so an inherited losing
 * position counts toward the circuit breaker from the first risk check. The seed replaces the ledger of its
 * market (the exchange is the truth at the time of the read); it runs after the adoption, so fills of
 * buffered executions that the position read already includes are not counted twice.
 */
import type { VenueBalance, VenuePosition } from '../../../shared/domain/venue-models.js';
import type { DailyPnlMonitor } from '../../../shared/engine/daily-pnl.js';
import type { OrderTracker } from '../../../shared/execution/order-tracker.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { StateManager } from '../../../shared/state/state-manager.js';
import type { AdoptableOrder } from './exchange-rebuild.js';
import type { StatePersister } from './state-persister.js';

export interface InstallTargets {
  tracker: OrderTracker;
  state: Pick<StateManager, 'onVenueEvent'>;
  /** The breaker's daily-PnL view (engine.pnl): inherited positions are seeded into it. */
  pnl?: Pick<DailyPnlMonitor, 'seedPosition'>;
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
      if (venue.cumQuantity > 0) {
        t.tracker.restore(venue, order.strategyName, order.localId);
      } else {
        t.tracker.create({ ...order.request }, order.strategyName, order.localId);
        t.tracker.markSubmitted(order.localId);
        t.tracker.attachVenueId(order.localId, venue.id);
        t.tracker.applyVenueOrder(venue);
      }
      adopted++;
    } catch (err) {
      t.logger.error('open order could not be adopted into the tracker', { localId: order.localId, orderId: venue.id, err });
    }
  }
  return adopted;
}

export function installAccount(positions: readonly VenuePosition[], balance: VenueBalance | undefined, t: InstallTargets): void {
  t.state.onVenueEvent({ type: 'positions_snapshot', positions: [...positions], receivedAt: t.now });
  if (t.pnl) {
    for (const p of positions) {
      if (!Number.isSafeInteger(p.netPosition) || !Number.isSafeInteger(p.cost)) continue;
      t.pnl.seedPosition(p.marketSlug, p.netPosition, Math.abs(p.cost));
    }
  }
  if (balance) t.state.onVenueEvent({ type: 'balance', balance: balance.currentBalance, buyingPower: balance.buyingPower, receivedAt: t.now });
}
