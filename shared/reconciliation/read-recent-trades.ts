/**
 * Reads the account's trade activities back to `since`, newest first, a page at a time (bounded), and parses
 * them. Unreadable activities are counted with their reasons, never fatal: the caller decides how to report
 * them. Used by the reconciler Lambda and by the bot's rebuild on start.
 */
import type { ActivitiesPage, ActivitiesQuery } from '../venue/rest-client.js';
import { parseTradeActivity, TRADE_ACTIVITY_TYPE, type UnattributedTrade, type VenueTrade } from './venue-trade.js';

export interface RecentTrades {
  trades: VenueTrade[];
  /** Usable trades that name no order (also counted in `malformed`, reason 'order id missing'). */
  unattributed: UnattributedTrade[];
  malformed: number;
  reasons: string[];
}

export async function readRecentTrades(
  activitiesPage: (query: ActivitiesQuery) => Promise<ActivitiesPage>,
  since: number,
  maxPages = 50,
): Promise<RecentTrades> {
  const trades: VenueTrade[] = [];
  const unattributed: UnattributedTrade[] = [];
  const reasons = new Set<string>();
  let malformed = 0;
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const r = await activitiesPage({ types: [TRADE_ACTIVITY_TYPE], sortOrder: 'SORT_ORDER_DESCENDING', limit: 200, ...(cursor ? { cursor } : {}) });
    let older = false;
    for (const a of r.activities) {
      if (a.type !== TRADE_ACTIVITY_TYPE) continue;
      if (a.time !== null && a.time < since) {
        older = true;
        continue;
      }
      const parsed = parseTradeActivity(a);
      if (parsed.ok) trades.push(parsed.trade);
      else {
        malformed++;
        reasons.add(parsed.reason);
        if (parsed.unattributed) unattributed.push(parsed.unattributed);
      }
    }
    if (older || r.eof || !r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return { trades, unattributed, malformed, reasons: [...reasons] };
}
