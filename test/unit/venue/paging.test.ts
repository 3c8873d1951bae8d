/**
 * The REST client's list endpoints through a scripted transport: positions and activities paged to the end
 * (limit/cursor → nextCursor/eof; stop on eof or on a page without a cursor; a cursor loop refused), open
 * orders filtered by repeating the `slugs` key, and today's position shape (decimal fields) on the way.
 */
import { describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/domain/quantity.js';
import { ResponseValidationError } from '../../../shared/venue/errors.js';
import { pageThrough } from '../../../shared/venue/paging.js';
import { amount, wireOrder } from './fixtures.js';
import { json, setup } from './rest-client-harness.js';

/** A client whose every answer is `answer(url)`, with the URLs it asked for. */
function client(answer: (url: URL) => unknown) {
  const urls: URL[] = [];
  const { client: c, metrics } = setup((req) => {
    const url = new URL(req.url);
    urls.push(url);
    return json(200, answer(url));
  });
  return { c, urls, metrics };
}

const position = (net: string) => ({ netPosition: String(Math.trunc(Number(net))), netPositionDecimal: net, cost: amount('1') });

describe('positions, paged to the end', () => {
  it('follows nextCursor until eof, passing limit and cursor, and reads the decimal positions', async () => {
    const pages: Record<string, unknown> = {
      '': { positions: { a: position('1.5') }, nextCursor: 'c1', eof: false },
      c1: { positions: { b: position('-2') }, nextCursor: 'c2', eof: false },
      c2: { positions: { c: position('3') }, nextCursor: 'c3', eof: true },
    };
    const { c, urls } = client((u) => pages[u.searchParams.get('cursor') ?? '']);
    const all = await c.allPositions({ limit: 1 });
    expect(all.map((p) => [p.marketSlug, p.netPosition, p.netPositionExact])).toEqual([
      ['a', contracts(1.5), '1.5'],
      ['b', contracts(-2), '-2'],
      ['c', contracts(3), '3'],
    ]);
    expect(urls.map((u) => [u.pathname, u.searchParams.get('limit'), u.searchParams.get('cursor')])).toEqual([
      ['/v1/portfolio/positions', '1', null],
      ['/v1/portfolio/positions', '1', 'c1'],
      ['/v1/portfolio/positions', '1', 'c2'],
    ]);
  });

  it('stops on a page without a cursor even when eof is not sent (or false)', async () => {
    const pages: Record<string, unknown> = {
      '': { positions: { a: position('1') }, nextCursor: 'c1' },
      c1: { positions: { b: position('2') }, nextCursor: '', eof: false },
    };
    const { c, urls } = client((u) => pages[u.searchParams.get('cursor') ?? '']);
    expect((await c.allPositions()).map((p) => p.marketSlug)).toEqual(['a', 'b']);
    expect(urls).toHaveLength(2);
  });

  it('refuses a cursor loop instead of paging forever', async () => {
    const { c, urls } = client((u) => ({ positions: { [`m${urls.length}`]: position('1') }, nextCursor: u.searchParams.get('cursor') === 'x' ? 'y' : 'x', eof: false }));
    await expect(c.allPositions()).rejects.toBeInstanceOf(ResponseValidationError);
    expect(urls.map((u) => u.searchParams.get('cursor'))).toEqual([null, 'x', 'y']);
  });

  it('refuses more pages than the guard allows (distinct cursors forever)', async () => {
    let n = 0;
    const endless = pageThrough('GET /x', async () => ({ items: [n], nextCursor: `c${++n}`, eof: false }), 5);
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const x of endless) got.push(x);
      })(),
    ).rejects.toThrow(/more than 5 pages/);
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('activities and open orders', () => {
  it('pages activities with their filters and reads trade quantities exactly', async () => {
    const pages: Record<string, unknown> = {
      '': {
        activities: [{ type: 'ACTIVITY_TYPE_TRADE', trade: { id: 't1', marketSlug: 'm', price: amount('0.5'), qtyDecimal: '2.25', qty: '2' } }],
        nextCursor: 'n1',
        eof: false,
      },
      n1: { activities: [{ type: 'ACTIVITY_TYPE_TAKER_FEE_REBATE' }], eof: true },
    };
    const { c, urls } = client((u) => pages[u.searchParams.get('cursor') ?? '']);
    const all = [];
    for await (const a of c.activities({ marketSlug: 'm', types: ['ACTIVITY_TYPE_TRADE', 'ACTIVITY_TYPE_TAKER_FEE_REBATE'], limit: 1 })) all.push(a);
    expect(all.map((a) => [a.type, a.trade?.qty ?? null, a.trade?.qtyExact ?? null])).toEqual([
      ['ACTIVITY_TYPE_TRADE', contracts(2.25), '2.25'],
      ['ACTIVITY_TYPE_TAKER_FEE_REBATE', null, null],
    ]);
    expect(urls[0]!.searchParams.getAll('types')).toEqual(['ACTIVITY_TYPE_TRADE', 'ACTIVITY_TYPE_TAKER_FEE_REBATE']);
    expect(urls[1]!.searchParams.get('cursor')).toBe('n1');
  });

  it('asks for open orders of several markets by repeating the slugs key', async () => {
    const { c, urls } = client(() => ({ orders: [wireOrder({ quantity: 2.5, leavesQuantity: 2.5 })] }));
    const orders = await c.openOrders(['a', 'b']);
    expect(urls[0]!.search).toBe('?slugs=a&slugs=b');
    expect([orders[0]!.quantity, orders[0]!.quantityExact, orders[0]!.leavesQuantity]).toEqual([contracts(2.5), '2.5', contracts(2.5)]);
    const { c: c2 } = client(() => ({}));
    expect(await c2.openOrders()).toEqual([]);
  });
});
