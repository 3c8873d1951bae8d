/**
 * The reconciler over real emulators: the project's exchange simulator on loopback (the real venue client
 * talks to it), dynalite (orders, fills, positions) and fauxqs (the bot's FIFO control queue). SSM and
 * Secrets Manager are mocked at the client edge for the wired handler.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { generateApiKey } from '../../../containers/simulator/server/auth.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { MemoryNotifier } from '../../../shared/aws/notifier.js';
import { MemoryParameterStore } from '../../../shared/aws/parameter-store.js';
import { SqsQueueSender } from '../../../shared/aws/queue-sender.js';
import { systemClock } from '../../../shared/domain/clock.js';
import { DEFAULT_FEE_SCHEDULE } from '../../../shared/domain/fees.js';
import type { OrderRequest, TrackedOrder } from '../../../shared/domain/order.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { FillsLedger } from '../../../shared/store/fills-ledger.js';
import { OrdersRepository } from '../../../shared/store/orders-repository.js';
import { PositionsRepository } from '../../../shared/store/positions-repository.js';
import { tableEnvVar } from '../../../shared/store/table-definitions.js';
import { PolymarketRestClient } from '../../../shared/venue/rest-client.js';
import type { ReconcileResult } from '../../../functions/reconciler/reconcile-job.js';
import { runReconciliation, type ReconcilerDeps, type ReconciliationControlMessage } from '../../../functions/reconciler/reconcile-job.js';
import { startLocalMessaging, startStoreHarness, type LocalMessaging, type StoreHarness } from '../../support/emulators.js';
import { createQueue, drain } from './sqs-event-source.js';
import { orderRequest } from '../../support/domain-fixtures.js';

const MARKET = 'nba-bos-nyk-moneyline';
const MODE = '/test/trading/mode';

let sim: AuditedSimulator;
let store: StoreHarness;
let mq: LocalMessaging;
let us: PolymarketRestClient;
let them: PolymarketRestClient;
let controlUrl: string;

function client(credentials: { keyId: string; secretBase64: string }): PolymarketRestClient {
  return new PolymarketRestClient({ apiBaseUrl: sim.baseUrl, gatewayBaseUrl: sim.baseUrl, credentials, timeoutMs: 5_000, sleep: async () => {} });
}

const limit = (intent: OrderRequest['intent'], price: number, quantity: Qty, tif: OrderRequest['tif'] = 'TIME_IN_FORCE_GOOD_TILL_CANCEL'): OrderRequest =>
  orderRequest({ marketSlug: MARKET, intent, price, quantity, tif });

beforeAll(async () => {
  [sim, store, mq] = await Promise.all([
    startAuditedSimulator({ liquidity: false, markets: defaultWorld(Date.now()), keys: [generateApiKey(), generateApiKey()], rateLimits: false }),
    startStoreHarness(),
    startLocalMessaging(),
  ]);
  us = client(sim.keys[0]!);
  them = client(sim.keys[1]!);
  controlUrl = (await createQueue(mq.sqs, 'control.fifo', { FifoQueue: 'true' })).url;
});
afterAll(async () => {
  await us?.close();
  await them?.close();
  await Promise.all([sim?.close(), store?.stop(), mq?.stop()]);
});

function deps(mode: 'live' | 'paper' = 'live'): ReconcilerDeps & { notifier: MemoryNotifier; metrics: MetricsRegistry; logger: MemoryLogger } {
  return {
    clock: systemClock,
    venue: us,
    orders: new OrdersRepository(store.doc, store.tables.orders),
    fills: new FillsLedger(store.doc, store.tables.fills),
    positions: new PositionsRepository(store.doc, store.tables.positions),
    parameters: new MemoryParameterStore({ [MODE]: mode }),
    tradingModeParameter: MODE,
    control: new SqsQueueSender(mq.sqs, controlUrl),
    notifier: new MemoryNotifier(),
    logger: new MemoryLogger(),
    metrics: new MetricsRegistry(),
    policy: { orphanPolicy: 'cancel', graceMs: 0, fees: DEFAULT_FEE_SCHEDULE },
    lookbackMs: 3_600_000,
  };
}

describe('reconciler against the exchange simulator', () => {
  let knownOrderId: string;
  let orphanId: string;

  it('does nothing in paper mode', async () => {
    const d = deps('paper');
    const r = await runReconciliation({ ...d, venue: { ...us, openOrders: () => Promise.reject(new Error('must not be called')) } as never });
    expect(r).toMatchObject({ mode: 'paper', total: 0 });
    expect(d.metrics.gaugeValue('reconciler.drift')).toBe(0);
  });

  it('repairs seeded drift: a fill missing from the ledger, an order and a position behind, an orphan open order', async () => {
    // Our resting bid, recorded by "the bot" …
    const { orderId } = await us.createOrder(limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(20)));
    knownOrderId = orderId;
    const now = Date.now();
    const record: TrackedOrder = {
      orderId,
      localId: 'bot-1',
      request: limit('ORDER_INTENT_BUY_LONG', 400_000, contracts(20)),
      status: 'PENDING',
      filledQty: 0,
      avgPrice: 0,
      feesPaid: 0,
      strategyName: 'market_maker',
      createdAt: now,
      updatedAt: now,
    };
    await new OrdersRepository(store.doc, store.tables.orders).create(record);
    // … half filled by a counterparty while the bot was not recording (the fill never reached the ledger) …
    await them.createOrder(limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(10), 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL'));
    // … and an order on the exchange the store has never heard of.
    orphanId = (await us.createOrder(limit('ORDER_INTENT_BUY_LONG', 300_000, contracts(5)))).orderId;

    const d = deps();
    const r = await runReconciliation(d);
    expect(r.drift).toEqual({ missing_fill: 1, orphan_order: 1, stale_order: 0, order_mismatch: 1, position_mismatch: 1 });
    expect(r).toMatchObject({ mode: 'live', total: 4, failed: 0, unresolved: [] });

    // The fill, as the exchange booked it (its own activity record holds the fee it charged: a maker rebate).
    const simTrades = sim.exchange.activities(sim.accountOf(sim.keys[0]!.keyId), { types: ['ACTIVITY_TYPE_TRADE'] }).activities;
    expect(simTrades).toHaveLength(1);
    const t = simTrades[0]!;
    const fill = await d.fills.get(t.executionId!);
    expect(fill).toEqual({
      executionId: t.executionId,
      orderId,
      marketSlug: MARKET,
      intent: 'ORDER_INTENT_BUY_LONG',
      price: 400_000,
      qty: contracts(10),
      fee: t.trade!.fee,
      liquidity: 'MAKER',
      time: t.time,
      strategyName: 'market_maker',
      // The trade id the activity names: what ties the trade to this fill on a later pass.
      tradeId: t.trade!.tradeId,
    });
    expect(fill!.fee).toBe(-30_000); // maker rebate 0.0125 × 10 × 0.40 × 0.60 = 0.03

    // The order record caught up; the orphan was recorded and cancelled on the exchange.
    expect((await d.orders.get('bot-1'))!.order).toMatchObject({ status: 'PARTIALLY_FILLED', filledQty: contracts(10), avgPrice: 400_000 });
    expect((await d.orders.get(`recon-${orphanId}`))!.order).toMatchObject({ orderId: orphanId, status: 'CANCELLED', strategyName: 'reconciler_orphan' });
    expect((await us.openOrders()).map((o) => o.id)).toEqual([knownOrderId]);

    // The position is the exchange's.
    expect((await d.positions.get(MARKET))!.position).toMatchObject({ side: 'YES', quantity: contracts(10), netQty: contracts(10), cost: 4_000_000, avgPrice: 400_000 });

    // Drift metric, the bot told through its control queue, operators notified.
    expect(d.metrics.gaugeValue('reconciler.drift')).toBe(4);
    expect(d.metrics.gaugeValue('reconciler.drift_by_kind', { kind: 'missing_fill' })).toBe(1);
    const control = (await drain(mq.sqs, controlUrl)) as ReconciliationControlMessage[];
    expect(control).toEqual([{ type: 'reconciliation', at: expect.any(Number), drift: r.drift, total: 4 }]);
    expect(d.notifier.sent).toHaveLength(1);
    expect(d.notifier.sent[0]!.message).toContain('missing_fill: 1');
  });

  it('reports drift 0 on the next pass and changes nothing', async () => {
    const d = deps();
    const r = await runReconciliation(d);
    expect(r).toMatchObject({ total: 0, repaired: 0, failed: 0 });
    expect(d.metrics.gaugeValue('reconciler.drift')).toBe(0);
    expect(await drain(mq.sqs, controlUrl)).toEqual([]);
    expect(d.notifier.sent).toEqual([]);
    expect((await d.orders.get('bot-1'))!.version).toBe(2);
  });

  it('stores the final state of an order the store still thinks open after it filled on the exchange', async () => {
    // The rest of our bid fills; the store is not told.
    await them.createOrder(limit('ORDER_INTENT_BUY_SHORT', 400_000, contracts(10), 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL'));
    const d = deps();
    const r = await runReconciliation(d);
    expect(r.drift).toMatchObject({ missing_fill: 1, stale_order: 1, position_mismatch: 1 });
    expect((await d.orders.get('bot-1'))!.order).toMatchObject({ status: 'FILLED', filledQty: contracts(20) });
    expect((await d.positions.get(MARKET))!.position.netQty).toBe(contracts(20));
    expect((await runReconciliation(deps())).total).toBe(0);
    await drain(mq.sqs, controlUrl);
  });
});

describe('reconciler Lambda handler (SSM and Secrets Manager mocked)', () => {
  const sm = mockClient(SecretsManagerClient);
  const ssm = mockClient(SSMClient);
  const saved = { ...process.env };
  afterEach(() => {
    sm.reset();
    ssm.reset();
    process.env = { ...saved };
  });

  it('wires the environment and reads the key pair by ARN; adopt policy records an orphan without cancelling it', async () => {
    const orphan = (await us.createOrder(limit('ORDER_INTENT_BUY_LONG', 200_000, contracts(3)))).orderId;
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: store.dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: mq.endpoint,
      [tableEnvVar('orders')]: store.tables.orders,
      [tableEnvVar('fills')]: store.tables.fills,
      [tableEnvVar('positions')]: store.tables.positions,
      EXCHANGE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:exchange',
      TRADING_MODE_PARAM: MODE,
      CONTROL_QUEUE_URL: controlUrl,
      EXCHANGE_API_BASE_URL: sim.baseUrl,
      EXCHANGE_GATEWAY_BASE_URL: sim.baseUrl,
      RECONCILER_ORPHAN_POLICY: 'adopt',
      RECONCILER_GRACE_SECONDS: '0',
      METRICS_NAMESPACE: 'PmusTrader/test',
    });
    ssm.on(GetParameterCommand, { Name: MODE }).resolves({ Parameter: { Value: 'live' } });
    const { handler } = await import('../../../functions/reconciler/handler.js');
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ keyId: sim.keys[0]!.keyId, privateKey: sim.keys[0]!.secretBase64 }) });
    const r = (await handler({ source: 'schedule' })) as ReconcileResult;
    expect(r.drift.orphan_order).toBe(1);
    expect(r.total).toBe(1);
    expect((await us.openOrders()).map((o) => o.id)).toContain(orphan);
    expect((await new OrdersRepository(store.doc, store.tables.orders).get(`recon-${orphan}`))!.order.status).toBe('PENDING');
    expect((await drain(mq.sqs, controlUrl)).length).toBe(1);
    expect(((await handler({ source: 'schedule' })) as ReconcileResult).total).toBe(0);
  });
});
