import { describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import { parseVenueMessage } from '../../../shared/venue/ws-messages.js';
import { amount, bookMessage, wireExecution, wireOrder, wirePosition } from './fixtures.js';

const T = 1_705_420_800_000;

function event(text: string) {
  const r = parseVenueMessage(text, T);
  if (r.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(r)}`);
  return r.event;
}

describe('book messages (hot path)', () => {
  it('parses a 10-level book into best-first BookLevels in micros', () => {
    const e = event(bookMessage(10));
    if (e.type !== 'book') throw new Error('not a book');
    expect(e.marketSlug).toBe('nba-bos-lal');
    expect(e.bids).toHaveLength(10);
    expect(e.bids[0]).toEqual({ price: 500_000, qty: contracts(100) });
    expect(e.bids[9]).toEqual({ price: 410_000, qty: contracts(109) });
    expect(e.asks[0]).toEqual({ price: 510_000, qty: contracts(200) });
    expect(e.state).toBe('MARKET_STATE_OPEN');
    expect(e.transactTime).toBe(Date.parse('2024-01-16T16:00:00.5Z'));
    expect(e.snapshot).toBe(false);
    expect(e.receivedAt).toBe(T);
  });

  it('sorts levels that arrive out of order', () => {
    const msg = {
      marketData: {
        marketSlug: 'm',
        bids: [{ px: amount('0.40'), qty: '1' }, { px: amount('0.45'), qty: '2' }],
        offers: [{ px: amount('0.60'), qty: '1' }, { px: amount('0.55'), qty: 2 }],
        state: 'MARKET_STATE_SUSPENDED',
      },
    };
    const e = event(JSON.stringify(msg));
    if (e.type !== 'book') throw new Error('not a book');
    expect(e.bids.map((l) => l.price)).toEqual([450_000, 400_000]);
    expect(e.asks.map((l) => l.price)).toEqual([550_000, 600_000]);
    expect(e.transactTime).toBeNull();
  });

  const bad: [string, unknown][] = [
    ['price as number', { px: 0.5, qty: '1' }],
    ['price with 7 decimals', { px: amount('0.5000001'), qty: '1' }],
    ['price out of (0,1)', { px: amount('1.2'), qty: '1' }],
    ['zero price', { px: amount('0'), qty: '1' }],
    ['qty in exponent form', { px: amount('0.5'), qty: '1e3' }],
    ['negative qty', { px: amount('0.5'), qty: '-1' }],
    ['wrong currency', { px: { value: '0.5', currency: 'EUR' }, qty: '1' }],
    ['null level', null],
  ];
  for (const [name, level] of bad) {
    it(`flags a book with a malformed level as malformed: ${name}`, () => {
      const msg = { marketData: { marketSlug: 'm', bids: [level], offers: [], state: 'MARKET_STATE_OPEN' } };
      expect(parseVenueMessage(JSON.stringify(msg), T).kind).toBe('malformed');
    });
  }

  it('flags duplicate price levels, a bad state and missing sides', () => {
    const dup = { marketData: { marketSlug: 'm', bids: [{ px: amount('0.5'), qty: '1' }, { px: amount('0.50'), qty: '2' }], offers: [], state: 'MARKET_STATE_OPEN' } };
    expect(parseVenueMessage(JSON.stringify(dup), T).kind).toBe('malformed');
    const state = { marketData: { marketSlug: 'm', bids: [], offers: [], state: 42 } };
    expect(parseVenueMessage(JSON.stringify(state), T).kind).toBe('malformed');
    const noSides = { marketData: { marketSlug: 'm', state: 'MARKET_STATE_OPEN' } };
    expect(parseVenueMessage(JSON.stringify(noSides), T).kind).toBe('malformed');
  });
});

describe('other messages', () => {
  it('parses heartbeats, errors and unknown keys', () => {
    expect(parseVenueMessage('{"heartbeat":{}}', T)).toEqual({ kind: 'heartbeat' });
    expect(parseVenueMessage('{"requestId":"r1","error":"unknown market: x"}', T)).toEqual({ kind: 'error', requestId: 'r1', message: 'unknown market: x' });
    expect(parseVenueMessage('{"requestId":"r1","somethingNew":{}}', T)).toEqual({ kind: 'unknown', key: 'somethingNew' });
  });

  it('reports non-JSON and non-object frames as malformed', () => {
    for (const t of ['', 'not json', '[1,2]', '42', 'null']) expect(parseVenueMessage(t, T).kind).toBe('malformed');
  });

  it('parses bbo and trade', () => {
    const lite = event(JSON.stringify({ marketDataLite: { marketSlug: 'm', bestBid: amount('0.44'), lastTradePx: amount('0.45') } }));
    expect(lite).toEqual({ type: 'bbo', marketSlug: 'm', bestBid: 440_000, bestAsk: null, lastTradePx: 450_000, receivedAt: T });
    const trade = event(
      JSON.stringify({
        trade: {
          marketSlug: 'm',
          price: amount('0.45'),
          quantity: '7',
          tradeTime: '2024-01-16T16:00:00Z',
          maker: { side: 'ORDER_SIDE_BUY', intent: 'ORDER_INTENT_BUY_LONG' },
          taker: { side: 'ORDER_SIDE_SELL', intent: 'ORDER_INTENT_BUY_SHORT' },
        },
      }),
    );
    expect(trade).toMatchObject({ type: 'trade', price: 450_000, qty: contracts(7), takerSide: 'ORDER_SIDE_SELL' });
  });

  it('parses private snapshots and updates', () => {
    const snap = event(JSON.stringify({ orderSubscriptionSnapshot: { orders: [wireOrder()], eof: true } }));
    expect(snap.type === 'orders_snapshot' && snap.orders[0]?.price).toBe(550_000);
    const exec = event(JSON.stringify({ orderSubscriptionUpdate: { execution: wireExecution() } }));
    expect(exec.type === 'execution' && exec.execution.lastShares).toBe(contracts(4));
    const pos = event(JSON.stringify({ positionSubscriptionUpdate: { marketSlug: 'm', position: wirePosition() } }));
    expect(pos.type === 'position' && pos.position.netPosition).toBe(contracts(-5));
    const posSnap = event(JSON.stringify({ positionSubscriptionSnapshot: { positions: { m: wirePosition() }, eof: true } }));
    expect(posSnap.type === 'positions_snapshot' && posSnap.positions[0]?.marketSlug).toBe('m');
    const bal = event(JSON.stringify({ accountBalanceSubscriptionSnapshot: { balance: 100.5, buyingPower: amount('90.25') } }));
    expect(bal).toMatchObject({ type: 'balance', balance: 100_500_000, buyingPower: 90_250_000 });
    const bal2 = event(JSON.stringify({ accountBalanceSubscriptionUpdate: { currentBalance: amount('1'), currency: 'USD', buyingPower: amount('1') } }));
    expect(bal2).toMatchObject({ type: 'balance', balance: 1_000_000 });
  });

  it('flags malformed private messages', () => {
    expect(parseVenueMessage(JSON.stringify({ orderSubscriptionUpdate: { execution: { id: 'x' } } }), T).kind).toBe('malformed');
    expect(parseVenueMessage(JSON.stringify({ orderSubscriptionSnapshot: { orders: [wireOrder({ price: 0.5 })] } }), T).kind).toBe('malformed');
    expect(parseVenueMessage(JSON.stringify({ accountBalanceSubscriptionUpdate: { balance: 'lots' } }), T).kind).toBe('malformed');
  });
});
