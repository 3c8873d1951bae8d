/**
 * The bot's FillGapWatcher on simulated time with a scripted venue: when it scans (after a private
 * reconnect, once the order snapshot is in; on a tracker fill gap, coalesced per market), how far (paging
 * stops at the window's start, at most maxPages), and that it gives up after a bounded number of retries.
 */
import { describe, expect, it } from 'vitest';
import { FillGapWatcher, type FillGapVenue } from '../../../containers/bot/fill-gap-watcher.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { Fill } from '../../../shared/domain/order.js';
import type { VenueActivity, VenueOrder } from '../../../shared/domain/venue-models.js';
import { OrderTracker } from '../../../shared/execution/order-tracker.js';
import { ManualScheduler } from '../../../shared/execution/scheduler.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import type { ActivitiesQuery } from '../../../shared/venue/rest-client.js';
import { orderRequest, venueOrder } from '../../support/domain-fixtures.js';
import { contracts } from '../../../shared/domain/quantity.js';

const T0 = 1_800_000_000_000;

/** A trade activity as the venue lists it: `qty` in contracts (wire text). */
function trade(exec: string, orderId: string, qty: number, at: number, market = 'mkt-a'): VenueActivity {
  return {
    type: 'ACTIVITY_TYPE_TRADE',
    marketSlug: market,
    orderId,
    executionId: exec,
    time: at,
    raw: { type: 'ACTIVITY_TYPE_TRADE', trade: { id: `t-${exec}`, marketSlug: market, orderId, executionId: exec, price: { value: '0.55', currency: 'USD' }, qty: String(qty), isAggressor: false, fee: { value: '-0.01', currency: 'USD' } } },
  };
}

class Venue implements FillGapVenue {
  /** Newest first, as the venue lists them. */
  trades: VenueActivity[] = [];
  orders = new Map<string, VenueOrder>();
  queries: ActivitiesQuery[] = [];
  failNext = 0;
  async activitiesPage(q: ActivitiesQuery) {
    this.queries.push(q);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('503');
    }
    const list = this.trades.filter((a) => !q.marketSlug || a.marketSlug === q.marketSlug);
    const from = q.cursor ? Number(q.cursor) : 0;
    const page = list.slice(from, from + (q.limit ?? 100));
    const next = from + page.length;
    return { activities: page, nextCursor: next < list.length ? String(next) : null, eof: next >= list.length };
  }
  async getOrder(id: string) {
    const o = this.orders.get(id);
    if (!o) throw new Error('404');
    return o;
  }
}

function setup(config: ConstructorParameters<typeof FillGapWatcher>[0]['config'] = {}) {
  const clock = new ManualClock(T0);
  const scheduler = new ManualScheduler(clock);
  const metrics = new MetricsRegistry();
  const tracker = new OrderTracker({ clock });
  const venue = new Venue();
  const fills: Fill[] = [];
  tracker.onFill((f) => fills.push(f));
  const watcher = new FillGapWatcher({ venue, tracker, liveActive: () => true, clock, scheduler, logger: nullLogger, metrics, config: { pageLimit: 2, ...config } });
  const place = (orderId: string, market = 'mkt-a', quantity = contracts(10)) => {
    const o = tracker.create(orderRequest({ marketSlug: market, quantity }), 'market_maker');
    tracker.markSubmitted(o.localId);
    tracker.attachVenueId(o.localId, orderId);
    tracker.applyVenueOrder(venueOrder(orderId, { marketSlug: market, quantity, leavesQuantity: quantity }));
  };
  return { clock, scheduler, metrics, tracker, venue, fills, watcher, place };
}

describe('FillGapWatcher', () => {
  it('after a private reconnect: waits for the order snapshot, then one scan of the whole account back to the disconnect', async () => {
    const { scheduler, venue, fills, watcher, place, tracker, clock } = setup({ marginMs: 1_000 });
    place('o1');
    place('o2', 'mkt-b');
    watcher.onPrivateEvent({ type: 'connection', channel: 'private', status: 'down', reason: 'closed', at: clock.now() });
    clock.advance(500);
    venue.trades = [trade('x3', 'o2', 4, T0 + 300, 'mkt-b'), trade('x2', 'o1', 6, T0 + 200), trade('x1', 'o1', 4, T0 + 100), trade('old1', 'o9', 1, T0 - 5_000), trade('old2', 'o9', 1, T0 - 6_000), trade('old3', 'o9', 1, T0 - 7_000)];
    watcher.onPrivateEvent({ type: 'connection', channel: 'private', status: 'up', reason: 'reconnected', at: clock.now() });
    await scheduler.advanceAsync(100);
    expect(venue.queries).toEqual([]); // the subscription is not live again yet
    // o1 filled completely while away (absent from the snapshot); o2 still open with 4 filled.
    const snapshot = [venueOrder('o2', { marketSlug: 'mkt-b', cumQuantity: contracts(4), leavesQuantity: contracts(6), state: 'ORDER_STATE_PARTIALLY_FILLED' })];
    tracker.applyVenueOrder(snapshot[0]!); // what the engine does first with the snapshot
    venue.orders.set('o1', venueOrder('o1', { cumQuantity: contracts(10), leavesQuantity: 0, state: 'ORDER_STATE_FILLED' }));
    watcher.onPrivateEvent({ type: 'orders_snapshot', orders: snapshot, receivedAt: clock.now() });
    await scheduler.advanceAsync(1_000);
    await watcher.idle();
    expect(fills.map((f) => [f.executionId, f.qty, f.fee]).sort()).toEqual([
      ['x1', contracts(4), -10_000],
      ['x2', contracts(6), -10_000],
      ['x3', contracts(4), -10_000],
    ]);
    expect(tracker.getByOrderId('o1')!.status).toBe('FILLED');
    expect(tracker.getByOrderId('o2')).toMatchObject({ status: 'PARTIALLY_FILLED', filledQty: contracts(4) });
    // One scan, account-wide (it absorbs o2's market gap), newest first, stopped at the page that reaches
    // past the window's start (T0 - 1 000): 2 pages of 2, not the 3 the listing has.
    expect(venue.queries.every((q) => q.marketSlug === undefined)).toBe(true);
    const accountWide = venue.queries;
    expect(accountWide.length).toBe(2);
    expect(accountWide[0]).toMatchObject({ types: ['ACTIVITY_TYPE_TRADE'], sortOrder: 'SORT_ORDER_DESCENDING', limit: 2 });
  });

  it('gaps of one market coalesce into one scan; the market filter is sent', async () => {
    const { scheduler, venue, fills, tracker, place } = setup();
    place('a1');
    place('a2');
    venue.trades = [trade('y2', 'a2', 2, T0 + 2), trade('y1', 'a1', 3, T0 + 1)];
    tracker.applyVenueOrder(venueOrder('a1', { cumQuantity: contracts(3), leavesQuantity: contracts(7), state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    tracker.applyVenueOrder(venueOrder('a2', { cumQuantity: contracts(2), leavesQuantity: contracts(8), state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    await scheduler.advanceAsync(1_000);
    expect(venue.queries).toEqual([expect.objectContaining({ marketSlug: 'mkt-a' })]);
    expect(fills.map((f) => f.executionId).sort()).toEqual(['y1', 'y2']);
  });

  it('retries while the activity lags the venue, then gives up (bounded), and retries a failed scan', async () => {
    const { scheduler, venue, fills, tracker, place, metrics } = setup({ retries: 3, retryDelayMs: 1_000 });
    place('b1');
    venue.failNext = 1;
    tracker.applyVenueOrder(venueOrder('b1', { cumQuantity: contracts(5), leavesQuantity: contracts(5), state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    await scheduler.advanceAsync(1_500); // failed scan, then its retry: nothing listed yet
    expect(venue.queries.length).toBe(2);
    venue.trades = [trade('z1', 'b1', 5, T0 + 1)];
    await scheduler.advanceAsync(10_000);
    expect(fills.map((f) => f.executionId)).toEqual(['z1']);
    const scans = venue.queries.length;

    place('b2');
    tracker.applyVenueOrder(venueOrder('b2', { cumQuantity: contracts(5), leavesQuantity: contracts(5), state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    await scheduler.advanceAsync(60_000); // never listed: a bounded number of scans, then left to the reconciler
    expect(venue.queries.length - scans).toBe(3);
    expect(metrics.counter('fill_gap.unresolved')).toBe(1);
  });

  it('stops: no scan after stop()', async () => {
    const { scheduler, venue, tracker, place, watcher } = setup();
    place('c1');
    await watcher.stop();
    tracker.applyVenueOrder(venueOrder('c1', { cumQuantity: contracts(5), leavesQuantity: contracts(5), state: 'ORDER_STATE_PARTIALLY_FILLED' }));
    await scheduler.advanceAsync(5_000);
    expect(venue.queries).toEqual([]);
  });
});
