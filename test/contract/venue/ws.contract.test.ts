/** The VenueSocket against the simulator's sockets: auth, subscriptions, snapshots, drops, silence, skew. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../containers/simulator/server.js';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { RequestSigner } from '../../../shared/venue/auth.js';
import { VenueSocket, type VenueSocketOptions } from '../../../shared/venue/ws-client.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { MARKET, MARKET2, clientFor, limitBuy, simulator } from './harness.js';

let sim: RunningSimulator;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  sim = await simulator({ heartbeatMs: 100 });
});

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await sim.close();
});

/** A socket whose events land in an array, with a helper to wait for one matching a predicate. */
function socket(channel: 'markets' | 'private', over: Partial<VenueSocketOptions> = {}) {
  const events: VenueEvent[] = [];
  const waiters: { pred: (e: VenueEvent) => boolean; resolve: (e: VenueEvent) => void }[] = [];
  const metrics = new MetricsRegistry();
  const signer = over.signer ?? new RequestSigner(sim.credentials);
  const s = new VenueSocket({
    channel,
    wsBaseUrl: sim.wsBaseUrl,
    signer,
    metrics,
    reconnectInitialDelayMs: 20,
    reconnectMaxDelayMs: 200,
    onEvent: (e) => {
      events.push(e);
      for (const w of [...waiters]) {
        if (w.pred(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    },
    ...over,
  });
  cleanups.push(() => s.close());
  /** Resolves with the first event (from index `from` on, already received or still to come) matching `pred`. */
  const next = (pred: (e: VenueEvent) => boolean, from = 0): Promise<VenueEvent> => {
    const seen = events.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ pred, resolve }));
  };
  return { s, events, next, metrics, signer };
}

const isBook = (slug: string, snapshot?: boolean) => (e: VenueEvent) =>
  e.type === 'book' && e.marketSlug === slug && (snapshot === undefined || e.snapshot === snapshot);

describe('markets socket', () => {
  it('subscribes, flags the first book per market as a snapshot, then streams updates', async () => {
    const { s, next } = socket('markets');
    s.start();
    await next((e) => e.type === 'connection' && e.status === 'up');
    s.subscribe('SUBSCRIPTION_TYPE_MARKET_DATA', [MARKET, MARKET2]);
    const first = await next(isBook(MARKET));
    expect(first.type === 'book' && first.snapshot).toBe(true);
    const first2 = await next(isBook(MARKET2));
    expect(first2.type === 'book' && first2.snapshot).toBe(true);

    expect(s.subscriptions()).toHaveLength(1);
    const rest = clientFor(sim).client;
    cleanups.push(() => rest.close());
    await rest.createOrder(limitBuy(420_000, contracts(9)));
    const update = await next((e) => isBook(MARKET)(e) && e.type === 'book' && e.bids.some((l) => l.price === 420_000));
    expect(update.type === 'book' && update.snapshot).toBe(false);
    expect(update.type === 'book' && update.bids).toContainEqual({ price: 420_000, qty: contracts(9) });
  });

  it('reconnects after the simulator drops every socket, resubscribes, and flags a fresh snapshot', async () => {
    const { s, next, events } = socket('markets');
    s.start();
    await s.waitUntilUp();
    s.subscribe('SUBSCRIPTION_TYPE_MARKET_DATA', [MARKET]);
    await next(isBook(MARKET, true));

    const before = events.length;
    expect(sim.faults.closeAllSockets()).toBeGreaterThanOrEqual(1);
    const down = await next((e) => e.type === 'connection' && e.status === 'down', before);
    expect(down.type === 'connection' && down.channel).toBe('markets');
    await next((e) => e.type === 'connection' && e.status === 'up', before);
    const snap = await next(isBook(MARKET, true), before);
    expect(snap.type === 'book' && snap.snapshot).toBe(true);
    expect(s.connections).toBe(2);
    expect(s.subscriptions()).toHaveLength(1);
  });

  it('forces a reconnect when the socket goes silent', async () => {
    const { s, next, metrics } = socket('markets', { silenceTimeoutMs: 300, pingIntervalMs: 0 });
    s.start();
    await s.waitUntilUp();
    sim.faults.dropSocketMessages({ probability: 1, channel: 'markets' });
    await next((e) => e.type === 'connection' && e.status === 'down');
    sim.faults.dropSocketMessages({ probability: 0, channel: 'markets' });
    await next((e) => e.type === 'connection' && e.status === 'up' && e.reason === 'reconnected');
    expect(metrics.counter('venue.ws.silence_timeouts', { channel: 'markets' })).toBeGreaterThanOrEqual(1);
  });

  it('reports server errors for a bad subscription without dropping the connection', async () => {
    const errors: string[] = [];
    const { s, next } = socket('markets', { onServerError: (m) => errors.push(m) });
    s.start();
    await s.waitUntilUp();
    s.subscribe('SUBSCRIPTION_TYPE_MARKET_DATA', ['no-such-market']);
    s.subscribe('SUBSCRIPTION_TYPE_MARKET_DATA', [MARKET]);
    await next(isBook(MARKET, true));
    expect(errors.some((m) => m.includes('no-such-market'))).toBe(true);
    expect(s.connected).toBe(true);
  });
});

describe('private socket', () => {
  it('delivers the orders snapshot, then executions, positions and balance as orders trade', async () => {
    const { s, next } = socket('private');
    s.start();
    await s.waitUntilUp();
    s.subscribe('SUBSCRIPTION_TYPE_ORDER');
    s.subscribe('SUBSCRIPTION_TYPE_POSITION');
    s.subscribe('SUBSCRIPTION_TYPE_ACCOUNT_BALANCE');
    await next((e) => e.type === 'orders_snapshot');
    await next((e) => e.type === 'positions_snapshot');
    const bal = await next((e) => e.type === 'balance');
    expect(bal.type === 'balance' && bal.balance).toBe(10_000_000_000);

    sim.exchange.openAccount('account-maker', 1_000_000_000);
    sim.exchange.submitOrder('account-maker', {
      marketSlug: MARKET,
      intent: 'ORDER_INTENT_BUY_SHORT',
      type: 'ORDER_TYPE_LIMIT',
      price: 600_000,
      quantity: contracts(3),
      tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    });
    const rest = clientFor(sim).client;
    cleanups.push(() => rest.close());
    const r = await rest.createOrder({ ...limitBuy(600_000, contracts(3)), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' });
    const fill = await next((e) => e.type === 'execution' && e.execution.order.id === r.orderId && e.execution.lastShares === contracts(3));
    expect(fill.type === 'execution' && fill.execution.lastPx).toBe(600_000);
    const pos = await next((e) => e.type === 'position' && e.position.marketSlug === MARKET);
    expect(pos.type === 'position' && pos.position.netPosition).toBe(contracts(3));
  });

  it('connects despite a skewed server clock (401 on upgrade → offset from Date → retry)', async () => {
    sim.faults.setClockSkew(-90_000);
    const { s, signer, metrics } = socket('private');
    s.start();
    await s.waitUntilUp();
    expect(Math.abs(signer.clockOffsetMs + 90_000)).toBeLessThan(2_000);
    expect(metrics.counter('venue.ws.upgrade_rejected', { channel: 'private', status: '401' })).toBe(1);
  });
});
