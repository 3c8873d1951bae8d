/**
 * Regression found by the chaos soak: an ambiguous create (timeout after the exchange committed the order)
 * whose recovery ran with a STALE clock offset judged the order absent and sent it again — two live orders
 * for one signal. The offset is re-estimated only after a 401; here the server clock was 45 s ahead when the
 * order was sent and back to normal when the recovery looked, so "created after the attempt started" was
 * evaluated 45 s in the future. The recovery must look back from the earliest plausible server time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../containers/simulator/server.js';
import { MARKET, clientFor, limitBuy, simulator } from '../contract/venue/harness.js';
import { contracts } from '../../shared/domain/quantity.js';

describe('ambiguous create under a clock offset that changes mid-recovery', () => {
  let sim: RunningSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('never leaves two orders for one create', async () => {
    sim = await simulator();
    const s = sim;
    const { client } = clientFor(s, {
      timeoutMs: 300,
      recovery: { settleMs: 300 },
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    // The server clock runs 45 s ahead: the first call gets a 401 and the signer learns the offset.
    s.faults.setClockSkew(45_000);
    await client.openOrders();
    expect(client.signer!.clockOffsetMs).toBeGreaterThan(40_000);

    // The create is committed but never answered (timeout); the server clock is back to normal before the
    // recovery looks at open orders and activities.
    s.faults.ambiguousCreate({ count: 1, mode: 'timeout', holdMs: 1_000 });
    const restore = setTimeout(() => s.faults.setClockSkew(0), 350);
    let outcome: string;
    try {
      const r = await client.createOrder(limitBuy(410_000, contracts(7)));
      outcome = r.recovered ? 'recovered' : 'created';
    } catch (err) {
      outcome = (err as Error).name;
    } finally {
      clearTimeout(restore);
    }
    const mine = s.exchange.openOrders(s.accountOf(s.credentials.keyId), [MARKET]).filter((o) => o.price === 410_000 && o.quantity === contracts(7));
    expect(mine.length, `outcome ${outcome}`).toBe(1);
    await client.close();
  });
});
