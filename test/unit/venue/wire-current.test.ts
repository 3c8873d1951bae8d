/**
 * Today's wire shapes and the legacy aliases, side by side: socket frame keys, wrapped REST bodies, decimal
 * quantities (exact text kept, whole count rounded to the safe side), new fields (unsolicited cancels,
 * market tick/min size/fee coefficient, activity trades), and unknown enum values handled conservatively.
 */
import { describe, expect, it } from 'vitest';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { statusOfVenueState } from '../../../shared/execution/order-tracker.js';
import {
  ActivitiesResponseSchema,
  BboSchema,
  BookSchema,
  EventsResponseSchema,
  MarketResponseSchema,
  OrderSchema,
  PositionsResponseSchema,
  SettlementSchema,
  coefficientToPpm,
  toBbo,
  toBookSnapshot,
  toCatalogueEvent,
  toCatalogueMarket,
  toSettlement,
  toVenueActivity,
  toVenueOrder,
  toVenuePositions,
} from '../../../shared/venue/wire.js';
import { WireDrift } from '../../../shared/venue/wire-drift.js';
import { parseVenueMessage } from '../../../shared/venue/ws-messages.js';
import { amount, wireExecution, wireOrder, wirePosition } from './fixtures.js';

const T = 1_705_420_800_000;

function driftWithMetrics() {
  const metrics = new MetricsRegistry();
  return { metrics, drift: new WireDrift({ metrics }) };
}

function event(text: unknown, drift?: WireDrift): VenueEvent {
  const r = parseVenueMessage(JSON.stringify(text), T, drift);
  if (r.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(r)}`);
  return r.event;
}

describe('socket frames: current keys and legacy aliases', () => {
  it('reads orders snapshots and executions under both keys, with eof', () => {
    for (const key of ['orderSubscriptionSnapshot', 'ordersSnapshot']) {
      const r = parseVenueMessage(JSON.stringify({ requestId: 'r', [key]: { orders: [wireOrder()], eof: false } }), T);
      expect(r.kind === 'event' && r.event.type === 'orders_snapshot' && r.eof).toBe(false);
    }
    for (const key of ['orderSubscriptionUpdate', 'orderUpdate']) {
      const e = event({ [key]: { execution: wireExecution() } });
      expect(e.type === 'execution' && e.execution.lastShares).toBe(contracts(4));
    }
  });

  it('reads an execution with decimal shares, an order without side/type/tif, and an unsolicited cancel', () => {
    const partial = { id: 'o', marketSlug: 'm', quantity: 0.5, cumQuantity: 0.25, leavesQuantity: 0.25, state: 'ORDER_STATE_PARTIALLY_FILLED' };
    const e = event({ orderSubscriptionUpdate: { execution: { id: 'x', order: partial, lastShares: '0.25', type: 'EXECUTION_TYPE_PARTIAL_FILL' } } });
    if (e.type !== 'execution') throw new Error('not an execution');
    expect(e.execution.lastShares).toBe(contracts(0.25));
    expect(e.execution.lastSharesExact).toBe('0.25');
    expect([e.execution.order.quantity, e.execution.order.cumQuantity, e.execution.order.leavesQuantity]).toEqual([contracts(0.5), contracts(0.25), contracts(0.25)]);
    expect(e.execution.order.cumQuantityExact).toBe('0.25');
    // finer than the venue's 0.01: what was filled rounds down, what is ordered or still open rounds up, exact kept
    const fine = { ...partial, quantity: 0.505, cumQuantity: 0.255, leavesQuantity: 0.25 };
    const f = event({ orderSubscriptionUpdate: { execution: { id: 'y', order: fine, lastShares: '0.255', type: 'EXECUTION_TYPE_PARTIAL_FILL' } } });
    if (f.type !== 'execution') throw new Error('not an execution');
    expect([f.execution.lastShares, f.execution.lastSharesExact]).toEqual([25, '0.255']);
    expect([f.execution.order.quantity, f.execution.order.cumQuantity, f.execution.order.cumQuantityExact]).toEqual([51, 25, '0.255']);
    expect(e.execution.order.placeholders).toEqual(['intent', 'side', 'type', 'tif']);

    const cxl = event({
      orderUpdate: { execution: wireExecution({ type: 'EXECUTION_TYPE_CANCELED', unsolicitedCancelReason: 'UNSOLICITED_CXL_REASON_CONNECTION_LOSS' }) },
    });
    expect(cxl.type === 'execution' && cxl.execution.unsolicitedCancelReason).toBe('UNSOLICITED_CXL_REASON_CONNECTION_LOSS');
    const plain = event({ orderUpdate: { execution: wireExecution() } });
    expect(plain.type === 'execution' && plain.execution.unsolicitedCancelReason).toBeNull();
  });

  it('derives the intent from outcomeSide + action (they win over intent) and the side from the intent', () => {
    const o = toVenueOrder(OrderSchema.parse(wireOrder({ intent: 'ORDER_INTENT_BUY_LONG', outcomeSide: 'OUTCOME_SIDE_NO', action: 'ORDER_ACTION_BUY', side: undefined })));
    expect(o.intent).toBe('ORDER_INTENT_BUY_SHORT');
    expect(o.side).toBe('ORDER_SIDE_SELL');
    expect(o.placeholders).toBeUndefined();
  });

  it('reads today\'s positionSubscription (slug from marketMetadata, after = the position, after null = flat)', () => {
    const meta = { marketMetadata: { slug: 'mkt' } };
    const e = event({
      positionSubscription: {
        beforePosition: { netPosition: '1', netPositionDecimal: '1.0000', ...meta },
        afterPosition: { netPosition: '2', netPositionDecimal: '1.5000', cost: amount('82.50'), ...meta },
        updateTime: '2024-01-15T10:30:00Z',
        tradeId: 't-9',
      },
    });
    if (e.type !== 'position') throw new Error('not a position');
    expect(e.position).toMatchObject({ marketSlug: 'mkt', netPosition: contracts(1.5), netPositionExact: '1.5', cost: 82_500_000 });
    expect(e.before?.netPositionExact).toBe('1');
    expect(e.tradeId).toBe('t-9');

    const gone = event({ positionSubscription: { beforePosition: { netPositionDecimal: '3', ...meta }, afterPosition: null } });
    expect(gone.type === 'position' && [gone.position.marketSlug, gone.position.netPosition, gone.position.netPositionExact]).toEqual(['mkt', 0, '0']);

    const noSlug = parseVenueMessage(JSON.stringify({ positionSubscription: { afterPosition: { netPosition: '2' } } }), T);
    expect(noSlug).toMatchObject({ kind: 'skipped', key: 'positionSubscription' });
  });

  it('reads legacy position updates and snapshots under every alias', () => {
    for (const key of ['positionSubscriptionUpdate', 'positionUpdate']) {
      const e = event({ [key]: { marketSlug: 'm', position: wirePosition({ netPositionDecimal: '-4.75' }) } });
      expect(e.type === 'position' && [e.position.netPosition, e.position.netPositionExact]).toEqual([contracts(-4.75), '-4.75']);
      // finer than 0.01, toward zero: never believe more is held than is
      const fine = event({ [key]: { marketSlug: 'm', position: wirePosition({ netPositionDecimal: '-4.759' }) } });
      expect(fine.type === 'position' && [fine.position.netPosition, fine.position.netPositionExact]).toEqual([-475, '-4.759']);
    }
    for (const key of ['positionSubscriptionSnapshot', 'positionsSnapshot']) {
      const e = event({ [key]: { positions: { m: wirePosition() }, eof: true } });
      expect(e.type === 'positions_snapshot' && e.positions.map((p) => p.marketSlug)).toEqual(['m']);
    }
  });

  it('reads balances: numbers in a snapshot, a balance change, and the legacy frames', () => {
    const snap = event({ accountBalancesSnapshot: { balances: [{ currentBalance: 1000.0, currency: 'USD', buyingPower: 850.25 }] } });
    expect(snap).toMatchObject({ type: 'balance', balance: 1_000_000_000, buyingPower: 850_250_000 });
    const change = event({
      accountBalancesUpdate: {
        balanceChange: { beforeBalance: { currentBalance: 1000, buyingPower: 850 }, afterBalance: { currentBalance: 972.25, currency: 'USD', buyingPower: 822.25 } },
      },
    });
    expect(change).toMatchObject({ type: 'balance', balance: 972_250_000, buyingPower: 822_250_000 });
    const withoutAfter = parseVenueMessage(JSON.stringify({ accountBalancesUpdate: { balanceChange: { afterBalance: null } } }), T);
    expect(withoutAfter.kind).toBe('skipped');
    for (const key of ['accountBalanceSubscriptionSnapshot', 'accountBalanceSubscriptionUpdate', 'accountBalanceUpdate']) {
      expect(event({ [key]: { balance: 12.5, buyingPower: 10 } })).toMatchObject({ type: 'balance', balance: 12_500_000 });
    }
    expect(event({ accountBalanceSubscriptionUpdate: { currentBalance: amount('1'), buyingPower: amount('2') } })).toMatchObject({ balance: 1_000_000 });
  });

  it('reads trade quantities as an Amount, a number or a string; fractional prints round down, exact kept', () => {
    const trade = (quantity: unknown) =>
      event({ trade: { marketSlug: 'm', price: amount('0.555'), quantity, tradeTime: '2024-01-15T10:30:00Z', taker: { side: 'ORDER_SIDE_SELL' } } });
    expect(trade({ value: '7', currency: 'USD' })).toMatchObject({ qty: contracts(7), qtyExact: '7' });
    expect(trade(7)).toMatchObject({ qty: contracts(7) });
    expect(trade('2.50')).toMatchObject({ qty: contracts(2.5), qtyExact: '2.5' });
    expect(trade({ value: '0.50', currency: 'USD' })).toMatchObject({ qty: contracts(0.5), qtyExact: '0.5' });
    // finer than 0.01: rounded down, exact kept
    expect(trade('2.509')).toMatchObject({ qty: 250, qtyExact: '2.509' });
    expect(trade({ value: '0.005', currency: 'USD' })).toMatchObject({ qty: 0, qtyExact: '0.005' });
  });

  it('reads decimal book quantities, rounded up so the level keeps its price, and counts the rounding', () => {
    const { metrics, drift } = driftWithMetrics();
    const e = event(
      { marketData: { marketSlug: 'm', bids: [{ px: amount('0.555'), qty: '0.50' }, { px: amount('0.550'), qty: '2.501' }, { px: amount('0.545'), qty: '0.001' }], offers: [], state: 'MARKET_STATE_OPEN' } },
      drift,
    );
    // 0.50 is exact (50 hundredths); 2.501 and 0.001 are finer than 0.01: rounded up (0.001 → 0.01 keeps its level)
    expect(e.type === 'book' && e.bids).toEqual([{ price: 555_000, qty: contracts(0.5) }, { price: 550_000, qty: 251 }, { price: 545_000, qty: 1 }]);
    expect(metrics.counter('venue.quantity_rounded', { field: 'book.qty' })).toBe(2);
  });

  it('an error riding on a data frame: empty = none, non-empty = failure', () => {
    expect(parseVenueMessage(JSON.stringify({ requestId: 'r', error: '', orderSubscriptionSnapshot: { orders: [], eof: true } }), T).kind).toBe('event');
    expect(parseVenueMessage(JSON.stringify({ requestId: 'r', error: 'deadline exceeded', orderSubscriptionSnapshot: { orders: [] } }), T)).toEqual({
      kind: 'error',
      requestId: 'r',
      message: 'deadline exceeded',
    });
  });

  it('skips RFQ frames without calling them unknown', () => {
    expect(parseVenueMessage(JSON.stringify({ rfqEvent: { rfqCreated: {} } }), T)).toMatchObject({ kind: 'skipped', key: 'rfqEvent' });
  });
});

describe('unknown enum values: counted, never guessed, handled conservatively', () => {
  it('an unknown order state is a stand-in the tracker maps to no status (not filled)', () => {
    const { metrics, drift } = driftWithMetrics();
    const e = event({ orderSubscriptionUpdate: { execution: wireExecution({ order: wireOrder({ state: 'ORDER_STATE_FROZEN' }) }) } }, drift);
    if (e.type !== 'execution') throw new Error('not an execution');
    expect(e.execution.order.state).toBe('ORDER_STATE_UNRECOGNISED');
    expect(statusOfVenueState(e.execution.order.state, 5)).toBeNull();
    expect(metrics.counter('venue.unknown_enum', { field: 'order.state', value: 'ORDER_STATE_FROZEN' })).toBe(1);
  });

  it('an unknown execution type, book state, intent, cancel reason and taker side', () => {
    const { metrics, drift } = driftWithMetrics();
    const x = event({ orderUpdate: { execution: wireExecution({ type: 'EXECUTION_TYPE_TELEPORT', unsolicitedCancelReason: 'UNSOLICITED_CXL_REASON_SOLAR_FLARE' }) } }, drift);
    expect(x.type === 'execution' && [x.execution.type, x.execution.unsolicitedCancelReason]).toEqual([
      'EXECUTION_TYPE_UNRECOGNISED',
      'UNSOLICITED_CXL_REASON_UNRECOGNISED',
    ]);
    const book = event({ marketData: { marketSlug: 'm', bids: [], offers: [], state: 'MARKET_STATE_NAPPING' } }, drift);
    expect(book.type === 'book' && book.state).toBe('MARKET_STATE_UNRECOGNISED');
    const o = event({ orderUpdate: { execution: wireExecution({ order: wireOrder({ intent: 'ORDER_INTENT_BUY_MAYBE', side: 'ORDER_SIDE_BUY' }) }) } }, drift);
    expect(o.type === 'execution' && o.execution.order.placeholders).toEqual(['intent']);
    const trade = parseVenueMessage(JSON.stringify({ trade: { marketSlug: 'm', price: amount('0.5'), quantity: '1', tradeTime: 1, taker: { side: 'ORDER_SIDE_HOLD' } } }), T, drift);
    expect(trade.kind).toBe('skipped');
    for (const [field, value] of [
      ['execution.type', 'EXECUTION_TYPE_TELEPORT'],
      ['execution.unsolicitedCancelReason', 'UNSOLICITED_CXL_REASON_SOLAR_FLARE'],
      ['book.state', 'MARKET_STATE_NAPPING'],
      ['order.intent', 'ORDER_INTENT_BUY_MAYBE'],
      ['trade.taker.side', 'ORDER_SIDE_HOLD'],
    ]) {
      expect(metrics.counter('venue.unknown_enum', { field: field!, value: value! }), field).toBe(1);
    }
  });
});

describe('REST bodies: current shapes and the older ones', () => {
  const book = { marketSlug: 'm', bids: [{ px: amount('0.55'), qty: '0.50' }], offers: [{ px: amount('0.56'), qty: '3' }], state: 'MARKET_STATE_OPEN' };

  it('book and BBO wrapped in marketData or bare', () => {
    for (const body of [{ marketData: book }, book]) {
      const s = toBookSnapshot(BookSchema.parse(body));
      expect([s.marketSlug, s.bids[0]?.qty, s.asks[0]?.price, s.state]).toEqual(['m', contracts(0.5), 560_000, 'MARKET_STATE_OPEN']);
    }
    const bbo = { marketSlug: 'm', bestBid: amount('0.54'), bestAsk: amount('0.56'), bidDepth: 5, currentPx: amount('0.55'), longQuote: amount('0.55') };
    for (const body of [{ marketData: bbo }, bbo]) expect(toBbo(BboSchema.parse(body))).toMatchObject({ bestBid: 540_000, currentPx: 550_000, longQuote: 550_000 });
  });

  it('settlement as { slug, settlement: number } or the older Amount shape', () => {
    expect(toSettlement(SettlementSchema.parse({ slug: 'm', settlement: 1 }))).toEqual({ marketSlug: 'm', settlementPrice: 1_000_000, settledAt: null });
    expect(toSettlement(SettlementSchema.parse({ marketSlug: 'm', settlementPrice: amount('0'), settledAt: '2024-01-01T00:00:00Z' })).settlementPrice).toBe(0);
  });

  it('market: tick in micros, minimum size in hundredths of a contract (finer rounded up), fee coefficient in ppm, sides', () => {
    const { metrics, drift } = driftWithMetrics();
    const m = toCatalogueMarket(
      MarketResponseSchema.parse({
        market: {
          id: '123',
          slug: 'aec-cbb-usc-iowa-2026-01-28',
          question: null,
          orderPriceMinTickSize: 0.0025,
          minimumTradeQty: 0.01,
          feeCoefficient: 0.07,
          status: 'MARKET_STATUS_PAUSED_FOR_LUNCH',
          sportsMarketType: 'SPORTS_MARKET_TYPE_SPREAD',
          line: -3.5,
          marketSides: [{ id: '1', long: true, quote: amount('0.55'), tradable: true }],
          metadata: { anything: true },
        },
      }).market,
      undefined,
      drift,
    );
    expect(m).toMatchObject({
      id: '123',
      title: 'aec-cbb-usc-iowa-2026-01-28',
      tickMicros: 2_500,
      minQty: 1,
      minQtyExact: '0.01',
      feeCoefficientPpm: 70_000,
      status: 'MARKET_STATUS_UNSPECIFIED',
      sportsMarketType: 'SPORTS_MARKET_TYPE_SPREAD',
      line: '-3.5',
      sides: [{ long: true, quote: 550_000, tradable: true, identifier: null }],
    });
    expect(metrics.counter('venue.unknown_enum', { field: 'market.status', value: 'MARKET_STATUS_PAUSED_FOR_LUNCH' })).toBe(1);
    expect(coefficientToPpm('0.0000005')).toBe(0); // half to even
    expect(coefficientToPpm(5e-7)).toBeNull(); // a number in exponent form is refused, not guessed
    expect(coefficientToPpm('0.1234565')).toBe(123_456);
  });

  it('market outcome and team from today\'s marketSides[] (description, teamId → the event\'s teams[]); outcome/team still read when sent', () => {
    const r = EventsResponseSchema.parse({
      events: [
        {
          id: 7,
          slug: 'nba-nyk-por',
          title: 'New York Knicks at Portland Trail Blazers',
          teams: [
            { id: 11, name: 'Portland Trail Blazers' },
            { id: 12, name: 'New York Knicks' },
          ],
          markets: [
            {
              id: 9,
              slug: 'nba-nyk-por-por',
              title: 'New York Knicks at Portland Trail Blazers: Portland Trail Blazers to win',
              marketSides: [
                { id: '1', long: true, description: 'Portland Trail Blazers', teamId: 11 },
                { id: '2', long: false, description: 'Not Portland Trail Blazers' },
              ],
            },
            { id: 10, slug: 'nba-nyk-por-nyk', marketSides: [{ id: '3', long: false, teamId: 11 }, { id: '4', long: true, teamId: 12 }] },
            { id: 11, slug: 'old', outcome: 'BOS', team: { name: 'Boston Celtics' }, marketSides: [{ id: '5', long: true, description: 'x', teamId: 11 }] },
            { id: 12, slug: 'bare' },
          ],
        },
      ],
    });
    const [por, nyk, old, bare] = toCatalogueEvent(r.events[0]!).markets;
    expect([por!.outcome, por!.team]).toEqual(['Portland Trail Blazers', 'Portland Trail Blazers']);
    expect([nyk!.outcome, nyk!.team]).toEqual(['New York Knicks', 'New York Knicks']);
    expect([old!.outcome, old!.team]).toEqual(['BOS', 'Boston Celtics']);
    expect([bare!.outcome, bare!.team]).toEqual(['', null]);
  });

  it('positions: the …Decimal fields are preferred over the rounded deprecated ones', () => {
    const r = PositionsResponseSchema.parse({
      positions: { a: { netPosition: '20', netPositionDecimal: '19.6000', qtyBoughtDecimal: '19.6', qtySold: '0', qtyAvailableDecimal: '19.6' }, b: { netPosition: '-50' } },
      nextCursor: 'abc',
      eof: false,
    });
    const [a, b] = toVenuePositions(r.positions);
    expect([a?.netPosition, a?.netPositionExact, a?.qtyBought, a?.qtyAvailable, a?.qtyAvailableExact]).toEqual([contracts(19.6), '19.6', contracts(19.6), contracts(19.6), '19.6']);
    expect([b?.netPosition, b?.netPositionExact]).toEqual([contracts(-50), '-50']);
    expect(() => toVenuePositions(PositionsResponseSchema.parse({ positions: { c: { cost: amount('1') } } }).positions)).toThrow(/no netPosition/);
  });

  it('activities: trade detail with qtyDecimal, other types kept, unknown types counted', () => {
    const { metrics, drift } = driftWithMetrics();
    const r = ActivitiesResponseSchema.parse({
      activities: [
        {
          type: 'ACTIVITY_TYPE_TRADE',
          trade: { id: 't-1', marketSlug: 'x', state: 'TRADE_STATE_CLEARED', price: amount('0.55'), qtyDecimal: '19.6000', qty: '20', isAggressor: true, costBasis: null },
        },
        { type: 'ACTIVITY_TYPE_TAKER_FEE_REBATE', accountBalanceChange: { amount: amount('1.00') } },
        { type: 'ACTIVITY_TYPE_POSITION_RESOLUTION', positionResolution: { marketSlug: 'x', side: 'POSITION_RESOLUTION_SIDE_LONG' } },
        { type: 'ACTIVITY_TYPE_MOON_LANDING' },
      ],
    });
    const [trade, rebate, resolution, odd] = r.activities.map((a) => toVenueActivity(a, a, drift));
    expect(trade?.trade).toEqual({
      id: 't-1',
      marketSlug: 'x',
      state: 'TRADE_STATE_CLEARED',
      price: 550_000,
      qty: contracts(19.6),
      qtyExact: '19.6',
      isAggressor: true,
      costBasis: null,
      realizedPnl: null,
    });
    expect([rebate?.knownType, rebate?.trade]).toEqual([true, null]);
    expect(resolution?.marketSlug).toBe('x');
    expect(odd?.knownType).toBe(false);
    expect(metrics.counter('venue.unknown_enum', { field: 'activity.type', value: 'ACTIVITY_TYPE_MOON_LANDING' })).toBe(1);
  });
});
