/** Starts the project's exchange simulator on loopback and builds the real venue client against it. */
import type { RunningSimulator, SimulatorOptions } from '../../../containers/simulator/server.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { startAuditedSimulator } from '../../support/wire-audit.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { contracts, type Qty } from '../../../shared/domain/quantity.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { FetchTransport } from '../../../shared/venue/fetch-transport.js';
import type { HttpTransport } from '../../../shared/venue/http.js';
import { PolymarketRestClient, type RestClientOptions } from '../../../shared/venue/rest-client.js';
import { UndiciTransport } from '../../../shared/venue/undici-transport.js';

export const MARKET = 'nba-bos-nyk-moneyline';
export const MARKET2 = 'nba-lal-gsw-moneyline';

/** A simulator whose answers and frames are held against the venue's wire contract: its close() fails on a violation. */
export async function simulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startAuditedSimulator({ liquidity: false, markets: defaultWorld(Date.now()), ...options });
}

/** The REST client's two HTTP transports: global fetch (the Lambdas') and an undici Agent (the bot's). */
export const TRANSPORTS = ['fetch', 'undici'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export function makeTransport(name: TransportName): HttpTransport {
  return name === 'fetch' ? new FetchTransport() : new UndiciTransport();
}

/**
 * A client of the simulator. Its waits are recorded and served in at most 20 ms of real time; with
 * `skipWaits` its clock also moves on by the rest (for the 429 tests: a budget paused for a second sees the
 * second pass), which would let it outrun the simulator's real-time 20/s limit, so it is off by default.
 */
export function clientFor(sim: RunningSimulator, over: Partial<RestClientOptions> = {}, transport: TransportName = 'fetch', skipWaits = false) {
  const metrics = new MetricsRegistry();
  const sleeps: number[] = [];
  let skipped = 0;
  const client = new PolymarketRestClient({
    transport: makeTransport(transport),
    ownsTransport: true,
    apiBaseUrl: sim.baseUrl,
    gatewayBaseUrl: sim.baseUrl,
    credentials: sim.credentials,
    metrics,
    timeoutMs: 2_000,
    recovery: { settleMs: 50 },
    // Record the waits the policy asks for, but keep them short so the suite stays fast.
    clock: { now: () => Date.now() + skipped, monotonicNs: () => process.hrtime.bigint() + BigInt(skipped) * 1_000_000n },
    sleep: (ms) => {
      sleeps.push(ms);
      if (skipWaits) skipped += Math.max(0, ms - 20);
      return new Promise((r) => setTimeout(r, Math.min(ms, 20)));
    },
    ...over,
  });
  return { client, metrics, sleeps };
}

/** A GTC limit buy; `quantity` in hundredths of a contract (default 10 contracts). */
export function limitBuy(price: number, quantity: Qty = contracts(10), slug = MARKET): OrderRequest {
  return {
    marketSlug: slug,
    intent: 'ORDER_INTENT_BUY_LONG',
    type: 'ORDER_TYPE_LIMIT',
    price,
    quantity,
    tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    postOnly: false,
  };
}
