/** fast-check generators of VALID Polymarket US wire objects (docs/venue-rules.md), the seeds of the mutations. */
import fc from 'fast-check';
import {
  EXECUTION_TYPES,
  MARKET_STATES,
  ORDER_INTENTS,
  ORDER_SIDES,
  ORDER_STATES,
  ORDER_TYPES,
  TIMES_IN_FORCE,
} from '../../shared/domain/venue-enums.js';

export const amount = (micros: number) => ({ value: (micros / 1_000_000).toFixed(6).replace(/0+$/, '').replace(/\.$/, ''), currency: 'USD' });

export const slugArb = fc.constantFrom('nba-bos-lal-2024-01-16', 'nfl-kc-buf', 'x', 'nba-den-mia-yes');
export const priceArb = fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000);
export const qtyArb = fc.integer({ min: 0, max: 100_000 });
export const isoArb = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map((ms) => new Date(ms).toISOString());

const levelsArb = fc
  .uniqueArray(fc.tuple(priceArb, qtyArb, fc.boolean()), { maxLength: 8, selector: ([p]) => p })
  .map((ls) => ls.map(([p, q, asText]) => ({ px: amount(p), qty: asText ? String(q) : q })));

export const wireBookArb = fc.record({
  marketSlug: slugArb,
  bids: levelsArb.map((ls) => [...ls].sort((a, b) => Number(b.px.value) - Number(a.px.value))),
  offers: levelsArb.map((ls) => [...ls].sort((a, b) => Number(a.px.value) - Number(b.px.value))),
  state: fc.constantFrom(...MARKET_STATES),
  transactTime: isoArb,
});

export const wireOrderArb = fc.record({
  id: fc.uuid(),
  marketSlug: slugArb,
  side: fc.constantFrom(...ORDER_SIDES),
  type: fc.constantFrom(...ORDER_TYPES),
  price: priceArb.map(amount),
  quantity: fc.integer({ min: 1, max: 10_000 }),
  cumQuantity: fc.integer({ min: 0, max: 10_000 }).map(String),
  leavesQuantity: fc.integer({ min: 0, max: 10_000 }),
  tif: fc.constantFrom(...TIMES_IN_FORCE),
  intent: fc.constantFrom(...ORDER_INTENTS),
  state: fc.constantFrom(...ORDER_STATES),
  avgPx: priceArb.map(amount),
  createTime: isoArb,
  commissionsBasisPoints: fc.constantFrom('30', 30, null),
});

export const wireExecutionArb = fc.record({
  id: fc.uuid(),
  order: wireOrderArb,
  lastShares: fc.integer({ min: 1, max: 1000 }).map(String),
  lastPx: priceArb.map(amount),
  type: fc.constantFrom(...EXECUTION_TYPES),
  transactTime: isoArb,
  tradeId: fc.uuid(),
  aggressor: fc.boolean(),
  commissionNotionalCollected: fc.integer({ min: 0, max: 100 }).map((c) => amount(c * 10_000)),
});

export const wirePositionArb = fc.record({
  netPosition: fc.integer({ min: -500, max: 500 }).map(String),
  qtyBought: fc.integer({ min: 0, max: 500 }),
  qtySold: fc.integer({ min: 0, max: 500 }),
  cost: fc.integer({ min: 0, max: 500_000_000 }).map(amount),
  realized: fc.integer({ min: -50_000_000, max: 50_000_000 }).map((m) => ({ value: (m / 1e6).toFixed(6), currency: 'USD' })),
  bodPosition: fc.constant('0'),
  expired: fc.boolean(),
  updateTime: isoArb,
});

const moneyArb = fc.integer({ min: 0, max: 10_000_000_000 }).map(amount);

/** A decimal quantity as today's wire writes it ("19.6000"): hundredths of a contract. */
export const decimalQtyArb = fc.integer({ min: 1, max: 100_000 }).map((h) => (h / 100).toFixed(4));

/** Today's position: the …Decimal fields beside the rounded deprecated ones, and marketMetadata. */
export const wireDecimalPositionArb = fc.tuple(slugArb, fc.integer({ min: -50_000, max: 50_000 }), fc.boolean()).map(([slug, h, withRounded]) => ({
  ...(withRounded ? { netPosition: String(Math.trunc(h / 100)) } : {}),
  netPositionDecimal: (h / 100).toFixed(4),
  cost: amount(Math.abs(h) * 5_000),
  marketMetadata: { slug },
}));

/** A balance as today's wire writes it: JSON numbers. */
const numberBalanceArb = fc.tuple(fc.integer({ min: 0, max: 1_000_000_00 }), fc.integer({ min: 0, max: 1_000_000_00 })).map(([c, b]) => ({
  currentBalance: c / 100,
  currency: 'USD',
  buyingPower: b / 100,
}));

/** One valid WebSocket message (every documented kind). */
export const venueMessageArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 4, arbitrary: wireBookArb.map((b) => ({ requestId: 'r-1', subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA', marketData: b })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ marketSlug: slugArb, bestBid: priceArb.map(amount), bestAsk: priceArb.map(amount), lastTradePx: priceArb.map(amount) })
      .map((l) => ({ marketDataLite: l })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        marketSlug: slugArb,
        price: priceArb.map(amount),
        quantity: fc.integer({ min: 1, max: 1000 }),
        tradeTime: isoArb,
        taker: fc.record({ side: fc.constantFrom(...ORDER_SIDES) }),
      })
      .map((t) => ({ trade: t })),
  },
  { weight: 1, arbitrary: fc.array(wireOrderArb, { maxLength: 3 }).map((orders) => ({ orderSubscriptionSnapshot: { orders } })) },
  { weight: 2, arbitrary: wireExecutionArb.map((execution) => ({ orderSubscriptionUpdate: { execution } })) },
  {
    weight: 1,
    arbitrary: fc.dictionary(slugArb, wirePositionArb, { maxKeys: 3 }).map((positions) => ({ positionSubscriptionSnapshot: { positions } })),
  },
  { weight: 1, arbitrary: fc.tuple(slugArb, wirePositionArb).map(([marketSlug, position]) => ({ positionSubscriptionUpdate: { marketSlug, position } })) },
  { weight: 1, arbitrary: fc.tuple(moneyArb, moneyArb).map(([balance, buyingPower]) => ({ accountBalanceSubscriptionUpdate: { balance, buyingPower } })) },
  { weight: 1, arbitrary: fc.constantFrom({ heartbeat: {} }, { error: { message: 'bad subscription' }, requestId: 'r-2' }) },
  // Today's shapes and aliases.
  {
    weight: 1,
    arbitrary: fc
      .record({ marketSlug: slugArb, price: priceArb.map(amount), quantity: decimalQtyArb.map((value) => ({ value, currency: 'USD' })), tradeTime: isoArb, taker: fc.record({ side: fc.constantFrom(...ORDER_SIDES) }) })
      .map((t) => ({ trade: t })),
  },
  { weight: 1, arbitrary: fc.array(wireOrderArb, { maxLength: 3 }).map((orders) => ({ ordersSnapshot: { orders, eof: true } })) },
  { weight: 1, arbitrary: wireExecutionArb.map((execution) => ({ orderUpdate: { execution: { ...execution, unsolicitedCancelReason: 'UNSOLICITED_CXL_REASON_LOGOUT' } } })) },
  {
    weight: 1,
    arbitrary: fc.tuple(wireDecimalPositionArb, fc.option(wireDecimalPositionArb)).map(([after, before]) => ({
      positionSubscription: { beforePosition: before ? { ...before, marketMetadata: after.marketMetadata } : null, afterPosition: after, updateTime: '2024-01-15T10:30:00Z' },
    })),
  },
  { weight: 1, arbitrary: fc.array(numberBalanceArb, { minLength: 1, maxLength: 2 }).map((balances) => ({ accountBalancesSnapshot: { balances } })) },
  { weight: 1, arbitrary: fc.tuple(numberBalanceArb, numberBalanceArb).map(([beforeBalance, afterBalance]) => ({ accountBalancesUpdate: { balanceChange: { beforeBalance, afterBalance } } })) },
);
