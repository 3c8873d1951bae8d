/**
 * The preflight end to end against the project's simulator, through a loopback proxy that records every
 * byte sent: only GETs go out (REST and the two socket upgrades; no POST, DELETE or any other method, so no
 * order can be placed), within the preflight's own rate (≤ 5 request starts in any second), signed with the
 * sandbox key; the report carries a round-trip row per call, the clock offset inside the auth window, the
 * rate used, and judged bodies and frames. Whether today's simulator comes out clean is not asserted here
 * (the simulator's wire is being aligned with the contract separately); the judge's verdicts are tested on
 * controlled observations in test/unit/preflight/preflight-judge.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePreflightArgs, runPreflight } from '../../../containers/preflight/run-preflight.js';
import { formatReport } from '../../../containers/preflight/preflight-judge.js';
import { startSimulator, type RunningSimulator } from '../../../containers/simulator/server.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { recordingProxy, type RecordingProxy } from '../../support/recording-proxy.js';

describe('preflight against the simulator', () => {
  let sim: RunningSimulator;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, markets: defaultWorld(Date.now()), heartbeatMs: 500 });
    proxy = await recordingProxy(sim.port);
  });
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
  });

  it('makes only GETs, stays under 5 requests a second, and reports timings, the clock offset and the drift', async () => {
    const env = { PM_API_KEY_ID: sim.credentials.keyId, PM_PRIVATE_KEY: sim.credentials.secretBase64 };
    const args = parsePreflightArgs(['--simulator', `http://127.0.0.1:${proxy.port}`, '--repeat', '2', '--listen-ms', '1500'], env);
    const { report, exitCode } = await runPreflight(args);

    // Only GETs on the wire: REST calls and the two WebSocket upgrades.
    const lines = proxy.requestLines();
    const methods = new Set(lines.map((l) => l.split(' ')[0]));
    expect([...methods]).toEqual(['GET']);
    const paths = lines.map((l) => l.split(' ')[1]!.split('?')[0]);
    for (const p of ['/v1/markets', '/v1/market/slug/nba-bos-nyk-moneyline', '/v1/markets/nba-bos-nyk-moneyline/book', '/v1/account/balances', '/v1/portfolio/positions', '/v1/orders/open', '/v1/portfolio/activities', '/v1/ws/markets', '/v1/ws/private']) {
      expect(paths, p).toContain(p);
    }
    expect(lines).toHaveLength(2 * 7 + 2);
    // The exchange saw no order from the key.
    expect(sim.exchange.openOrders(sim.accountOf(sim.credentials.keyId))).toEqual([]);

    // The report: a timing row per call (two rounds each), the clock, the rate, what was judged.
    const calls = report.timings.map((t) => t.call);
    expect(calls).toEqual(
      expect.arrayContaining(['GET /v1/markets', 'GET /v1/market/slug/{slug}', 'GET /v1/markets/{slug}/book', 'GET /v1/account/balances', 'GET /v1/portfolio/positions', 'GET /v1/orders/open', 'GET /v1/portfolio/activities', 'WS upgrade /v1/ws/markets', 'WS upgrade /v1/ws/private']),
    );
    for (const t of report.timings) {
      expect(t.n, t.call).toBe(t.call.startsWith('WS') ? 1 : 2);
      expect(t.p50Ms).toBeGreaterThan(0);
      expect(t.maxMs).toBeGreaterThanOrEqual(t.p50Ms);
    }
    expect(report.clock.samples).toBeGreaterThanOrEqual(14); // every REST answer (a 101 may carry no Date)
    expect(report.clock.withinWindow).toBe(true);
    expect(Math.abs(report.clock.offsetMs!)).toBeLessThanOrEqual(report.clock.uncertaintyMs! + 1_000);
    expect(report.rate).toMatchObject({ requests: 16, limitPerSecond: 20 });
    expect(report.rate.peakPerSecond).toBeLessThanOrEqual(5);
    expect(report.checked.bodies).toBe(14);
    expect(report.checked.frames).toBeGreaterThan(0);
    // Every finding names where it was seen; the exit code follows the breaking count.
    for (const f of report.findings) expect(f.where).toMatch(/^(GET \/v1\/|socket \/v1\/ws\/|clock|rate|probe)/);
    expect(exitCode).toBe(report.breaking > 0 ? 1 : 0);
    const text = formatReport(report);
    expect(text).toMatch(/server − local = -?\d+ ms ± \d+ ms/);
    expect(text).toContain('GET /v1/markets/{slug}/book');
    // The secret is nowhere in the report.
    expect(JSON.stringify(report)).not.toContain(sim.credentials.secretBase64);
    expect(text).not.toContain(sim.credentials.secretBase64);
  }, 30_000);
});
