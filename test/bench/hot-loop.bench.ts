/**
 * Hot-loop throughput: whole-book market-data frames per second through the venue parser, the state manager
 * and every strategy (all on), 200 markets subscribed, one core. The books are quiet (at the sportsbook
 * consensus), as most of the time: strategies evaluate every message, the market maker requotes when its
 * refresh interval is due (those requotes go through risk and the signing gateway, and are counted in).
 * Simulated time moves 1 ms per message; odds refresh and promise continuations run between timed chunks.
 */
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { parseVenueMessage } from '../../shared/venue/ws-messages.js';
import { buildBenchWorld } from '../support/engine-fixtures.js';
import type { BenchResult } from './bench-types.js';
import { round } from './measure.js';

const MARKETS = 200;
const CHUNK = 2_000;

export async function run(): Promise<BenchResult[]> {
  const quiet = await measure('quiet', 10);
  const parseOnly = await measure('parse-state', 10);
  const shallow = await measure('quiet', 3);
  return [
    {
      name: `hot loop: parse + state + strategies (${MARKETS} mkts, 10-level books)`,
      unit: 'msg/s',
      rate: Math.round(quiet.rate),
      value: round(quiet.ordersPer1k, 2),
      target: '≥ 200,000/s (value = orders+modifies per 1k msgs)',
    },
    { name: 'hot loop: parse + state only (no strategies), same frames', unit: 'msg/s', rate: Math.round(parseOnly.rate) },
    { name: `hot loop: parse + state + strategies, 3-level books`, unit: 'msg/s', rate: Math.round(shallow.rate), value: round(shallow.ordersPer1k, 2) },
  ];
}

async function measure(kind: 'quiet' | 'parse-state', levels: number): Promise<{ rate: number; ordersPer1k: number }> {
  const { clock, engine, gateway, texts, refreshOdds } = buildBenchWorld({ markets: MARKETS, books: 'quiet', levels, metrics: new MetricsRegistry() });
  if (kind === 'parse-state') engine.engine.stop();
  const n = texts.length;
  let i = 0;
  const chunk = (): bigint => {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < CHUNK; k++, i++) {
      const r = parseVenueMessage(texts[i % n] as string, clock.now());
      if (r.kind === 'event') engine.onMarketEvent(r.event);
      clock.advance(1);
    }
    return process.hrtime.bigint() - t0;
  };
  const between = async (): Promise<void> => {
    if (i % 10_000 === 0) refreshOdds();
    await new Promise((resolve) => setImmediate(resolve));
  };
  for (let w = 0; w < 25; w++) {
    chunk();
    await between();
  }
  const before = gateway.creates + gateway.modifies;
  let ns = 0n;
  const chunks = 60;
  for (let c = 0; c < chunks; c++) {
    ns += chunk();
    await between();
  }
  const msgs = chunks * CHUNK;
  return { rate: msgs / (Number(ns) / 1e9), ordersPer1k: ((gateway.creates + gateway.modifies - before) * 1000) / msgs };
}
