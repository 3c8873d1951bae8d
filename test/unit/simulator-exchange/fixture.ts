/** Shared test fixture: an exchange with one event, one open market and funded accounts. */
import { ManualClock } from '../../../shared/domain/clock.js';
import type { Qty } from '../../../shared/domain/quantity.js';
import type { OrderIntent, TimeInForce } from '../../../shared/domain/venue-enums.js';
import { Exchange, type ExchangeEvent, type SubmitOrderRequest } from '../../../containers/simulator/exchange/index.js';

export const USD = 1_000_000;
export const MARKET = 'nba-bos-nyk-bos';

export interface Fixture {
  clock: ManualClock;
  ex: Exchange;
  events: ExchangeEvent[];
}

export function makeExchange(accounts: Record<string, number> = { A: 1_000 * USD, B: 1_000 * USD, C: 1_000 * USD }): Fixture {
  const clock = new ManualClock(1_700_000_000_000);
  const ex = new Exchange({ clock });
  ex.addEvent({ slug: 'nba-bos-nyk', title: 'Celtics at Knicks', startTime: 1_700_000_100_000, sport: 'basketball', league: 'nba', gameId: 'g1' });
  ex.addMarket({ slug: MARKET, eventSlug: 'nba-bos-nyk', title: 'Celtics win', outcome: 'Boston Celtics', team: 'BOS' });
  for (const [id, bal] of Object.entries(accounts)) ex.openAccount(id, bal);
  const events: ExchangeEvent[] = [];
  ex.onEvent((e) => events.push(e));
  return { clock, ex, events };
}

export function limit(
  intent: OrderIntent,
  price: number,
  /** Hundredths of a contract: contracts(10) for 10. */
  quantity: Qty,
  extra: Partial<SubmitOrderRequest> & { tif?: TimeInForce } = {},
): SubmitOrderRequest {
  return { marketSlug: MARKET, intent, type: 'ORDER_TYPE_LIMIT', price, quantity, ...extra };
}

export function market(intent: OrderIntent, quantity: Qty | null, extra: Partial<SubmitOrderRequest> = {}): SubmitOrderRequest {
  return { marketSlug: MARKET, intent, type: 'ORDER_TYPE_MARKET', quantity, ...extra };
}
