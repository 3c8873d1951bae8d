/**
 * Two accounts trading over the wire against the project's simulator (every answer and frame held against the
 * wire contract): ours, with the real REST client, private socket, executor and order tracker (as the bot
 * wires them, market rules read from the venue's catalogue), and another account with its own REST client and
 * socket, trading against us.
 */
import type { RunningSimulator } from '../../../containers/simulator/server.js';
import { generateApiKey } from '../../../containers/simulator/server/auth.js';
import { defaultWorld, type SimWorld } from '../../../containers/simulator/server/default-world.js';
import { systemClock } from '../../../shared/domain/clock.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import type { Qty } from '../../../shared/domain/quantity.js';
import type { Signal, SignalAction } from '../../../shared/domain/signal.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import type { VenueExecution } from '../../../shared/domain/venue-models.js';
import { OrderExecutor } from '../../../shared/execution/executor.js';
import { DEFAULT_MARKET_RULES, marketRulesOf, type MarketRules } from '../../../shared/execution/order-builder.js';
import type { UnsolicitedCancel } from '../../../shared/execution/order-tracker.js';
import { TimerScheduler } from '../../../shared/execution/scheduler.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { RequestSigner } from '../../../shared/venue/auth.js';
import { LiveOrderGateway } from '../../../shared/venue/live-gateway.js';
import { VenueSocket } from '../../../shared/venue/ws-client.js';
import { clientFor } from '../../contract/venue/harness.js';
import { waitFor } from '../../support/engine-fixtures.js';
import { startAuditedSimulator } from '../../support/wire-audit.js';

export const USD = 1_000_000;

/** Undone last in, first out by the caller (sockets and clients before the simulator, whose close() audits). */
export type Cleanup = () => Promise<void> | void;

/** One side of the wire: an account's REST client, private socket and what the socket delivered. */
export interface Party {
  account: string;
  credentials: RunningSimulator['credentials'];
  events: VenueEvent[];
  executions: () => VenueExecution[];
  client: ReturnType<typeof clientFor>['client'];
}

export async function party(sim: RunningSimulator, keyIndex: number, cleanups: Cleanup[], onEvent: (e: VenueEvent) => void = () => {}): Promise<Party> {
  const credentials = sim.keys[keyIndex]!;
  const { client } = clientFor(sim, { credentials });
  cleanups.push(() => client.close());
  const events: VenueEvent[] = [];
  const socket = new VenueSocket({
    channel: 'private',
    wsBaseUrl: sim.wsBaseUrl,
    signer: new RequestSigner(credentials),
    reconnectInitialDelayMs: 20,
    reconnectMaxDelayMs: 200,
    onEvent: (e) => {
      events.push(e);
      onEvent(e);
    },
  });
  cleanups.push(() => socket.close());
  socket.start();
  await socket.waitUntilUp();
  socket.subscribe('SUBSCRIPTION_TYPE_ORDER');
  socket.subscribe('SUBSCRIPTION_TYPE_POSITION');
  socket.subscribe('SUBSCRIPTION_TYPE_ACCOUNT_BALANCE');
  // the subscriptions are in place once the order snapshot (requested on subscribe) has come back
  await waitFor(() => events.some((e) => e.type === 'orders_snapshot'), 'the order snapshot', 5_000);
  const executions = () => events.flatMap((e) => (e.type === 'execution' ? [e.execution] : []));
  return { account: sim.accountOf(credentials.keyId), credentials, events, executions, client };
}

/**
 * A simulator with two keys (us, the other account), both accounts starting with `startingBalance` (the other
 * account then gets 10 000 USD more: it trades against us, never against its own limits).
 */
export async function wireWorld(cleanups: Cleanup[], startingBalance: number, world: SimWorld = defaultWorld(Date.now())) {
  const sim = await startAuditedSimulator({ liquidity: false, markets: world, keys: [generateApiKey(), generateApiKey()], startingBalance });
  cleanups.push(() => sim.close());
  // Every balance the exchange reports, for every account (what the sockets are built from).
  const balances: { accountId: string; currentBalance: number; buyingPower: number }[] = [];
  sim.exchange.onEvent((e) => {
    if (e.type === 'balance') balances.push({ accountId: e.accountId, currentBalance: e.balance.currentBalance, buyingPower: e.balance.buyingPower });
  });

  const metrics = new MetricsRegistry();
  const scheduler = new TimerScheduler();
  // Our private socket feeds the executor (as the bot wires it); it exists once our REST client does.
  let executor: OrderExecutor | null = null;
  const ours = await party(sim, 0, cleanups, (e) => executor?.onVenueEvent(e));
  // Tick and size grid of every market, as the venue's catalogue states them.
  const rules = new Map<string, MarketRules>();
  for (const m of await ours.client.listMarkets()) rules.set(m.slug, marketRulesOf({ tick: m.tickMicros, minQty: m.minQty }, DEFAULT_MARKET_RULES));
  const gateway = new LiveOrderGateway(ours.client, { knownOrderIds: () => (executor?.tracker.all() ?? []).flatMap((o) => (o.orderId ? [o.orderId] : [])) });
  executor = new OrderExecutor({
    gateway,
    clock: systemClock,
    scheduler,
    metrics,
    config: { maxInFlightPerMarket: 10, batchOrders: false },
    marketRules: (slug) => rules.get(slug),
  });
  const unsolicited: UnsolicitedCancel[] = [];
  executor.tracker.onUnsolicitedCancel((c) => unsolicited.push(c));
  const other = await party(sim, 1, cleanups);
  sim.exchange.deposit(other.account, 10_000 * USD);
  return { sim, metrics, executor, ours, other, balances, unsolicited, rules };
}

export function signal(marketSlug: string, action: SignalAction, price: number, quantity: Qty, timeInForce: 'GTC' | 'IOC'): Signal {
  return {
    marketSlug,
    action,
    price,
    quantity,
    urgency: timeInForce === 'GTC' ? 'LOW' : 'HIGH',
    strategyName: 'market_maker',
    confidence: 1,
    reason: 'over-the-wire test',
    fairProbability: 0.5,
    createdAt: Date.now(),
    timeInForce,
  };
}

/** A limit order request; `quantity` in hundredths of a contract. */
export function limit(marketSlug: string, intent: OrderRequest['intent'], price: number, quantity: Qty, tif: OrderRequest['tif'] = 'TIME_IN_FORCE_GOOD_TILL_CANCEL'): OrderRequest {
  return { marketSlug, intent, type: 'ORDER_TYPE_LIMIT', price, quantity, tif, postOnly: false };
}
