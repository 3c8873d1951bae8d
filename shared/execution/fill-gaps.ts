/**
 * Fill-gap detection, the pure part: whether what the venue says of an order (a snapshot's cumulative
 * quantity, a FILL that leaves the order short, an execution whose order runs ahead, "no longer open") means
 * fills of it never reached the order tracker (a private-socket outage, a dropped message). The tracker
 * reports each gap to its `fill_gap` listeners, and the bot fetches the missing executions over REST
 * (fill-gap-recovery.ts, containers/bot/fill-gap-watcher.ts).
 */
import type { Qty } from '../domain/quantity.js';

/** Why the tracker believes fills are missing for an order. */
export type FillGapReason = 'venue_cum_ahead' | 'fill_short' | 'execution_cum_ahead' | 'order_gone';

/** A suspected fill gap: the venue filled more of an order than the executions applied here. */
export interface FillGap {
  localId: string;
  orderId: string;
  marketSlug: string;
  reason: FillGapReason;
  /** The venue's cumulative filled quantity, when it said it (null for 'order_gone'). */
  venueCumQuantity: Qty | null;
  /** Filled quantity tracked here when the gap was seen. */
  trackedQty: Qty;
  /** When the order was registered here (clock ms): no fill of it can be older. */
  createdAt: number;
  at: number;
}

/** What the detection reads of a tracked order. */
export interface GapSubject {
  filledQty: Qty;
  quantity: Qty;
}

/** A snapshot (open orders, reconciliation) with a larger cumulative quantity than the fills applied. */
export function snapshotGap(o: GapSubject, venueCumQuantity: Qty): FillGapReason | null {
  return venueCumQuantity > o.filledQty ? 'venue_cum_ahead' : null;
}

/**
 * After a fill execution is applied: a FILL that leaves the order short of its quantity, or an execution
 * whose order's cumulative quantity runs ahead of what was applied (one was lost before it).
 */
export function executionGap(o: GapSubject, isFinalFill: boolean, venueCumQuantity: Qty): FillGapReason | null {
  if (isFinalFill && o.filledQty < o.quantity) return 'fill_short';
  if (venueCumQuantity > o.filledQty && o.filledQty < o.quantity) return 'execution_cum_ahead';
  return null;
}
