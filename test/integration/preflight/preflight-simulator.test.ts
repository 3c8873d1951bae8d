/**
 * The preflight end to end against the project's simulator, through a loopback proxy that records every
 * byte sent: only GETs go out (REST and the two socket upgrades; no POST, DELETE or any other method, so no
 * order can be placed), within the preflight's own rate (≤ 5 request starts in any second), signed with the
 * sandbox key; the report carries a round-trip row per call, the clock offset inside the auth window, the
 * rate used, and judged bodies and frames. Today's simulator comes out clean (no breaking finding, no
 * deprecated key, exit 0); a simulator sending the legacy wire (`legacyWire`) comes out with the deprecated
 * keys as warnings only (exit 0, 1 with --strict): the venue still accepts them as aliases and the client reads
 * them, so they are not breaking (containers/preflight/preflight-judge.ts). Both simulators are audited
 * against the contract too (test/support/wire-audit.ts). The judge's verdicts are tested on controlled
 * observations in test/unit/preflight/preflight-judge.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePreflightArgs, runPreflight } from '../../../containers/preflight/run-preflight.js';
import { exitCodeFor, formatReport } from '../../../containers/preflight/preflight-judge.js';
import { defaultWorld } from '../../../containers/simulator/server/default-world.js';
import { recordingProxy, type RecordingProxy } from '../../support/recording-proxy.js';
import { startAuditedSimulator, type AuditedSimulator } from '../../support/wire-audit.js';
import { contracts } from '../../../shared/domain/quantity.js';

const MARKET = 'nba-bos-nyk-moneyline';

/** The preflight, as the CLI runs it, against a simulator (through a URL base). */
function preflight(sim: AuditedSimulator, baseUrl: string) {
  const env = { PM_API_KEY_ID: sim.credentials.keyId, PM_PRIVATE_KEY: sim.credentials.secretBase64 };
  return runPreflight(parsePreflightArgs(['--simulator', baseUrl, '--repeat', '2', '--listen-ms', '1500'], env));
}

describe('preflight against the simulator', () => {
  let sim: AuditedSimulator;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    sim = await startAuditedSimulator({ seed: 3, markets: defaultWorld(Date.now()), heartbeatMs: 500 });
    proxy = await recordingProxy(sim.port);
  });
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
  });

  it('makes only GETs, stays under 5 requests a second, and reports timings, the clock offset and the drift', async () => {
    const { report, exitCode } = await preflight(sim, `http://127.0.0.1:${proxy.port}`);

    // Only GETs on the wire: REST calls and the two WebSocket upgrades.
    const lines = proxy.requestLines();
    const methods = new Set(lines.map((l) => l.split(' ')[0]));
    expect([...methods]).toEqual(['GET']);
    const paths = lines.map((l) => l.split(' ')[1]!.split('?')[0]);
    for (const p of ['/v1/markets', `/v1/market/slug/${MARKET}`, `/v1/markets/${MARKET}/book`, '/v1/account/balances', '/v1/portfolio/positions', '/v1/orders/open', '/v1/portfolio/activities', '/v1/ws/markets', '/v1/ws/private']) {
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
    // Today's simulator runs clean against the contract: nothing breaking, no deprecated key, exit 0.
    expect(report.findings.filter((f) => f.severity === 'breaking')).toEqual([]);
    expect(report.breaking).toBe(0);
    expect(report.findings.filter((f) => f.message.startsWith('deprecated'))).toEqual([]);
    expect(exitCode).toBe(0);
    // Every finding (a late snapshot on a busy machine, at most) names where it was seen.
    for (const f of report.findings) expect(f.where).toMatch(/^(GET \/v1\/|socket \/v1\/ws\/|clock|rate|probe)/);
    const text = formatReport(report);
    expect(text).toMatch(/server − local = -?\d+ ms ± \d+ ms/);
    expect(text).toContain('GET /v1/markets/{slug}/book');
    // The secret is nowhere in the report.
    expect(JSON.stringify(report)).not.toContain(sim.credentials.secretBase64);
    expect(text).not.toContain(sim.credentials.secretBase64);
  }, 30_000);
});

describe('preflight against a simulator sending the legacy wire', () => {
  let sim: AuditedSimulator;

  beforeAll(async () => {
    sim = await startAuditedSimulator({ seed: 3, liquidity: false, markets: defaultWorld(Date.now()), heartbeatMs: 500, legacyWire: true });
    // A position on the key's account, so the positions (REST and socket snapshot) carry the legacy counts.
    sim.exchange.openAccount('account-maker', 1_000_000_000);
    sim.exchange.submitOrder('account-maker', { marketSlug: MARKET, intent: 'ORDER_INTENT_BUY_SHORT', type: 'ORDER_TYPE_LIMIT', price: 600_000, quantity: contracts(5), tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL' });
    const own = sim.accountOf(sim.credentials.keyId);
    sim.exchange.submitOrder(own, { marketSlug: MARKET, intent: 'ORDER_INTENT_BUY_LONG', type: 'ORDER_TYPE_LIMIT', price: 600_000, quantity: contracts(3), tif: 'TIME_IN_FORCE_IMMEDIATE_OR_CANCEL' });
    expect(sim.exchange.positions(own)[MARKET]?.netPosition).toBe(contracts(3));
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('reports the deprecated keys as warnings, nothing breaking: exit 0, and 1 with --strict', async () => {
    const { report, exitCode } = await preflight(sim, sim.baseUrl);
    expect(report.findings.filter((f) => f.severity === 'breaking')).toEqual([]);
    expect(exitCode).toBe(0);
    expect(exitCodeFor(report, true)).toBe(1);

    const deprecated = report.findings.filter((f) => f.message.startsWith('deprecated field or key in use: '));
    for (const f of deprecated) expect(f.severity).toBe('warning');
    const seen = deprecated.map((f) => `${f.where}: ${f.message.replace('deprecated field or key in use: ', '')}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        // The legacy balance snapshot key on the private socket …
        'socket /v1/ws/private accountBalanceSubscriptionSnapshot: accountBalanceSubscriptionSnapshot',
        // … and the rounded int64 position counts, over REST and in the socket's position snapshot.
        'GET /v1/portfolio/positions: netPosition',
        'GET /v1/portfolio/positions: qtyBought',
        'socket /v1/ws/private positionSubscriptionSnapshot: netPosition',
      ]),
    );
    // The legacy balance snapshot answered the balance subscription: no missing-snapshot warning for it.
    expect(report.findings.map((f) => f.message)).not.toContain('SUBSCRIPTION_TYPE_ACCOUNT_BALANCE: no accountBalancesSnapshot frame within the listen window');
    expect(formatReport(report)).toMatch(/^Preflight: no breaking difference \(warnings below\): 0 breaking, \d+ warning\(s\)/);
  }, 30_000);
});
