/**
 * `npm start`: a whole session on this machine, with no account and no keys. Starts the project's simulator
 * (exchange + OpticOdds feeds + seeded games) on loopback, runs the bot against it, shows progress, and ends
 * with a summary.
 *
 *   npm start -- [--mode paper|live|shadow] [--duration 240] [--seed 7] [--speed 20] [--markets 200] [--quiet]
 *                [--strategies market_maker,live_arbitrage,statistical_edge]
 *
 * `--mode paper` (default): the fill simulator trades; the exchange only gives market data. `--mode live`: the
 * bot sends real orders to the simulator with the sandbox key the simulator generated at start (never a real
 * key; the secret is never printed), so every authenticated call goes through the key's request budget.
 * `--mode shadow`: live against the simulator, with paper exchanges beside it receiving a copy of every
 * order; the report (and the end of the run) carries the calibration panel — paper vs live fill rates and
 * markouts per strategy and price level, and the fitted paper parameters (README "Shadow mode").
 *
 * `--markets N` makes the simulator list N more markets (synthetic games with background liquidity) besides
 * the seeded ones, and gives the risk limits room for the market maker to quote them all: a load run of the
 * request budget (meaningful in live mode). The summary shows the peak requests in any one second, batches,
 * orders, 429s and stopgap rejects — in live mode also as the simulator received them.
 */
import { mkdirSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../shared/config/errors.js';
import { TRADING_MODES, tradingAccount, type AppConfig, type TradingMode } from '../../shared/config/schema.js';
import { STRATEGY_NAMES, type StrategyKey } from '../../shared/engine/assemble-engine.js';
import { createLogger } from '../../shared/observability/pino-logger.js';
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { startSimulator } from '../simulator/server.js';
import { listedMarketsWorld } from '../simulator/server/default-world.js';
import { resolveRateLimits } from '../simulator/server/rate-limiter.js';
import { ONE_DOLLAR } from '../../shared/domain/money.js';
import { createSportsModule, type SportsModule } from '../simulator/sports/index.js';
import { systemClock } from '../../shared/domain/clock.js';
import { createBotRecorder } from '../../shared/recording/bot-recorder.js';
import { configDigest } from '../../shared/recording/record-format.js';
import { ReportCollector } from '../../shared/reports/report-collector.js';
import { writeReport } from '../../shared/reports/write-report.js';
import { renderShadowPanelText } from '../../shared/shadow/panel-render.js';
import { startLoadDrift } from './load-drift.js';
import { startLocalAws } from './local-aws.js';
import { loadRunPatch, localSessionConfig, simulatorEndpoints } from './session-config.js';
import { SessionStats } from './session-stats.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'paper' },
    duration: { type: 'string', default: '240' },
    seed: { type: 'string', default: '7' },
    strategies: { type: 'string', default: STRATEGY_NAMES.join(',') },
    speed: { type: 'string', default: '20' },
    markets: { type: 'string', default: '0' },
    'progress-every': { type: 'string', default: '10' },
    quiet: { type: 'boolean', default: false },
    'record-dir': { type: 'string', default: join('data', 'recordings') },
    'report-dir': { type: 'string', default: 'reports' },
    'no-record': { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(2);
}

const modeArg = values.mode.trim().toLowerCase();
const mode: TradingMode = TRADING_MODES.find((m) => m === modeArg) ?? fail(`--mode must be one of ${TRADING_MODES.join(', ')}, got ${values.mode}`);
const account = tradingAccount(mode);
const durationS = Number(values.duration);
const seed = Number(values.seed);
const speed = Number(values.speed);
const progressEvery = Number(values['progress-every']);
const extraMarkets = Number(values.markets);
if (!(durationS > 0)) fail(`--duration must be a positive number of seconds, got ${values.duration}`);
if (!Number.isInteger(seed)) fail(`--seed must be an integer, got ${values.seed}`);
if (!Number.isInteger(extraMarkets) || extraMarkets < 0 || extraMarkets > 5_000) fail(`--markets must be a whole number of markets from 0 to 5000, got ${values.markets}`);
if (!(speed > 0)) fail(`--speed must be positive (game seconds per real second), got ${values.speed}`);
const strategies = values.strategies.split(',').map((s) => s.trim()).filter(Boolean);
for (const s of strategies) if (!(STRATEGY_NAMES as readonly string[]).includes(s)) fail(`unknown strategy "${s}"; choose from ${STRATEGY_NAMES.join(', ')}`);

mkdirSync('logs', { recursive: true });
const logFile = join('logs', `session-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
const logger = createLogger({ level: 'info', destination: createWriteStream(logFile) });
const metrics = new MetricsRegistry();

const loadWorld = extraMarkets > 0 ? listedMarketsWorld(Date.now(), extraMarkets) : undefined;
const sim = await startSimulator({
  seed,
  logger: logger.child({ component: 'simulator' }),
  // A crowd that misprices some markets: the sandbox's stand-in for the gaps statistical edge trades.
  liquidity: { crowdBias: { share: 0.4, magnitude: [0.05, 0.09] } },
  markets: loadWorld,
  // A load run's quotes need collateral besides the seeded games' (two sides of order_size per market).
  startingBalance: (10_000 + 20 * extraMarkets) * ONE_DOLLAR,
  modules: [createSportsModule({ seed, speed, games: { basketball: 2, football: 2 }, firstStartDelayMs: 5_000, startStaggerMs: 10_000 })],
});
const sports = sim.modules.find((m) => m.name === 'sports') as SportsModule | undefined;
if (!sports) fail('the simulator started without its sports world');
// The listed markets move (a seeded walk of their true probability), so the market maker requotes them.
const drift = loadWorld ? startLoadDrift(sim.venue, loadWorld.markets.map((m) => m.slug), { seed, share: 0.3, maxStepCents: 3 }) : undefined;

let config: AppConfig;
try {
  const endpoints = simulatorEndpoints(sim, sports);
  const plain = localSessionConfig('config', endpoints, process.env, { mode });
  config = extraMarkets > 0 ? localSessionConfig('config', endpoints, process.env, { mode, patch: loadRunPatch(plain, extraMarkets) }) : plain;
} catch (err) {
  await sim.close();
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}

const stats = new SessionStats();
console.log(`Simulator (exchange + OpticOdds + seeded games${extraMarkets ? ` + ${extraMarkets} listed markets` : ''}, seed ${seed}) on ${sim.baseUrl}`);
console.log(
  mode === 'shadow'
    ? `Bot in SHADOW mode against the simulator (live orders with its throwaway sandbox key, paper exchanges beside it) for ${durationS}s, strategies: ${strategies.join(', ')}. Logs: ${logFile}\n`
    : mode === 'live'
    ? `Bot in LIVE mode against the simulator (its throwaway sandbox key; no real keys) for ${durationS}s, strategies: ${strategies.join(', ')}. Logs: ${logFile}\n`
    : `Bot in PAPER mode for ${durationS}s, strategies: ${strategies.join(', ')}. Logs: ${logFile}\n`,
);
// Recording (every inbound message, for replays and backtests) and the report's time series.
const recorder = values['no-record']
  ? undefined
  : createBotRecorder({ dir: values['record-dir'], config, clock: systemClock, source: 'local-session', version: process.env.npm_package_version ?? '0.0.0', seed, writer: { logger, metrics } });
// The collector needs the engine, which exists once startBot returns; the hooks reach it through `late`.
const late: { collector?: ReportCollector } = {};
// Stores, queues and the functions run on embedded emulators (local-aws.ts); the bot persists and is
// controlled through them (edit logs/local-aws/parameters.json to flip the kill switch or the mode).
const localAws = await startLocalAws({
  config,
  logger,
  metrics,
  strategies: strategies as StrategyKey[],
  hooks: {
    onDecision: (d, s) => {
      stats.onDecision(d, s);
      late.collector?.onDecision(d, s);
    },
    onFill: stats.onFill,
    onBreakerTrip: (st) => late.collector?.onBreakerTrip(st),
    onVenueEvent: recorder?.onVenueEvent,
    onFeedEvent: recorder?.onFeedEvent,
    onDiscovery: recorder?.onDiscovery,
    onEngineStart: recorder?.onEngineStart,
    onSettle: (slug, price) => {
      recorder?.onSettle(slug, price);
      late.collector?.onSettle(slug, price);
    },
  },
});
const bot = localAws.bot;
const collector = new ReportCollector({ engine: bot.engine, directory: bot.discovery.directory, fixtures: bot.discovery.fixtures });
late.collector = collector;
collector.attach();
const sampler = setInterval(() => collector.sample(Date.now()), 1_000);

const progress = setInterval(() => {
  if (!values.quiet) console.log(stats.render(bot.engine, bot.discovery.fixtures));
}, progressEvery * 1000);

let finishing = false;
async function finish(reason: string): Promise<void> {
  if (finishing) return;
  finishing = true;
  clearInterval(progress);
  drift?.stop();
  console.log(`\nStopping (${reason}) …`);
  await localAws.stop();
  clearInterval(sampler);
  console.log(stats.render(bot.engine, bot.discovery.fixtures));
  console.log(stats.summary(bot.engine));
  const limits = resolveRateLimits().authenticatedPerKey;
  const received = { ...sim.requestTally(sim.credentials.keyId), windowMs: limits.windowMs, limit: limits.limit };
  console.log(stats.traffic(metrics, config.api.rateLimitPerSecond, account === 'live' ? received : undefined));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const title = mode === 'shadow' ? 'Shadow (simulator)' : mode === 'live' ? 'Live (simulator)' : 'Paper';
  const data = collector.build({ title: `${title} session (seed ${seed})`, kind: account, now: Date.now(), configDigest: configDigest(config), extra: { seed, durationS, speed, mode } });
  const panel = bot.engine.shadow?.panel();
  if (panel) {
    data.summary.shadow = panel;
    console.log(`\n${renderShadowPanelText(panel)}`);
  } else if (mode === 'shadow') console.log('\nShadow calibration: no order was mirrored in this session (nothing to compare).');
  const report = await writeReport(values['report-dir'], `session-${stamp}`, data);
  console.log(`\nReport: ${report.html} (summary ${report.json})`);
  if (panel) console.log(`Replay with the fitted paper parameters: npm run backtest -- --data ${values['record-dir']} --paper-params ${report.json}`);
  if (recorder) {
    const rec = await recorder.close();
    console.log(`Recording: ${rec.files.join(', ')} (${rec.written} lines${rec.dropped ? `, ${rec.dropped} dropped` : ''}); replay with npm run backtest -- --data ${values['record-dir']}`);
  }
  await sim.close();
  process.exit(0);
}
setTimeout(() => void finish('duration reached'), durationS * 1000);
process.once('SIGINT', () => void finish('SIGINT'));
process.once('SIGTERM', () => void finish('SIGTERM'));
