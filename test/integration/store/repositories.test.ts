import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { availableDynamoBackends, startStoreHarness, type StoreHarness } from '../../support/emulators.js';
import { OrdersRepository } from '../../../shared/store/orders-repository.js';
import { FillsLedger } from '../../../shared/store/fills-ledger.js';
import { PositionsRepository } from '../../../shared/store/positions-repository.js';
import { dailyLossMicros, RiskDayRepository } from '../../../shared/store/risk-day-repository.js';
import { OddsSnapshotsRepository } from '../../../shared/store/odds-snapshots-repository.js';
import { LedgerConflictError, NonIntegerAmountError, RiskDayArchivedError, VersionConflictError } from '../../../shared/store/errors.js';
import { tradingDayOf } from '../../../shared/store/trading-day.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { fill, order, position } from './fixtures.js';

describe.each(availableDynamoBackends())('store over $name', (backend) => {
  let h: StoreHarness;
  beforeAll(async () => {
    h = await startStoreHarness(backend);
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('FillsLedger', () => {
    it('records the same execution twice as one item', async () => {
      const ledger = new FillsLedger(h.doc, h.tables.fills);
      expect(await ledger.append(fill('exec-dup'))).toBe('inserted');
      expect(await ledger.append(fill('exec-dup'))).toBe('duplicate');
      const day = tradingDayOf(fill('x').time);
      const sameDay = (await ledger.byDay(day)).filter((f) => f.executionId === 'exec-dup');
      expect(sameDay).toHaveLength(1);
      expect(await ledger.get('exec-dup')).toEqual(fill('exec-dup'));
    });

    it('refuses the same execution id with different contents and keeps the first', async () => {
      const ledger = new FillsLedger(h.doc, h.tables.fills);
      await ledger.append(fill('exec-conflict', { qty: contracts(5) }));
      await expect(ledger.append(fill('exec-conflict', { qty: contracts(7) }))).rejects.toBeInstanceOf(LedgerConflictError);
      expect((await ledger.get('exec-conflict'))?.qty).toBe(contracts(5));
    });

    it('concurrent appends of one execution insert exactly once', async () => {
      const ledger = new FillsLedger(h.doc, h.tables.fills);
      const results = await Promise.all(Array.from({ length: 8 }, () => ledger.append(fill('exec-race'))));
      expect(results.filter((r) => r === 'inserted')).toHaveLength(1);
      expect(results.filter((r) => r === 'duplicate')).toHaveLength(7);
    });

    it('queries by trading day (New York) and by market in time order', async () => {
      const ledger = new FillsLedger(h.doc, h.tables.fills);
      // 2025-03-10 03:30 UTC is still 2025-03-09 in New York (23:30 EDT).
      const late = Date.UTC(2025, 2, 10, 3, 30);
      const next = Date.UTC(2025, 2, 10, 14, 0);
      await ledger.append(fill('q-2', { marketSlug: 'mkt-q', time: late + 1000 }));
      await ledger.append(fill('q-1', { marketSlug: 'mkt-q', time: late }));
      await ledger.append(fill('q-3', { marketSlug: 'mkt-q', time: next }));
      expect((await ledger.byDay('2025-03-09')).map((f) => f.executionId)).toEqual(['q-1', 'q-2']);
      expect((await ledger.byDay('2025-03-10')).map((f) => f.executionId)).toEqual(['q-3']);
      expect((await ledger.byMarket('mkt-q')).map((f) => f.executionId)).toEqual(['q-1', 'q-2', 'q-3']);
      expect((await ledger.byMarket('mkt-q', late + 1)).map((f) => f.executionId)).toEqual(['q-2', 'q-3']);
    });

    it('rejects a non-integer price before writing', async () => {
      const ledger = new FillsLedger(h.doc, h.tables.fills);
      await expect(ledger.append(fill('exec-float', { price: 0.55 }))).rejects.toBeInstanceOf(NonIntegerAmountError);
      expect(await ledger.get('exec-float')).toBeUndefined();
    });
  });

  describe('OrdersRepository', () => {
    it('creates at version 1 and refuses a second create of the same local id', async () => {
      const repo = new OrdersRepository(h.doc, h.tables.orders);
      expect((await repo.create(order('o-create'))).version).toBe(1);
      await expect(repo.create(order('o-create'))).rejects.toBeInstanceOf(VersionConflictError);
    });

    it('detects a concurrent version conflict: exactly one of two writers from the same version wins', async () => {
      const repo = new OrdersRepository(h.doc, h.tables.orders);
      const { version } = await repo.create(order('o-race'));
      const a = repo.save(order('o-race', { status: 'SUBMITTED', updatedAt: 2 }), version);
      const b = repo.save(order('o-race', { status: 'CANCELLED', updatedAt: 3 }), version);
      const results = await Promise.allSettled([a, b]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(VersionConflictError);
      const stored = await repo.get('o-race');
      expect(stored?.version).toBe(2);
      expect(stored?.order.status).toBe((won[0] as PromiseFulfilledResult<{ order: { status: string } }>).value.order.status);
    });

    it('a stale writer cannot overwrite a newer version', async () => {
      const repo = new OrdersRepository(h.doc, h.tables.orders);
      await repo.create(order('o-stale'));
      await repo.save(order('o-stale', { status: 'SUBMITTED' }), 1);
      await expect(repo.save(order('o-stale', { status: 'CANCELLED' }), 1)).rejects.toBeInstanceOf(VersionConflictError);
      expect((await repo.get('o-stale'))?.order.status).toBe('SUBMITTED');
    });

    it('lists open orders through the sparse index and finds an order by venue id', async () => {
      const repo = new OrdersRepository(h.doc, h.tables.orders);
      await repo.create(order('o-open-1', { status: 'PENDING', orderId: 'v-open-1' }));
      const closed = await repo.create(order('o-open-2', { status: 'PENDING', orderId: 'v-open-2' }));
      await repo.save({ ...closed.order, status: 'FILLED' }, closed.version);
      const open = (await repo.listOpen()).map((o) => o.order.localId);
      expect(open).toContain('o-open-1');
      expect(open).not.toContain('o-open-2');
      expect((await repo.findByVenueOrderId('v-open-2'))?.order.localId).toBe('o-open-2');
      expect((await repo.get('o-create'))?.order.orderId).toBeNull();
    });
  });

  describe('PositionsRepository', () => {
    it('creates, updates with the read version and refuses stale or duplicate creates', async () => {
      const repo = new PositionsRepository(h.doc, h.tables.positions);
      const v1 = await repo.save(position('pos-a'), null);
      await expect(repo.save(position('pos-a'), null)).rejects.toBeInstanceOf(VersionConflictError);
      const v2 = await repo.save(position('pos-a', { quantity: contracts(8), netQty: contracts(8) }), v1.version);
      await expect(repo.save(position('pos-a', { quantity: contracts(1) }), v1.version)).rejects.toBeInstanceOf(VersionConflictError);
      const stored = await repo.get('pos-a');
      expect(stored).toEqual({ position: position('pos-a', { quantity: contracts(8), netQty: contracts(8) }), version: v2.version });
      expect((await repo.list()).map((p) => p.position.marketSlug)).toContain('pos-a');
    });
  });

  describe('RiskDayRepository', () => {
    it('ADD is atomic: concurrent PnL updates sum exactly (property)', async () => {
      const repo = new RiskDayRepository(h.doc, h.tables.riskDays);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: -5_000_000, max: 5_000_000 }), { minLength: 1, maxLength: 25 }), async (deltas) => {
          const day = `2030-01-${String((run++ % 28) + 1).padStart(2, '0')}`;
          const before = (await repo.get(day))?.realizedPnlMicros ?? 0;
          const beforeUpdates = (await repo.get(day))?.updates ?? 0;
          await Promise.all(deltas.map((d) => repo.addRealizedPnl(day, d)));
          const after = await repo.get(day);
          expect(after?.realizedPnlMicros).toBe(before + deltas.reduce((a, b) => a + b, 0));
          expect(after?.updates).toBe(beforeUpdates + deltas.length);
        }),
        { numRuns: 15 },
      );
    });

    it('trips the breaker once, keeps the first reason, and reports the daily loss', async () => {
      const repo = new RiskDayRepository(h.doc, h.tables.riskDays);
      const s = await repo.addRealizedPnl('2030-02-01', -60_000_000);
      expect(dailyLossMicros(s)).toBe(60_000_000);
      expect(await repo.tripBreaker('2030-02-01', 'daily-loss-limit', 10)).toBe(true);
      expect(await repo.tripBreaker('2030-02-01', 'other', 20)).toBe(false);
      expect(await repo.get('2030-02-01')).toMatchObject({ breakerTripped: true, tripReason: 'daily-loss-limit', trippedAt: 10 });
    });

    it('archives a day once and freezes it', async () => {
      const repo = new RiskDayRepository(h.doc, h.tables.riskDays);
      await repo.addRealizedPnl('2030-03-01', 1_000);
      expect(await repo.archive('2030-03-01', 99)).toBe('archived');
      expect(await repo.archive('2030-03-01', 100)).toBe('already-archived');
      await expect(repo.addRealizedPnl('2030-03-01', 5)).rejects.toBeInstanceOf(RiskDayArchivedError);
      expect(await repo.get('2030-03-01')).toMatchObject({ realizedPnlMicros: 1_000, archivedAt: 99 });
      expect(await repo.archive('2030-03-02', 5)).toBe('archived');
      expect(await repo.get('2030-03-02')).toMatchObject({ realizedPnlMicros: 0, breakerTripped: false, archivedAt: 5 });
    });

    it('openDay keeps counters written earlier that day and trips the breaker only under the kill switch', async () => {
      const repo = new RiskDayRepository(h.doc, h.tables.riskDays);
      await repo.addRealizedPnl('2030-04-01', -7);
      expect(await repo.openDay('2030-04-01', 1, { killSwitch: false })).toMatchObject({ realizedPnlMicros: -7, breakerTripped: false, openedAt: 1 });
      expect(await repo.openDay('2030-04-02', 2, { killSwitch: true })).toMatchObject({ realizedPnlMicros: 0, breakerTripped: true, tripReason: 'kill-switch' });
      await repo.tripBreaker('2030-04-03', 'daily-loss-limit', 3);
      expect(await repo.openDay('2030-04-03', 4, { killSwitch: false })).toMatchObject({ breakerTripped: true, tripReason: 'daily-loss-limit' });
    });
  });

  describe('OddsSnapshotsRepository', () => {
    it('stores snapshots with an expiry, returns the latest and hides expired ones', async () => {
      let now = 1_764_000_000_000;
      const repo = new OddsSnapshotsRepository(h.doc, h.tables.oddsSnapshots, 3600, () => now);
      const quotes = [{ sportsbook: 'Pinnacle', selection: 'Lakers', americanOdds: -230, points: '-4.5' }];
      await repo.put({ fixtureId: 'fx1', market: 'moneyline', capturedAt: now - 10_000, quotes });
      await repo.put({ fixtureId: 'fx1', market: 'moneyline', capturedAt: now, quotes: [{ ...quotes[0]!, americanOdds: -250 }] });
      await repo.put({ fixtureId: 'fx1', market: 'total', capturedAt: now + 5, quotes });
      expect((await repo.latest('fx1', 'moneyline'))?.quotes[0]?.americanOdds).toBe(-250);
      expect((await repo.history('fx1', 'moneyline', now - 20_000)).map((s) => s.capturedAt)).toEqual([now - 10_000, now]);
      const raw = await h.doc.send(new ScanCommand({ TableName: h.tables.oddsSnapshots }));
      expect(raw.Items?.every((i) => i.expiresAt === Math.floor((i.capturedAt as number) / 1000) + 3600)).toBe(true);
      now += 3_601_000;
      expect(await repo.latest('fx1', 'moneyline')).toBeUndefined();
    });
  });
});
