/**
 * The venue's ambiguity is per request: a batch of creates (POST /v1/orders/batched, how the executor sends
 * the creates of one event-loop turn) can commit every entry and then lose its one answer — connection reset,
 * answer held past the client's timeout, 5xx after commit. The client must settle each entry on its own
 * (found → recovered; proven absent → sent once more; undecidable → AmbiguousOrderError) and never leave two
 * orders on the exchange for one entry. Real simulator, both HTTP transports.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AmbiguousCreateMode } from '../../containers/simulator/faults/fault-controller.js';
import type { RunningSimulator } from '../../containers/simulator/server.js';
import type { OrderRequest } from '../../shared/domain/order.js';
import { MARKET, MARKET2, TRANSPORTS, clientFor, limitBuy, simulator } from '../contract/venue/harness.js';
import { contracts } from '../../shared/domain/quantity.js';

const MODES: readonly AmbiguousCreateMode[] = ['reset', 'timeout', '5xx-after-commit'];

describe('ambiguous batched create, entry by entry', () => {
  let sim: RunningSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  const orders = (s: RunningSimulator) => s.exchange.openOrders(s.accountOf(s.credentials.keyId));
  const count = (s: RunningSimulator, r: OrderRequest) =>
    orders(s).filter((o) => o.marketSlug === r.marketSlug && o.price === r.price && o.quantity === r.quantity).length;

  for (const transport of TRANSPORTS) {
    for (const mode of MODES) {
      it(`${mode} (${transport}): every entry is recovered once, none is sent twice`, async () => {
        sim = await simulator();
        const s = sim;
        const { client, metrics } = clientFor(s, { timeoutMs: 300, recovery: { settleMs: 100 } }, transport);
        const requests = [limitBuy(310_000, contracts(3)), limitBuy(320_000, contracts(4)), limitBuy(330_000, contracts(5), MARKET2)];
        s.faults.ambiguousCreate({ count: 1, mode, holdMs: 1_000 });
        const outcomes = await client.createOrdersBatch(requests);
        await client.close();

        expect(s.faults.stats().ambiguousCreates).toBe(1);
        for (const r of requests) expect(count(s, r), `${r.marketSlug} @ ${r.price}`).toBe(1);
        expect(orders(s)).toHaveLength(3);
        const ids = outcomes.map((o) => (o.ok ? o.result.orderId : `failed: ${(o.error as Error).message}`));
        for (const [i, o] of outcomes.entries()) {
          expect(o.ok, ids[i]).toBe(true);
          if (o.ok) expect(o.result.recovered).toBe(true);
        }
        expect(new Set(ids)).toEqual(new Set(orders(s).map((o) => o.id)));
        expect(metrics.counter('venue.orders.resent_after_absent')).toBe(0);
      }, 20_000);
    }
  }

  it('two identical entries: undecidable, so neither is claimed nor sent again', async () => {
    sim = await simulator();
    const s = sim;
    const { client } = clientFor(s, { timeoutMs: 300, recovery: { settleMs: 100 } });
    const twin = limitBuy(340_000, contracts(6));
    s.faults.ambiguousCreate({ count: 1, mode: '5xx-after-commit' });
    const outcomes = await client.createOrdersBatch([twin, { ...twin }]);
    await client.close();
    expect(count(s, twin)).toBe(2);
    expect(outcomes.map((o) => (o.ok ? 'ok' : (o.error as Error).name))).toEqual(['AmbiguousOrderError', 'AmbiguousOrderError']);
    expect(orders(s).every((o) => o.marketSlug === MARKET)).toBe(true);
  }, 20_000);
});
