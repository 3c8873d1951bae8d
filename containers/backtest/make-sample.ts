/**
 * Makes the repository's sample dataset with the project's own code: the simulator (exchange + OpticOdds +
 * seeded games of each sport, crowd bias on, as `npm start`) runs on loopback at high game speed, the bot runs
 * headless in paper mode with the recorder attached, and every message the bot receives is written until
 * every game is over and settled (or --max-seconds). The bot's discovery and the settlements it applied are
 * recorded too, so the sample replays on its own.
 *
 *   npx tsx containers/backtest/make-sample.ts [--out data/sample] [--seed 11] [--speed 60]
 *                                              [--basketball 2] [--football 2] [--max-seconds 600]
 *
 * The games, scores and odds are the seed's; the exchange's background flow and the timing of the sockets
 * are wall-clock, so two runs give similar, not identical, recordings. The committed sample is one such run;
 * replays of it are deterministic.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/domain/clock.js';
import { STRATEGY_NAMES } from '../../shared/engine/assemble-engine.js';
import { nullLogger } from '../../shared/observability/logger.js';
import { nullMetrics } from '../../shared/observability/metrics.js';
import { createBotRecorder } from '../../shared/recording/bot-recorder.js';
import { startBot } from '../bot/bot.js';
import { localSessionConfig, simulatorEndpoints } from '../bot/session-config.js';
import { startSimulator } from '../simulator/server.js';
import { createSportsModule, type SportsModule } from '../simulator/sports/index.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'data/sample' },
    seed: { type: 'string', default: '11' },
    speed: { type: 'string', default: '60' },
    basketball: { type: 'string', default: '2' },
    football: { type: 'string', default: '2' },
    'max-seconds': { type: 'string', default: '600' },
    keep: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const speed = Number(values.speed);
const maxMs = Number(values['max-seconds']) * 1000;

// Replace the previous recording files (the README and anything else in the folder stay).
if (!values.keep && existsSync(values.out)) {
  for (const f of readdirSync(values.out)) if (f.endsWith('.ndjson.gz')) rmSync(join(values.out, f));
}
const sim = await startSimulator({
  seed,
  liquidity: { crowdBias: { share: 0.4, magnitude: [0.05, 0.09] } },
  modules: [
    createSportsModule({ seed, speed, games: { basketball: Number(values.basketball), football: Number(values.football) }, firstStartDelayMs: 3_000, startStaggerMs: 5_000 }),
  ],
});
const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule;
const config = localSessionConfig('config', simulatorEndpoints(sim, sports));
const recorder = createBotRecorder({
  dir: values.out,
  config,
  clock: systemClock,
  source: 'make-sample',
  version: process.env.npm_package_version ?? '0.1.0',
  seed,
  sessionId: `sample-seed${seed}`,
  writer: { level: 9, maxChunkBytes: 8 * 1024 * 1024 },
});
const settledMarkets = new Set<string>();
const bot = await startBot({
  config,
  logger: nullLogger,
  metrics: nullMetrics,
  strategies: [...STRATEGY_NAMES],
  onVenueEvent: recorder.onVenueEvent,
  onFeedEvent: recorder.onFeedEvent,
  onDiscovery: recorder.onDiscovery,
  onEngineStart: recorder.onEngineStart,
  onSettle: (slug, price) => {
    settledMarkets.add(slug);
    recorder.onSettle(slug, price);
  },
});
const markets = bot.discovery.markets.length;
const started = Date.now();
console.error(`recording seed ${seed} at speed ${speed}: ${bot.discovery.fixtures.length} games, ${markets} markets → ${values.out}`);
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const s = recorder.writer.stats();
    process.stderr.write(`\r${Math.round((Date.now() - started) / 1000)}s  ${s.recorded} lines  settled ${settledMarkets.size}/${markets}   `);
    if ((sports.world.finished && settledMarkets.size >= markets) || Date.now() - started > maxMs) {
      clearInterval(timer);
      resolve();
    }
  }, 1_000);
});
// A few more seconds so the last settlements' book updates are in.
await new Promise((r) => setTimeout(r, 2_000));
await bot.stop();
const stats = await recorder.close();
await sim.close();
console.error(`\ndone: ${stats.written} lines, ${stats.dropped} dropped, files: ${stats.files.join(', ')}`);
