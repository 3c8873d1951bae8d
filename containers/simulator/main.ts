/**
 * `npm run simulator -- --port <p> [--seed n] [--host h] [--no-liquidity] [--no-rate-limits]`
 *
 * Starts the simulated Polymarket US exchange on loopback with a small default world (two NBA games with a
 * moneyline market each), prints its URLs and a freshly generated throwaway API key, and stops cleanly on
 * SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../shared/observability/pino-logger.js';
import { startSimulator } from './server.js';
import { withVenueMarketMix } from './exchange/market-mix.js';
import { defaultWorld } from './server/default-world.js';

function usage(): never {
  console.error('usage: npm run simulator -- [--port 8080] [--seed 1] [--host 127.0.0.1] [--no-liquidity] [--no-rate-limits]');
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
  const level = values['log-level'] as 'debug' | 'info' | 'warn' | 'error' | 'silent';

  const logger = createLogger({ level, name: 'simulator', destination: process.stderr });
  const sim = await startSimulator({
    host: values.host,
    port,
    seed,
    logger,
    markets: withVenueMarketMix(defaultWorld(Date.now()), seed),
    liquidity: values['no-liquidity'] ? false : {},
    rateLimits: !values['no-rate-limits'],
  });

  const lines = [
    'Polymarket US exchange simulator',
    `  REST (api + gateway): ${sim.baseUrl}`,
    `  WebSocket base:       ${sim.wsBaseUrl}  (${sim.wsMarketsUrl}, ${sim.wsPrivateUrl})`,
    `  markets:              ${sim.exchange.listMarkets().map((m) => m.slug).join(', ')}`,
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
