/**
 * A shadow day's calibration aggregates in the store (the `shadow#<day>` item of the risk-day table): saved and
 * read back whole, the panel of what was read equal to the panel of what was saved; a later save replaces the
 * earlier one; the risk day of the same date is untouched; an unusable item is refused with a typed error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { availableDynamoBackends, startStoreHarness, type StoreHarness } from '../../support/emulators.js';
import { sampleShadowAggregates } from '../../support/shadow-day.js';
import { RiskDayRepository } from '../../../shared/store/risk-day-repository.js';
import { ShadowDayRepository, shadowDayKey } from '../../../shared/store/shadow-day-repository.js';
import { panelFromAggregates } from '../../../shared/shadow/calibration-panel.js';
import { InvalidShadowAggregatesError, mergeShadowAggregates } from '../../../shared/shadow/shadow-aggregates.js';

const DAY = '2031-06-15';
const T = Date.UTC(2031, 5, 15, 16, 0, 0);

describe.each(availableDynamoBackends())('shadow days over $name', (backend) => {
  let h: StoreHarness;
  beforeAll(async () => {
    h = await startStoreHarness(backend);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('round-trips the aggregates: the panel read back is the panel saved', async () => {
    const repo = new ShadowDayRepository(h.doc, h.tables.riskDays);
    expect(await repo.get(DAY)).toBeUndefined();
    const agg = sampleShadowAggregates(T);
    await repo.save(DAY, agg, T + 1);
    const back = await repo.get(DAY);
    expect(back).toEqual(agg);
    expect(panelFromAggregates(back!)).toEqual(panelFromAggregates(agg));
    expect(panelFromAggregates(back!).rows.find((r) => r.strategy === 'market_maker' && r.level === 'L0')).toMatchObject({ posted: '10', live: { filled: '4', fillRate: 0.4 }, paper: { filled: '8', fillRate: 0.8 } });
  });

  it('a later save replaces the day (the whole day so far, not an increment); the risk day is untouched', async () => {
    const repo = new ShadowDayRepository(h.doc, h.tables.riskDays);
    const risk = new RiskDayRepository(h.doc, h.tables.riskDays);
    await risk.openDay(DAY, T, { killSwitch: false });
    await risk.addRealizedPnl(DAY, 1_250_000);
    const morning = sampleShadowAggregates(T);
    const day = mergeShadowAggregates(morning, sampleShadowAggregates(T + 3_600_000));
    await repo.save(DAY, morning, T);
    await repo.save(DAY, day, T + 3_600_000);
    await repo.save(DAY, day, T + 3_600_000); // a retried write
    expect((await repo.get(DAY))?.orders).toEqual({ mirrored: 4, compared: 4, excluded: 0, dropped: 0 });
    expect(await risk.get(DAY)).toMatchObject({ day: DAY, realizedPnlMicros: 1_250_000, updates: 1, breakerTripped: false });
    expect(await repo.get('2031-06-16')).toBeUndefined();
  });

  it('an unusable item is refused with InvalidShadowAggregatesError; a bad day is a RangeError', async () => {
    const repo = new ShadowDayRepository(h.doc, h.tables.riskDays);
    await h.doc.send(new PutCommand({ TableName: h.tables.riskDays, Item: { day: shadowDayKey('2031-06-17'), aggregates: '{"version":1,"cells":' } }));
    await expect(repo.get('2031-06-17')).rejects.toBeInstanceOf(InvalidShadowAggregatesError);
    await h.doc.send(new PutCommand({ TableName: h.tables.riskDays, Item: { day: shadowDayKey('2031-06-18'), aggregates: JSON.stringify({ ...sampleShadowAggregates(T), version: 99 }) } }));
    await expect(repo.get('2031-06-18')).rejects.toThrow(/version 99/);
    await expect(repo.get('2031-02-30')).rejects.toBeInstanceOf(RangeError);
  });
});
