import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { InvalidRequestError } from '../../../shared/venue/errors.js';
import {
  ActivitiesResponseSchema,
  BalancesResponseSchema,
  BookSchema,
  CreateOrderResponseSchema,
  EventsResponseSchema,
  OrderSchema,
  PositionsResponseSchema,
  buildCreateOrder,
  createOrderJson,
  buildModifyOrder,
  toBookSnapshot,
  toCatalogueEvent,
  toVenueActivity,
  toVenueBalance,
  toVenueExecution,
  toVenueOrder,
  toVenuePositions,
} from '../../../shared/venue/wire.js';
import { amount, wireExecution, wireOrder, wirePosition } from './fixtures.js';

describe('wire → domain', () => {
  it('converts an order: Amount → micros, ISO → ms, bps strings → numbers, extra fields ignored', () => {
    const o = toVenueOrder(OrderSchema.parse(wireOrder()));
    expect(o).toEqual({
      id: 'ord-1',
      marketSlug: 'nba-bos-lal',
      side: 'ORDER_SIDE_BUY',
      type: 'ORDER_TYPE_LIMIT',
      price: 550_000,
      quantity: contracts(10),
      cumQuantity: 0,
      leavesQuantity: contracts(10),
      tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
      goodTillTime: null,
      intent: 'ORDER_INTENT_BUY_LONG',
      state: 'ORDER_STATE_NEW',
      avgPx: null,
      createTime: Date.parse('2024-01-16T16:00:00.123Z'),
      commissionsBasisPoints: 30,
      makerCommissionsBasisPoints: null,
      quantityExact: '10',
      cumQuantityExact: '0',
      leavesQuantityExact: '10',
    });
  });

  it('accepts quantities as strings', () => {
    const o = toVenueOrder(OrderSchema.parse(wireOrder({ quantity: '12', cumQuantity: '2', leavesQuantity: '10' })));
    expect([o.quantity, o.cumQuantity, o.leavesQuantity]).toEqual([contracts(12), contracts(2), contracts(10)]);
  });

  it('converts an execution with its order', () => {
    const r = CreateOrderResponseSchema.parse({ id: 'ord-1', executions: [wireExecution()] });
    const e = toVenueExecution(r.executions![0]!);
    expect(e.lastShares).toBe(contracts(4));
    expect(e.lastPx).toBe(540_000);
    expect(e.commissionNotionalCollected).toBe(10_000);
    expect(e.order.cumQuantity).toBe(contracts(4));
    expect(e.transactTime).toBe(Date.parse('2024-01-16T16:00:01Z'));
  });

  it('converts positions keyed by slug (signed net position)', () => {
    const r = PositionsResponseSchema.parse({ positions: { 'nba-bos-lal': wirePosition() }, nextCursor: 'c2', eof: false });
    expect(toVenuePositions(r.positions)).toEqual([
      {
        marketSlug: 'nba-bos-lal',
        netPosition: contracts(-5),
        qtyBought: 0,
        qtySold: contracts(5),
        cost: 2_250_000,
        realized: 0,
        bodPosition: 0,
        expired: false,
        updateTime: Date.parse('2024-01-16T16:00:02Z'),
        cashValue: null,
        qtyAvailable: null,
        netPositionExact: '-5',
        qtyBoughtExact: '0',
        qtySoldExact: '5',
        bodPositionExact: '0',
        qtyAvailableExact: null,
      },
    ]);
  });

  it('converts balances given as numbers, strings or Amounts, exactly', () => {
    const r = BalancesResponseSchema.parse({
      balances: [{ currentBalance: 1234.56, currency: 'USD', buyingPower: '1000.10', openOrders: amount('234.46') }],
    });
    expect(toVenueBalance(r.balances[0]!)).toEqual({ currency: 'USD', currentBalance: 1_234_560_000, buyingPower: 1_000_100_000, openOrders: 234_460_000 });
  });

  it('refuses a float balance that is not exact to the micro', () => {
    const r = BalancesResponseSchema.parse({ balances: [{ currentBalance: 0.1234567, currency: 'USD', buyingPower: 1 }] });
    expect(() => toVenueBalance(r.balances[0]!)).toThrow();
  });

  it('sorts book levels best first and reads stats', () => {
    const b = BookSchema.parse({
      marketSlug: 'm',
      bids: [{ px: amount('0.40'), qty: '5' }, { px: amount('0.45'), qty: '7' }],
      offers: [{ px: amount('0.60'), qty: '3' }, { px: amount('0.55'), qty: '1' }],
      state: 'MARKET_STATE_OPEN',
      stats: { lastTradePx: amount('0.5') },
    });
    const s = toBookSnapshot(b);
    expect(s.bids.map((l) => l.price)).toEqual([450_000, 400_000]);
    expect(s.asks.map((l) => l.price)).toEqual([550_000, 600_000]);
    expect(s.lastTradePx).toBe(500_000);
  });

  it('converts events with numeric ids and nested markets', () => {
    const r = EventsResponseSchema.parse({
      events: [{ id: 7, slug: 'ev', title: 'E', startTime: '2024-01-16T00:00:00Z', markets: [{ id: 9, slug: 'm', title: 'M', outcome: 'BOS' }] }],
    });
    const e = toCatalogueEvent(r.events[0]!);
    expect(e.id).toBe('7');
    expect(e.markets[0]).toMatchObject({ id: '9', slug: 'm', eventSlug: 'ev', active: true, closed: false });
  });

  it('reads activities from the SDK shape and from top-level references', () => {
    const r = ActivitiesResponseSchema.parse({
      activities: [
        { type: 'ACTIVITY_TYPE_TRADE', trade: { id: 't1', marketSlug: 'm', price: amount('0.5'), qty: '3', createTime: '2024-01-16T00:00:00Z' } },
        { type: 'ACTIVITY_TYPE_TRADE', marketSlug: 'm', orderId: 'o9', executionId: 'e9', time: '2024-01-16T00:00:01Z' },
      ],
      eof: true,
    });
    const [a, b] = r.activities.map((x) => toVenueActivity(x, x));
    expect(a).toMatchObject({ marketSlug: 'm', orderId: null, executionId: 't1', time: Date.parse('2024-01-16T00:00:00Z') });
    expect(b).toMatchObject({ marketSlug: 'm', orderId: 'o9', executionId: 'e9' });
  });

  describe('rejects malformed money and ids', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['price as a float', { price: 0.55 }],
      ['price with 7 decimals', { price: amount('0.5500001') }],
      ['price in another currency', { price: { value: '0.55', currency: 'EUR' } }],
      ['price in exponent form', { price: amount('5.5e-1') }],
      ['empty id', { id: '' }],
      ['bad timestamp', { createTime: 'yesterday' }],
      ['quantity as an object without value', { quantity: { amount: 1 } }],
    ];
    for (const [name, over] of cases) {
      it(name, () => expect(OrderSchema.safeParse(wireOrder(over)).success).toBe(false));
    }
  });
});

describe('domain → wire requests', () => {
  const base: OrderRequest = {
    marketSlug: 'nba-bos-lal',
    intent: 'ORDER_INTENT_BUY_SHORT',
    type: 'ORDER_TYPE_LIMIT',
    price: 450_000,
    quantity: contracts(10),
    tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    postOnly: true,
  };

  it('sends the long-side price as an Amount string and post-only as participateDontInitiate', () => {
    expect(buildCreateOrder(base)).toEqual({
      marketSlug: 'nba-bos-lal',
      intent: 'ORDER_INTENT_BUY_SHORT',
      type: 'ORDER_TYPE_LIMIT',
      price: { value: '0.45', currency: 'USD' },
      quantity: 10,
      tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
      participateDontInitiate: true,
    });
  });

  it('sends a fractional quantity as its exact decimal number of contracts', () => {
    expect(buildCreateOrder({ ...base, quantity: contracts(0.3) }).quantity).toBe(0.3);
    expect(buildCreateOrder({ ...base, quantity: contracts(19.6) }).quantity).toBe(19.6);
  });

  it('formats sub-cent prices exactly', () => {
    expect(buildCreateOrder({ ...base, price: 455_500 }).price).toEqual({ value: '0.4555', currency: 'USD' });
  });

  it('sends goodTillTime as ISO for GOOD_TILL_DATE', () => {
    const b = buildCreateOrder({ ...base, tif: 'TIME_IN_FORCE_GOOD_TILL_DATE', goodTillTime: Date.parse('2024-01-16T20:00:00Z') });
    expect(b.goodTillTime).toBe('2024-01-16T20:00:00.000Z');
  });

  it('property: createOrderJson is JSON.stringify(buildCreateOrder(r)) exactly, and refuses what it refuses', () => {
    const request = fc.record({
      marketSlug: fc.oneof(fc.constantFrom('nba-bos-lal', 'a"b\\c', 'é-ü', '', 'x y', 'q?x'), fc.string({ maxLength: 12 })),
      intent: fc.constantFrom('ORDER_INTENT_BUY_LONG', 'ORDER_INTENT_SELL_LONG', 'ORDER_INTENT_BUY_SHORT', 'ORDER_INTENT_SELL_SHORT'),
      type: fc.constantFrom('ORDER_TYPE_LIMIT', 'ORDER_TYPE_MARKET'),
      price: fc.option(fc.oneof(fc.integer({ min: -10, max: 1_000_010 }), fc.constantFrom(450_000.5, Number.NaN)), { nil: undefined }),
      quantity: fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.maxSafeInteger(), fc.constantFrom(1.5, 1e15 - 1, 1e15, 2 ** 60)),
      tif: fc.constantFrom('TIME_IN_FORCE_GOOD_TILL_CANCEL', 'TIME_IN_FORCE_GOOD_TILL_DATE', 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL', 'TIME_IN_FORCE_FILL_OR_KILL'),
      postOnly: fc.boolean(),
      goodTillTime: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: undefined }),
    });
    const outcome = (f: () => unknown): unknown => {
      try {
        return { text: f() };
      } catch (err) {
        return { error: (err as Error).message };
      }
    };
    fc.assert(
      fc.property(request, (r) => {
        const req = r as OrderRequest;
        const expected = outcome(() => JSON.stringify(buildCreateOrder(req)));
        // Twice: the second answer comes from the slug and price texts remembered by the first.
        expect(outcome(() => createOrderJson(req))).toEqual(expected);
        expect(outcome(() => createOrderJson(req))).toEqual(expected);
      }),
      { numRuns: 2_000 },
    );
    expect(createOrderJson(base)).toBe(JSON.stringify(buildCreateOrder(base)));
  });

  it('refuses requests it must not send', () => {
    expect(() => buildCreateOrder({ ...base, price: undefined })).toThrow(InvalidRequestError);
    expect(() => buildCreateOrder({ ...base, price: 0 })).toThrow(InvalidRequestError);
    expect(() => buildCreateOrder({ ...base, price: 1_000_000 })).toThrow(InvalidRequestError);
    expect(() => buildCreateOrder({ ...base, price: 450_000.5 })).toThrow(InvalidRequestError);
    expect(() => buildCreateOrder({ ...base, quantity: 0 })).toThrow(InvalidRequestError);
    expect(() => buildCreateOrder({ ...base, quantity: 1.5 })).toThrow(InvalidRequestError); // not a whole number of hundredths
    expect(() => buildCreateOrder({ ...base, marketSlug: '../x' })).toThrow(InvalidRequestError);
    expect(() => buildCreateOrder({ ...base, tif: 'TIME_IN_FORCE_GOOD_TILL_DATE' })).toThrow(InvalidRequestError);
  });

  it('builds modifies with only what changes', () => {
    expect(buildModifyOrder('m', { price: 520_000 })).toEqual({ marketSlug: 'm', price: { value: '0.52', currency: 'USD' } });
    expect(buildModifyOrder('m', { quantity: contracts(3) })).toEqual({ marketSlug: 'm', quantity: 3 });
    expect(buildModifyOrder('m', { quantity: contracts(2.5) })).toEqual({ marketSlug: 'm', quantity: 2.5 });
    expect(() => buildModifyOrder('m', {})).toThrow(InvalidRequestError);
  });
});

describe('wire schemas: built on first use', () => {
  it('exports every composite schema as a z.lazy whose schema is built by its first parse, once', async () => {
    const wire = await import('../../../shared/venue/wire-schemas.js');
    const composites = Object.entries(wire).filter(([name, v]) => name.endsWith('Schema') && typeof v === 'object' && !['EnumTextSchema', 'IdSchema'].includes(name));
    expect(composites.length).toBeGreaterThan(25);
    for (const [name, schema] of composites) expect((schema as { _zod: { def: { type: string } } })._zod.def.type, name).toBe('lazy');
    const order = wire.OrderResponseSchema as unknown as { _zod: { innerType: unknown } };
    expect(order._zod.innerType).toBe(order._zod.innerType);
    // The lazy parses as the schema it wraps: the same issues for a bad body.
    const bad = wire.OrderResponseSchema.safeParse({ order: { id: '', marketSlug: 'm', quantity: 1, state: 'X' } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['order.id']);
  });
});
