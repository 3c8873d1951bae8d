/**
 * The reporter over real emulators: fills and positions in dynalite, the report to S3 and the summary to SNS
 * (fanned out to an SQS queue so the test can read it), both in fauxqs. The figures are checked against an
 * example computed by hand.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { MemoryNotifier, SnsNotifier } from '../../../shared/aws/notifier.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../shared/aws/local-emulators.js';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { Fill } from '../../../shared/domain/order.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import type { DailyReport } from '../../../shared/reporting/daily-report.js';
import { FillsLedger } from '../../../shared/store/fills-ledger.js';
import { PositionsRepository } from '../../../shared/store/positions-repository.js';
import { ShadowDayRepository } from '../../../shared/store/shadow-day-repository.js';
import { sampleShadowAggregates } from '../../support/shadow-day.js';
import { tableEnvVar } from '../../../shared/store/table-definitions.js';
import { InvalidReportRequestError, reportKey, runReport, type ReporterDeps } from '../../../functions/reporter/report-job.js';
import { S3ReportSink } from '../../../functions/reporter/s3-report-sink.js';
import { startLocalMessaging, startStoreHarness, type LocalMessaging, type StoreHarness } from '../../support/emulators.js';
import { createQueue, drain } from './sqs-event-source.js';

const BUCKET = 'reports-test';
const DAY = '2031-06-15';
// Noon New York (EDT) on DAY, the day before, and 00:15 the day after (when the schedule runs).
const NOON = Date.UTC(2031, 5, 15, 16, 0, 0);
const DAY_BEFORE = NOON - 86_400_000;
const SCHEDULED = Date.UTC(2031, 5, 16, 4, 15, 0);

let store: StoreHarness;
let mq: LocalMessaging;
let s3: S3Client;
let topicArn: string;
let summaryQueue: string;

const A = 'nba-bos-nyk-moneyline';
const B = 'nfl-kc-buf-moneyline';
const fills: Fill[] = [
  // Day before, A: buy 30 long at 0.50 (taker, fee 0.05).
  { executionId: 'x01', orderId: 'o1', marketSlug: A, intent: 'ORDER_INTENT_BUY_LONG', price: 500_000, qty: contracts(30), fee: 50_000, liquidity: 'TAKER', time: DAY_BEFORE, strategyName: 'statistical_edge' },
  // DAY, A: sell 20 long at 0.62 (maker, rebate 0.02) → realized 20 × 0.12 = 2.40.
  { executionId: 'x02', orderId: 'o2', marketSlug: A, intent: 'ORDER_INTENT_SELL_LONG', price: 620_000, qty: contracts(20), fee: -20_000, liquidity: 'MAKER', time: NOON, strategyName: 'market_maker' },
  // DAY, B: buy 15 short at 0.35 (sell long at 0.35, the short costs 0.65), taker fee 0.03.
  { executionId: 'x03', orderId: 'o3', marketSlug: B, intent: 'ORDER_INTENT_BUY_SHORT', price: 350_000, qty: contracts(15), fee: 30_000, liquidity: 'TAKER', time: NOON + 60_000, strategyName: 'live_arbitrage' },
  // DAY, B: sell 5 short at 0.45 (buy long back at 0.45, the short is worth 0.55) → realized 5 × (0.55 − 0.65) = −0.50, fee 0.01.
  { executionId: 'x04', orderId: 'o4', marketSlug: B, intent: 'ORDER_INTENT_SELL_SHORT', price: 450_000, qty: contracts(5), fee: 10_000, liquidity: 'TAKER', time: NOON + 120_000, strategyName: 'live_arbitrage' },
];

beforeAll(async () => {
  [store, mq] = await Promise.all([startStoreHarness(), startLocalMessaging()]);
  s3 = new S3Client({ endpoint: mq.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  mq.server.createBucket(BUCKET);
  topicArn = (await mq.sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
  const q = await createQueue(mq.sqs, 'alerts-inbox');
  summaryQueue = q.url;
  await mq.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }));
  const ledger = new FillsLedger(store.doc, store.tables.fills);
  for (const f of fills) await ledger.append(f);
  const positions = new PositionsRepository(store.doc, store.tables.positions);
  // A: 10 long left, cost 5.00, marked at 0.60 → +1.00. B: 10 short left, cost 6.50, marked at 0.60 (long 0.40) → −0.50.
  await positions.save({ marketSlug: A, side: 'YES', quantity: contracts(10), netQty: contracts(10), avgPrice: 500_000, cost: 5_000_000, currentValue: 6_000_000, unrealizedPnl: 1_000_000, realizedPnl: 2_400_000, feesPaid: 30_000, updatedAt: NOON, markSource: 'book', beyondVisibleDepth: false, unrealizedPnlAtMid: 1_300_000 }, null);
  await positions.save({ marketSlug: B, side: 'NO', quantity: contracts(10), netQty: contracts(-10), avgPrice: 650_000, cost: 6_500_000, currentValue: 6_000_000, unrealizedPnl: -500_000, realizedPnl: -500_000, feesPaid: 40_000, updatedAt: NOON }, null);
});
afterAll(async () => {
  s3?.destroy();
  await Promise.all([store?.stop(), mq?.stop()]);
});

function deps(clock = new ManualClock(SCHEDULED)): ReporterDeps & { notifier: SnsNotifier } {
  return {
    clock,
    fills: new FillsLedger(store.doc, store.tables.fills),
    positions: new PositionsRepository(store.doc, store.tables.positions),
    sink: new S3ReportSink(s3, BUCKET),
    prefix: 'reports/',
    notifier: new SnsNotifier(mq.sns, topicArn),
    logger: new MemoryLogger(),
    metrics: new MetricsRegistry(),
  };
}

async function readReport(key: string): Promise<DailyReport> {
  const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await r.Body!.transformToString()) as DailyReport;
}

describe('reporter', () => {
  it('on schedule reports the day that just ended: the figures match the hand-computed example', async () => {
    const r = await runReport(deps());
    expect(r.day).toBe(DAY);
    expect(r.location).toBe(`s3://${BUCKET}/reports/2031/06/${DAY}.json`);
    const report = await readReport(reportKey('reports/', DAY));
    // Today: 3 fills, 40 contracts. Volume (fee notional: a seller's is on 1 − p): selling 20 long @0.62 → 20 × 0.38 = 7.60;
    // selling 15 long @0.35 (BUY_SHORT) → 15 × 0.65 = 9.75; buying 5 long back @0.45 (SELL_SHORT) → 2.25. Σ 19.60.
    // Fees 0.03 + 0.01 = 0.04, rebates 0.02, net 0.02. Realized 2.40 − 0.50 = 1.90; net 1.88.
    // Unrealized (executable marks) +1.00 − 0.50 = 0.50; total 2.38. At mid, for reference: A's own +1.30 and
    // B's one figure (a position stored before executable marks: its mark was the mid) −0.50 = 0.80; total 2.68.
    expect(report.totals).toEqual({
      fills: 3,
      contracts: '40',
      volume: '19.60',
      feesPaid: '0.04',
      rebates: '0.02',
      netFees: '0.02',
      realizedPnl: '1.90',
      netRealizedPnl: '1.88',
      makerFills: 1,
      takerFills: 2,
      unrealizedPnl: '0.50',
      totalPnl: '2.38',
      unrealizedPnlAtMid: '0.80',
      totalPnlAtMid: '2.68',
      openPositions: 2,
    });
    expect(Object.keys(report.byStrategy)).toEqual(['live_arbitrage', 'market_maker']);
    expect(report.byStrategy.market_maker).toMatchObject({ realizedPnl: '2.40', netRealizedPnl: '2.42' });
    expect(report.byStrategy.live_arbitrage).toMatchObject({ fills: 2, realizedPnl: '-0.50', netRealizedPnl: '-0.54' });
    expect(report.bySport).toMatchObject({ nba: { realizedPnl: '2.40', unrealizedPnl: '1.00' }, nfl: { realizedPnl: '-0.50', unrealizedPnl: '-0.50' } });
    expect(report.byMarket[A]).toMatchObject({ endOfDayNetQty: '10', contracts: '20' });
    expect(report.byMarket[B]).toMatchObject({ endOfDayNetQty: '-10', contracts: '20' });

    const [envelope] = (await drain(mq.sqs, summaryQueue)) as { Subject?: string; Message: string }[];
    expect(envelope!.Subject).toBe(`Daily report ${DAY}: net realized 1.88 USD, 3 fills`);
    expect(envelope!.Message).toContain('Realized PnL: 1.90 USD');
    expect(envelope!.Message).toContain('Unrealized PnL (executable marks: bid for a long, 1 − ask for a short, less the taker fee): 0.50 USD over 2 open position(s)');
    expect(envelope!.Message).toContain('At mid (for reference only): unrealized 0.80 USD, total 2.68 USD');
    expect(envelope!.Message).toContain(r.location);
  });

  it('on demand reports a given day; a re-run overwrites the same object; a bad day is refused', async () => {
    const d = { ...deps(), notifier: new MemoryNotifier() };
    const before = await runReport(d, { day: '2031-06-14' });
    const report = await readReport(reportKey('reports/', '2031-06-14'));
    expect(report.totals).toMatchObject({ fills: 1, contracts: '30', feesPaid: '0.05', realizedPnl: '0.00', netRealizedPnl: '-0.05' });
    const again = await runReport(d, { day: '2031-06-14' });
    expect(again.location).toBe(before.location);
    expect(d.notifier.sent).toHaveLength(2);
    await expect(runReport(d, { day: '2031-02-30' })).rejects.toBeInstanceOf(InvalidReportRequestError);
    await expect(runReport(d, { day: 20310614 })).rejects.toBeInstanceOf(InvalidReportRequestError);
  });

  it('a day that ran in shadow mode carries the calibration panel in its report and summary; other days do not', async () => {
    const shadowDays = new ShadowDayRepository(store.doc, store.tables.riskDays);
    await shadowDays.save('2031-06-13', sampleShadowAggregates(Date.UTC(2031, 5, 13, 15, 0, 0)), SCHEDULED);
    const d = { ...deps(), notifier: new MemoryNotifier(), shadowDays };

    await runReport(d, { day: '2031-06-13' });
    const report = await readReport(reportKey('reports/', '2031-06-13'));
    expect(report.shadow?.orders).toEqual({ mirrored: 2, compared: 2, excluded: 0, dropped: 0 });
    expect(report.shadow?.rows.find((r) => r.strategy === 'market_maker' && r.level === 'all')).toMatchObject({ live: { filled: '4', fillRate: 0.4 }, paper: { filled: '8', fillRate: 0.8 } });
    // The queue=0.5 twin filled 4 of 10 resting, as live did: the fit picks it.
    expect(report.shadow?.suggestedPaperParams).toMatchObject({ queue_ahead_fraction: 0.5, order_latency_ms: 50 });
    const text = d.notifier.sent[0]!.message;
    expect(text).toContain('Shadow calibration (paper vs live; compared: orders created while shadow was on): 2 orders compared, 0 left out');
    // Bought at 0.40, the mid 0.43 a minute later: +3 ¢ at every horizon, live and paper alike.
    expect(text).toContain('  market_maker: 1 postings, 10 contracts; fill rate live 40.0 % vs paper 80.0 %; markout ¢ 1s/10s/60s live 3.00 / 3.00 / 3.00 vs paper 3.00 / 3.00 / 3.00');
    expect(text).toContain('  live_arbitrage: 1 postings, 5 contracts; fill rate live 100.0 % vs paper 100.0 %');
    expect(text).toContain('Suggested trading.paper: order_latency_ms 50, cancel_latency_ms 50, market_data_delay_ms 0, queue_ahead_fraction 0.5');
    expect(text.indexOf('Shadow calibration')).toBeLessThan(text.indexOf('Full report:'));

    await runReport(d, { day: '2031-06-14' });
    expect((await readReport(reportKey('reports/', '2031-06-14'))).shadow).toBeUndefined();
    expect(d.notifier.sent[1]!.message).not.toContain('Shadow calibration');
  });
});

describe('reporter Lambda handler (S3, SNS, DynamoDB emulated)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('wires the environment and answers a direct invoke with the totals', async () => {
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: store.dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: mq.endpoint,
      AWS_ENDPOINT_URL_SNS: mq.endpoint,
      [tableEnvVar('fills')]: store.tables.fills,
      [tableEnvVar('positions')]: store.tables.positions,
      [tableEnvVar('riskDays')]: store.tables.riskDays,
      REPORTS_BUCKET: BUCKET,
      REPORTS_PREFIX: 'daily/',
      ALERT_TOPIC_ARN: topicArn,
      METRICS_NAMESPACE: 'PmusTrader/test',
    });
    // The day ran in shadow in part: the handler reads its aggregates from the risk-day table.
    await new ShadowDayRepository(store.doc, store.tables.riskDays).save(DAY, sampleShadowAggregates(NOON), SCHEDULED);
    const { handler } = await import('../../../functions/reporter/handler.js');
    const out = await handler({ day: DAY });
    expect(out).toEqual({ day: DAY, location: `s3://${BUCKET}/daily/2031/06/${DAY}.json`, totals: { fills: 3, netRealizedPnl: '1.88', unrealizedPnl: '0.50', totalPnl: '2.38' } });
    const stored = await readReport(`daily/2031/06/${DAY}.json`);
    expect(stored.riskDayRealizedPnl).toBeNull();
    expect(stored.shadow?.orders.compared).toBe(2);
    const sent = (await drain(mq.sqs, summaryQueue)) as { Message: string }[];
    expect(sent.length).toBe(1);
    expect(sent[0]!.Message).toContain('Suggested trading.paper:');
  });
});
