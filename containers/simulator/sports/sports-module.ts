/**
 * Composition of the simulated sports world: `createSportsModule` plugs it into the simulator
 * (`startSimulator({ modules: [createSportsModule(...)] })`); `startSportsServer` runs it alone on its own
 * port for the feed clients' tests.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../shared/domain/clock.js';
import { systemClock } from '../../../shared/domain/clock.js';
import type { Logger } from '../../../shared/observability/logger.js';
import { nullLogger, registerSecret } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import type { SimulatedVenueControl, SimulatorContext, SimulatorModule } from '../module.js';
import { SportsFaults } from './faults.js';
import { DEFAULT_PATH_PREFIX, OpticOddsModule } from './opticodds-module.js';
import type { SportsWorldOptions } from './world.js';
import { SportsWorld } from './world.js';

export interface SportsModuleOptions extends Omit<SportsWorldOptions, 'seed'> {
  /** Seed of the world (default: the simulator's seed). */
  seed?: number;
  /** The accepted API key (default: a random key, readable as `module.apiKey`). */
  apiKey?: string;
  /** Path prefix of the OpticOdds API (default `/api/v3`). */
  pathPrefix?: string;
  pingIntervalMs?: number;
  retryMs?: number;
  /** Advance the world on a timer from the clock (default true); false = the caller calls `world.advanceTo`. */
  autoAdvance?: boolean;
  /** Timer period of the auto-advance, ms (default 50). */
  tickMs?: number;
  metrics?: Metrics;
  /** Page size of the simulated lists (default 100); small values exercise the clients' pagination. */
  pageSize?: number;
}

/** The sports module as mounted in the simulator, with handles on its world and fault switches. */
export interface SportsModule extends SimulatorModule {
  readonly world: SportsWorld;
  readonly faults: SportsFaults;
  readonly apiKey: string;
  readonly pathPrefix: string;
  /** Advances the world to the clock's now (what the auto-advance timer does). */
  advance(): void;
}

export function generateApiKey(): string {
  return `sim-${randomBytes(16).toString('hex')}`;
}

export function createSportsModule(options: SportsModuleOptions = {}): (ctx: SimulatorContext) => SportsModule {
  return (ctx) => {
    const apiKey = options.apiKey ?? generateApiKey();
    registerSecret(apiKey);
    const logger = ctx.logger.child({ module: 'sports' });
    const faults = new SportsFaults(ctx.clock);
    const world = new SportsWorld({ ...options, seed: options.seed ?? ctx.seed }, ctx.clock.now(), {
      venue: ctx.venue,
      logger,
      faults,
    });
    const pathPrefix = options.pathPrefix ?? DEFAULT_PATH_PREFIX;
    const http = new OpticOddsModule({
      world,
      faults,
      clock: ctx.clock,
      logger,
      apiKey,
      pathPrefix,
      ...(options.pingIntervalMs !== undefined ? { pingIntervalMs: options.pingIntervalMs } : {}),
      ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
      ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    });
    const advance = (): void => {
      try {
        world.advanceTo(ctx.clock.now());
      } catch (err) {
        logger.error('sports world: advance failed', { error: err instanceof Error ? err.message : String(err) });
      }
    };
    advance();
    let timer: NodeJS.Timeout | null = null;
    if (options.autoAdvance !== false) {
      timer = setInterval(advance, options.tickMs ?? 50);
      timer.unref();
    }
    logger.info('sports world ready', {
      seed: world.seed,
      fixtures: world.fixtures().map((f) => `${f.eventSlug} (${f.fixtureId})`),
      books: world.books.map((b) => b.name),
      pathPrefix,
    });
    return {
      name: 'sports',
      world,
      faults,
      apiKey,
      pathPrefix,
      advance,
      handleRequest: (req, res, url) => http.handleRequest(req, res, url),
      close: () => {
        if (timer) clearInterval(timer);
        http.close();
      },
    };
  };
}

export const noopVenue: SimulatedVenueControl = {
  addEvent: () => {},
  addMarket: () => {},
  setMarketState: () => {},
  setTrueProbability: () => {},
  settle: () => {},
};

export interface SportsServerOptions extends SportsModuleOptions {
  host?: string;
  /** 0 = an ephemeral port. */
  port?: number;
  seed?: number;
  clock?: Clock;
  logger?: Logger;
  venue?: SimulatedVenueControl;
}

export interface SportsServer {
  /** e.g. `http://127.0.0.1:41234/api/v3`: the OpticOdds client's base URL. */
  baseUrl: string;
  /** `http://127.0.0.1:41234` */
  origin: string;
  port: number;
  apiKey: string;
  world: SportsWorld;
  faults: SportsFaults;
  module: SportsModule;
  close(): Promise<void>;
}

/** Runs the simulated OpticOdds feed alone on its own HTTP port (127.0.0.1:0 by default). */
export async function startSportsServer(options: SportsServerOptions = {}): Promise<SportsServer> {
  const host = options.host ?? '127.0.0.1';
  const ctx: SimulatorContext = {
    clock: options.clock ?? systemClock,
    logger: options.logger ?? nullLogger,
    seed: options.seed ?? 1,
    venue: options.venue ?? noopVenue,
  };
  const module = createSportsModule(options)(ctx);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
    Promise.resolve(module.handleRequest(req, res, url))
      .then((handled) => {
        if (!handled && !res.headersSent) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'not found' }));
        }
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    baseUrl: `${origin}${module.pathPrefix}`,
    origin,
    port,
    apiKey: module.apiKey,
    world: module.world,
    faults: module.faults,
    module,
    close: async () => {
      await module.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
