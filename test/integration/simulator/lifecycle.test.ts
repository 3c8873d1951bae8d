import { describe, expect, it } from 'vitest';
import { startAuditedSimulator } from '../../support/wire-audit.js';
import type { SimulatorContext, SimulatorModuleFactory } from '../../../containers/simulator/module.js';
import { call, signHeaders, TestSocket } from './helpers.js';

describe('mounted modules', () => {
  it('get every request the exchange does not serve, with the venue control in their context', async () => {
    let ctx: SimulatorContext | null = null;
    let closed = false;
    const factory: SimulatorModuleFactory = (c) => {
      ctx = c;
      return {
        name: 'sports',
        handleRequest(_req, res, url) {
          if (!url.pathname.startsWith('/sports/')) return false;
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ module: 'sports', path: url.pathname }));
          return true;
        },
        close() {
          closed = true;
        },
      };
    };
    const sim = await startAuditedSimulator({ liquidity: false, seed: 42, modules: [factory] });
    try {
      expect((await call(sim.baseUrl, 'GET', '/sports/fixtures?x=1')).body).toEqual({ module: 'sports', path: '/sports/fixtures' });
      expect((await call(sim.baseUrl, 'GET', '/elsewhere')).status).toBe(404);
      expect(ctx!.seed).toBe(42);
      ctx!.venue.addEvent({ slug: 'e', title: 'E', startTime: Date.now() });
      ctx!.venue.addMarket({ slug: 'e-ml', eventSlug: 'e', title: 'E ml', outcome: 'Y' });
      expect((await call(sim.baseUrl, 'GET', '/v1/market/slug/e-ml')).status).toBe(200);
    } finally {
      await sim.close();
    }
    expect(closed).toBe(true);
  });
});

describe('shutdown', () => {
  it('close() ends sockets and held requests and frees the port', async () => {
    const sim = await startAuditedSimulator({
      liquidity: {},
      markets: { events: [{ slug: 'e', title: 'E', startTime: Date.now() }], markets: [{ slug: 'e-ml', eventSlug: 'e', title: 'E ml', outcome: 'Y' }] },
    });
    const s = await TestSocket.open(sim.wsBaseUrl, '/v1/ws/markets', sim.credentials);
    sim.faults.ambiguousCreate({ count: 1, mode: 'timeout' });
    const held = fetch(`${sim.baseUrl}/v1/orders`, {
      method: 'POST',
      headers: { ...signHeaders(sim.credentials, 'POST', '/v1/orders'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ marketSlug: 'e-ml', intent: 'ORDER_INTENT_BUY_LONG', price: { value: '0.10', currency: 'USD' }, quantity: 1 }),
    });
    // The held create has reached the exchange before we close.
    await expect.poll(() => sim.exchange.openOrders(sim.accountOf(sim.credentials.keyId)).length, { timeout: 5_000 }).toBe(1);
    expect(sim.socketCount()).toBe(1);
    await sim.close();
    await s.waitClosed();
    await expect(held).rejects.toThrow();
    await expect(fetch(`${sim.baseUrl}/v1/events`)).rejects.toThrow();
    // close() is idempotent.
    await sim.close();
  });
});
