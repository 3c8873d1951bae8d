/**
 * `npx tsx containers/simulator/sports/cli.ts [--port 8090] [--seed 1] [--speed 10] [--basketball 2] [--football 2]`
 *
 * Runs the simulated OpticOdds feed alone (no exchange), prints its base URL and a throwaway API key for this
 * run, and stops cleanly on SIGINT / SIGTERM. `--record` instead prints the whole seeded run as NDJSON.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../../shared/observability/pino-logger.js';
import { recordingToNdjson, recordSportsRun } from './recording.js';
import { startSportsServer } from './sports-module.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: '1' },
      speed: { type: 'string', default: '10' },
      basketball: { type: 'string', default: '2' },
      football: { type: 'string', default: '2' },
      record: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const num = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
    return n;
  };
  const options = {
    seed: num('seed', values.seed),
    speed: num('speed', values.speed),
    games: { basketball: num('basketball', values.basketball), football: num('football', values.football) },
  };
  if (values.record) {
    process.stdout.write(recordingToNdjson(recordSportsRun(options)));
    return;
  }
  const logger = createLogger({ level: 'info', name: 'sports-sim', destination: process.stderr });
  const srv = await startSportsServer({ ...options, host: values.host, port: num('port', values.port), logger });
  // A throwaway key of a local sandbox, generated for this run: printed so that a client can be pointed at it.
  process.stdout.write(
    [
      'Simulated OpticOdds feed',
      `  OPTICODDS_BASE_URL=${srv.baseUrl}`,
      `  OPTICODDS_API_KEY=${srv.apiKey}`,
      ...srv.world.fixtures().map((f) => `  ${f.eventSlug}  fixture ${f.fixtureId}  starts ${new Date(f.startMs).toISOString()}`),
      'Ctrl-C to stop.',
    ].join('\n') + '\n',
  );
  const stop = (): void => {
    srv.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
