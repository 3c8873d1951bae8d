import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { availableDynamoBackends, startStoreHarness, type StoreHarness } from '../../support/emulators.js';
import { OrdersRepository } from '../../../shared/store/orders-repository.js';
import { FillsLedger } from '../../../shared/store/fills-ledger.js';
import { PositionsRepository } from '../../../shared/store/positions-repository.js';
import { StoredQuantityError } from '../../../shared/store/stored-quantity.js';
import { tradingDayOf } from '../../../shared/store/trading-day.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { fill, order, position } from './fixtures.js';

/**
 * Items written before quantities became hundredths of a contract carry no `qtyScale` and count whole
 * contracts; every reader must scale them, and every writer marks its items. Raw items are written with the
 * plain document client, exactly as the old code stored them.
 */
describe.each(availableDynamoBackends())('stored quantity units over $name', (backend) => {
  let h: StoreHarness;
  beforeAll(async () => {
    h = await startStoreHarness(backend);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const raw = async (table: string, key: Record<string, unknown>) =>
    (await h.doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  const putRaw = (table: string, item: Record<string, unknown>) => h.doc.send(new PutCommand({ TableName: table, Item: item }));

  it('every writer stores hundredths with qtyScale 100', async () => {
    await new OrdersRepository(h.doc, h.tables.orders).create(
      order('u-order', { request: { ...order('x').request, quantity: contracts(2.5) }, filledQty: contracts(1.25) }),
    );
    await new FillsLedger(h.doc, h.tables.fills).append(fill('u-fill', { qty: contracts(0.01) }));
    await new PositionsRepository(h.doc, h.tables.positions).save(position('u-pos', { quantity: contracts(19.6), netQty: contracts(-19.6) }), null);
    expect(await raw(h.tables.orders, { localId: 'u-order' })).toMatchObject({ qtyScale: 100, filledQty: 125, request: { quantity: 250 } });
    expect(await raw(h.tables.fills, { executionId: 'u-fill' })).toMatchObject({ qtyScale: 100, qty: 1 });
    expect(await raw(h.tables.positions, { marketSlug: 'u-pos' })).toMatchObject({ qtyScale: 100, quantity: 1960, netQty: -1960 });
  });

  it('reads an old-format order (no marker) as whole contracts, through get, the venue-id index and the open index', async () => {
    const repo = new OrdersRepository(h.doc, h.tables.orders);
    const old = order('old-order', { orderId: 'v-old', status: 'PARTIALLY_FILLED' });
    await putRaw(h.tables.orders, { ...old, request: { ...old.request, quantity: 10 }, filledQty: 4, version: 3, openMarker: 'OPEN' });
    const expected = { order: { ...old, request: { ...old.request, quantity: contracts(10) }, filledQty: contracts(4) }, version: 3 };
    expect(await repo.get('old-order')).toEqual(expected);
    expect(await repo.findByVenueOrderId('v-old')).toEqual(expected);
    expect((await repo.listOpen()).find((o) => o.order.localId === 'old-order')).toEqual(expected);
    // Saving it over its version rewrites it in the new unit, with the marker.
    await repo.save({ ...expected.order, filledQty: contracts(10), status: 'FILLED' }, 3);
    expect(await raw(h.tables.orders, { localId: 'old-order' })).toMatchObject({ qtyScale: 100, filledQty: 1000, request: { quantity: 1000 } });
    expect((await repo.get('old-order'))?.order.filledQty).toBe(contracts(10));
  });

  it('reads an old-format fill as whole contracts through get, byDay and byMarket; re-recording it is a duplicate', async () => {
    const ledger = new FillsLedger(h.doc, h.tables.fills);
    const time = Date.UTC(2025, 5, 1, 15, 0);
    const f = fill('old-fill', { marketSlug: 'mkt-old', qty: contracts(5), time });
    await putRaw(h.tables.fills, { ...f, qty: 5, day: tradingDayOf(time), timeKey: `${String(time).padStart(15, '0')}#old-fill`, recordedAt: 1 });
    expect(await ledger.get('old-fill')).toEqual(f);
    expect((await ledger.byDay(tradingDayOf(time))).find((x) => x.executionId === 'old-fill')).toEqual(f);
    expect(await ledger.byMarket('mkt-old')).toEqual([f]);
    // The same execution seen again (a replay) in the new unit matches the old item: no false ledger conflict.
    expect(await ledger.append(f)).toBe('duplicate');
    expect(await raw(h.tables.fills, { executionId: 'old-fill' })).not.toHaveProperty('qtyScale');
  });

  it('reads an old-format position as whole contracts through get and list', async () => {
    const repo = new PositionsRepository(h.doc, h.tables.positions);
    const p = position('old-pos', { quantity: contracts(7), netQty: contracts(-7), side: 'NO' });
    await putRaw(h.tables.positions, { ...p, quantity: 7, netQty: -7, version: 2 });
    expect(await repo.get('old-pos')).toEqual({ position: p, version: 2 });
    expect((await repo.list()).find((x) => x.position.marketSlug === 'old-pos')).toEqual({ position: p, version: 2 });
  });

  it('refuses to guess on an unknown marker or a fractional old-format quantity', async () => {
    await putRaw(h.tables.fills, { ...fill('bad-scale'), qtyScale: 1000, day: '2025-01-01', timeKey: 'k' });
    await putRaw(h.tables.fills, { ...fill('bad-old'), qty: 2.5, day: '2025-01-01', timeKey: 'k2' });
    const ledger = new FillsLedger(h.doc, h.tables.fills);
    await expect(ledger.get('bad-scale')).rejects.toBeInstanceOf(StoredQuantityError);
    await expect(ledger.get('bad-old')).rejects.toThrow(/qty/);
  });

  it('round-trips any quantity exactly (property)', async () => {
    const repo = new PositionsRepository(h.doc, h.tables.positions);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), async (netQty) => {
        const slug = `prop-${run++}`;
        const p = position(slug, { quantity: Math.abs(netQty), netQty });
        await repo.save(p, null);
        expect((await repo.get(slug))?.position).toEqual(p);
      }),
      { numRuns: 20 },
    );
  });
});
