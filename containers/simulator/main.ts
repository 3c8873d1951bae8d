/**
 * `npm run simulator -- --port <p> [--seed n] [--host h] [--no-liquidity] [--no-rate-limits] [--rate-limit n]
 *   [--public-rate-limit n] [--batch-request-cost n] [--legacy-wire]`
 *
 * Starts the simulated Polymarket US exchange on loopback with a small default world (two NBA games with a
 * moneyline market each), prints its URLs and a freshly generated throwaway API key, and stops cleanly on
 * SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { ONE_DOLLAR } from '../../shared/domain/money.js';
import { createLogger } from '../../shared/observability/pino-logger.js';
import { startSimulator } from './server.js';
import { withVenueMarketMix } from './exchange/market-mix.js';
import { defaultWorld, FINISHED_MARKET_SLUG } from './server/default-world.js';

function usage(): never {
  console.error(
    'usage: npm run simulator -- [--port 8080] [--seed 1] [--host 127.0.0.1] [--no-liquidity] [--no-rate-limits]\n' +
      '         [--rate-limit 20 (authenticated requests per second per key)] [--public-rate-limit 20 (per second per IP)]\n' +
      '         [--batch-request-cost 1 (requests one batch call counts for)] [--legacy-wire (legacy socket frame keys)]',
  );
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        seed: { type: 'string', default: '1' },
        host: { type: 'string', default: '127.0.0.1' },
        'no-liquidity': { type: 'boolean', default: false },
        'no-rate-limits': { type: 'boolean', default: false },
        'rate-limit': { type: 'string', default: '20' },
        'public-rate-limit': { type: 'string', default: '20' },
        'batch-request-cost': { type: 'string', default: '1' },
        'legacy-wire': { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    console.error((err as Error).message);
    usage();
  }
  if (values.help) usage();
  const port = Number(values.port);
  const seed = Number(values.seed);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) usage();
  if (!Number.isInteger(seed)) usage();
  const perKey = Number(values['rate-limit']);
  const perIp = Number(values['public-rate-limit']);
  const batchCost = Number(values['batch-request-cost']);
  for (const [flag, n] of [['--rate-limit', perKey], ['--public-rate-limit', perIp], ['--batch-request-cost', batchCost]] as const) {
    if (!Number.isInteger(n) || n < 1) {
      console.error(`${flag} must be a positive integer`);
      usage();
    }
  }
  const level = values['log-level'] as 'debug' | 'info' | 'warn' | 'error' | 'silent';

  const logger = createLogger({ level, name: 'simulator', destination: process.stderr });
  const sim = await startSimulator({
    host: values.host,
    port,
    seed,
    logger,
    markets: withVenueMarketMix(defaultWorld(Date.now(), { finishedGame: true }), seed),
    // A livelier crowd than the library default (one taker every 2 s): a resting order one tick inside the spread
    // meets a taker within seconds, so a sandbox user (or a probe) sees maker fills and rebates quickly.
    liquidity: values['no-liquidity'] ? false : { takers: 2, takerIntervalMs: 1_000 },
    rateLimits: values['no-rate-limits']
      ? false
      : { authenticatedPerKey: { limit: perKey, windowMs: 1_000 }, publicPerIp: { limit: perIp, windowMs: 1_000 } },
    batchRequestCost: batchCost,
    legacyWire: values['legacy-wire'],
  });

  // The finished game's market resolved YES: GET /v1/markets/{slug}/settlement has an answer to show.
  sim.venue.settle(FINISHED_MARKET_SLUG, ONE_DOLLAR);

  const lines = [
    'Polymarket US exchange simulator',
    `  REST (api + gateway): ${sim.baseUrl}`,
    `  WebSocket base:       ${sim.wsBaseUrl}  (${sim.wsMarketsUrl}, ${sim.wsPrivateUrl})`,
    `  markets:              ${sim.exchange.listMarkets().map((m) => m.slug).join(', ')}`,
    `  wire:                 ${values['legacy-wire'] ? 'legacy socket frame keys (--legacy-wire)' : "today's contract"}`,
    '',
    'Throwaway sandbox API key, generated for this run only and valid only against this simulator:',
    `  PM_API_KEY_ID=${sim.credentials.keyId}`,
    `  PM_PRIVATE_KEY=${sim.credentials.secretBase64}`,
    '',
    'Ctrl-C to stop.',
  ];
  // The one place a secret is printed: a throwaway key of a local sandbox (never a real credential).
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping simulator', { signal });
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('simulator close failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('simulator failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
