/**
 * Reading old recordings: format 1 holds quantities as whole contracts (the engine counted contracts then);
 * format 2 holds them as Qty, hundredths of a contract (shared/domain/quantity.ts). A format-1 chunk's lines
 * are upgraded in place when read, so a replay of an old session trades the same sizes.
 *
 * The quantities a recording holds: book levels, trade prints, orders (quantity, cum, leaves), executions
 * (their order, lastShares), positions (net, bought, sold, start of day, available), and the discovery's
 * markets' minimum size. Every other field is untouched.
 */
import type { MarketInfo } from '../domain/market.js';
import { QTY_SCALE } from '../domain/quantity.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { VenueOrder, VenuePosition } from '../domain/venue-models.js';
import type { RecordLine } from './record-format.js';

/** The format whose quantities are whole contracts. */
export const WHOLE_CONTRACT_FORMAT = 1;

function scale(n: number): number;
function scale(n: number | null): number | null;
function scale(n: number | null): number | null {
  return typeof n === 'number' ? n * QTY_SCALE : n;
}

function upgradeOrder(o: VenueOrder): void {
  o.quantity = scale(o.quantity);
  o.cumQuantity = scale(o.cumQuantity);
  o.leavesQuantity = scale(o.leavesQuantity);
}

function upgradePosition(p: VenuePosition | null | undefined): void {
  if (!p) return;
  p.netPosition = scale(p.netPosition);
  p.qtyBought = scale(p.qtyBought);
  p.qtySold = scale(p.qtySold);
  p.bodPosition = scale(p.bodPosition);
  p.qtyAvailable = scale(p.qtyAvailable);
}

function upgradeEvent(e: VenueEvent): void {
  switch (e.type) {
    case 'book':
      for (const l of e.bids) l.qty = scale(l.qty);
      for (const l of e.asks) l.qty = scale(l.qty);
      return;
    case 'trade':
      e.qty = scale(e.qty);
      return;
    case 'orders_snapshot':
      for (const o of e.orders) upgradeOrder(o);
      return;
    case 'execution':
      upgradeOrder(e.execution.order);
      e.execution.lastShares = scale(e.execution.lastShares);
      return;
    case 'positions_snapshot':
      for (const p of e.positions) upgradePosition(p);
      return;
    case 'position':
      upgradePosition(e.position);
      upgradePosition(e.before);
      return;
    default:
      return;
  }
}

function upgradeMarket(info: MarketInfo): void {
  info.minQty = scale(info.minQty);
}

/** Upgrades one line of a format-1 chunk to Qty, in place (malformed payloads are left as they are). */
export function upgradeWholeContractLine(line: RecordLine): RecordLine {
  try {
    if (line.k === 'market' || line.k === 'private') upgradeEvent(line.e);
    else if (line.k === 'meta' && line.e.type === 'discovery') for (const m of line.e.markets) upgradeMarket(m.info);
  } catch {
    // a line that does not have the shape of its kind: the replay counts and skips it as before
  }
  return line;
}
