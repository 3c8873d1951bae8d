import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/errors.js';
import { loadConfig, parseConfigDocuments } from '../../../shared/config/loader.js';
import { interpolateEnv } from '../../../shared/config/interpolate.js';
import { deepMerge } from '../../../shared/config/deep-merge.js';
import { maskSecrets } from '../../../shared/observability/logger.js';

const REPO_CONFIG = join(import.meta.dirname, '../../../config');

function minimal(): Record<string, unknown> {
  return {
    risk: {
      max_position_per_market: 100,
      max_portfolio_exposure: 500,
      max_daily_loss: 50,
      kelly_fraction: 0.25,
      min_trade_size: 1,
    },
    strategies: {
      market_maker: { enabled: true, spread: 0.02, order_size: 10, refresh_interval: 5 },
      live_arbitrage: { enabled: true, min_edge: 0.03, max_position: 50 },
      statistical_edge: { enabled: true, min_edge: 0.05, confidence_threshold: 0.7 },
    },
  };
}

function withPatch(patch: unknown): unknown {
  return deepMerge(minimal(), patch);
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig with the repository files', () => {
  it('loads paper mode with defaults and converts USD to micros', () => {
    const c = loadConfig({ dir: REPO_CONFIG, env: {} });
    expect(c.mode).toBe('paper');
    expect(c.risk.maxPositionPerMarket).toBe(100_000_000);
    expect(c.risk.maxDailyLoss).toBe(50_000_000);
    expect(c.risk.minTradeSize).toBe(1_000_000);
    expect(c.risk.kellyFraction).toBe(0.25);
    expect(c.strategies.marketMaker.spread).toBe(20_000);
    expect(c.strategies.marketMaker.refreshIntervalMs).toBe(5_000);
    expect(c.strategies.liveArbitrage.minEdge).toBe(30_000);
    expect(c.trading.paper.startingBalance).toBe(1_000_000_000);
    expect(c.trading.fees).toEqual({
      defaults: { takerThetaPpm: 69_500, makerThetaPpm: 12_500 },
      overrides: [{ sport: 'table_tennis', effectiveFrom: Date.parse('2026-10-01T03:59:00Z'), takerThetaPpm: 100_000 }],
    });
    expect(c.trading.defaultTick).toBe(10_000);
    expect(c.logging.level).toBe('info');
    expect(c.api.apiKeyId).toBeUndefined();
    expect(c.sportsData.sportsbookWeights.Pinnacle).toBe(3);
  });

  it('reads the mode from TRADING_MODE and applies the live overlay with keys', () => {
    const env = { TRADING_MODE: 'live', PM_API_KEY_ID: 'key-id-123456', PM_PRIVATE_KEY: 'c2VjcmV0LXNlZWQtYnl0ZXM=', OPTICODDS_API_KEY: 'optic-key-abcdef' };
    const c = loadConfig({ dir: REPO_CONFIG, env });
    expect(c.mode).toBe('live');
    expect(c.api.apiKeyId).toBe('key-id-123456');
    expect(c.logging.file).toBeUndefined(); // removed by the overlay's null
    // secrets are registered with the log masker
    expect(maskSecrets('key c2VjcmV0LXNlZWQtYnl0ZXM= and optic-key-abcdef')).toBe('key [REDACTED] and [REDACTED]');
  });

  it('refuses live mode without keys, naming each variable and field', () => {
    const e = errorOf(() => loadConfig({ dir: REPO_CONFIG, env: {}, mode: 'live' }));
    const paths = e.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['api.api_key_id', 'api.private_key', 'sports_data.api_key']));
    expect(e.message).toContain('PM_PRIVATE_KEY');
    expect(e.issues.find((i) => i.path === 'api.private_key')?.file).toBe('config.live.yaml');
  });

  it('refuses live mode when a key is set but empty', () => {
    const env = { PM_API_KEY_ID: 'key-id-123456', PM_PRIVATE_KEY: '', OPTICODDS_API_KEY: 'optic-key-abcdef' };
    const e = errorOf(() => loadConfig({ dir: REPO_CONFIG, env, mode: 'live' }));
    expect(e.issues).toEqual([expect.objectContaining({ path: 'api.private_key', message: expect.stringContaining('required in live mode') })]);
  });
});

describe('loadConfig from a folder', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('deep-merges the overlay and reports YAML syntax errors with the file', () => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'config.yaml'), JSON.stringify(minimal()));
    writeFileSync(join(dir, 'config.paper.yaml'), 'risk:\n  max_daily_loss: 20\n');
    const c = loadConfig({ dir, env: {} });
    expect(c.risk.maxDailyLoss).toBe(20_000_000);
    expect(c.risk.maxPositionPerMarket).toBe(100_000_000);
    writeFileSync(join(dir, 'config.paper.yaml'), 'risk: [unclosed\n');
    const e = errorOf(() => loadConfig({ dir: dir!, env: {} }));
    expect(e.issues[0]?.file).toBe('config.paper.yaml');
    expect(e.message).toContain('YAML syntax error');
  });

  it('does not read the other mode overlay', () => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'config.yaml'), JSON.stringify(minimal()));
    writeFileSync(join(dir, 'config.live.yaml'), 'broken: [\n');
    expect(loadConfig({ dir, env: {} }).mode).toBe('paper');
  });

  it('names the missing config.yaml', () => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    expect(errorOf(() => loadConfig({ dir: dir!, env: {} })).message).toContain('config.yaml');
  });
});

describe('interpolation', () => {
  it('substitutes, defaults, escapes, and reports a missing variable with its field', () => {
    const issues: { path: string; message: string }[] = [];
    const out = interpolateEnv({ a: '${X}', b: { c: ['${Y:-dflt}', 'x$${Z}'] }, d: '${MISSING}', e: '${EMPTY:-fb}' }, { X: 'one', EMPTY: '' }, issues);
    expect(out).toEqual({ a: 'one', b: { c: ['dflt', 'x${Z}'] }, d: '', e: 'fb' });
    expect(issues).toEqual([expect.objectContaining({ path: 'd', message: expect.stringContaining('MISSING') })]);
  });

  it('coerces interpolated numbers and booleans', () => {
    const c = parseConfigDocuments({
      base: withPatch({ risk: { max_daily_loss: '${LOSS}' }, strategies: { market_maker: { enabled: '${MM:-false}' } } }),
      env: { LOSS: '12.5' },
    });
    expect(c.risk.maxDailyLoss).toBe(12_500_000);
    expect(c.strategies.marketMaker.enabled).toBe(false);
  });

  it('a missing variable fails start-up naming the variable and the field', () => {
    const e = errorOf(() => parseConfigDocuments({ base: withPatch({ risk: { max_daily_loss: '${LOSS}' } }), env: {} }));
    expect(e.issues).toHaveLength(1);
    expect(e.message).toContain('risk.max_daily_loss references ${LOSS}');
  });
});

describe('validation errors name the field and the fix', () => {
  const cases: { name: string; patch: unknown; path: string; contains: string }[] = [
    { name: 'kelly_fraction > 1', patch: { risk: { kelly_fraction: 1.5 } }, path: 'risk.kelly_fraction', contains: 'must be in (0, 1] — got 1.5; 0.25 (quarter Kelly)' },
    { name: 'kelly_fraction = 0', patch: { risk: { kelly_fraction: 0 } }, path: 'risk.kelly_fraction', contains: 'got 0' },
    { name: 'negative limit', patch: { risk: { max_daily_loss: -5 } }, path: 'risk.max_daily_loss', contains: 'must be greater than 0 — got -5' },
    { name: 'negative min trade size', patch: { risk: { min_trade_size: -1 } }, path: 'risk.min_trade_size', contains: 'at least 0' },
    { name: 'min_edge ≥ 0.5', patch: { strategies: { live_arbitrage: { min_edge: 0.5 } } }, path: 'strategies.live_arbitrage.min_edge', contains: 'in (0, 0.5)' },
    { name: 'min_edge = 0', patch: { strategies: { statistical_edge: { min_edge: 0 } } }, path: 'strategies.statistical_edge.min_edge', contains: 'in (0, 0.5)' },
    { name: 'confidence > 1', patch: { strategies: { statistical_edge: { confidence_threshold: 1.2 } } }, path: 'strategies.statistical_edge.confidence_threshold', contains: 'in [0, 1]' },
    { name: 'not a number', patch: { risk: { max_position_per_market: 'lots' } }, path: 'risk.max_position_per_market', contains: 'must be a number — got "lots"' },
    { name: 'too many decimals', patch: { risk: { max_daily_loss: 1.0000001 } }, path: 'risk.max_daily_loss', contains: 'at most 6 decimal places' },
    { name: 'unknown key (typo)', patch: { risk: { max_dayly_loss: 5 } }, path: 'risk.max_dayly_loss', contains: 'not a known setting' },
    { name: 'bad enum', patch: { logging: { level: 'LOUD' } }, path: 'logging.level', contains: 'must be one of debug, info' },
    { name: 'bad url', patch: { api: { base_url: 'ftp://x' } }, path: 'api.base_url', contains: 'http:// or https:// URL' },
    { name: 'bad ws url', patch: { api: { ws_markets_url: 'https://x' } }, path: 'api.ws_markets_url', contains: 'ws:// or wss://' },
    { name: 'spread below a tick', patch: { strategies: { market_maker: { spread: 0.005 } } }, path: 'strategies.market_maker.spread', contains: 'at least one tick' },
    { name: 'non-integer ms', patch: { strategies: { aggregator: { dedupe_window_ms: 1.5 } } }, path: 'strategies.aggregator.dedupe_window_ms', contains: 'whole number' },
    { name: 'per-market above portfolio', patch: { risk: { max_position_per_market: 600 } }, path: 'risk.max_position_per_market', contains: 'must not exceed risk.max_portfolio_exposure' },
    { name: 'paper balance zero', patch: { trading: { paper: { starting_balance: 0 } } }, path: 'trading.paper.starting_balance', contains: 'greater than 0' },
    { name: 'bad mode', patch: { trading: { mode: 'yolo' } }, path: 'trading.mode', contains: 'paper, live' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = errorOf(() => parseConfigDocuments({ base: withPatch(c.patch), env: {} }));
      const issue = e.issues.find((i) => i.path === c.path);
      expect(issue, e.message).toBeDefined();
      expect(issue!.message).toContain(c.contains);
      expect(e.message).toContain(`${c.path} `);
    });
  }

  it('a required section that is missing is named', () => {
    const base = minimal();
    delete base.risk;
    const e = errorOf(() => parseConfigDocuments({ base, env: {} }));
    expect(e.issues).toEqual([expect.objectContaining({ path: 'risk', message: expect.stringContaining('is required') })]);
  });

  it('reports every problem at once', () => {
    const e = errorOf(() => parseConfigDocuments({ base: withPatch({ risk: { kelly_fraction: 2, max_daily_loss: -1 } }), env: {} }));
    expect(e.issues.map((i) => i.path).sort()).toEqual(['risk.kelly_fraction', 'risk.max_daily_loss']);
  });

  it('never prints a secret value in an error', () => {
    const e = errorOf(() => parseConfigDocuments({ base: withPatch({ api: { private_key: 12345678901 }, trading: { mode: 'live' } }), env: {} }));
    expect(e.message).not.toContain('12345678901');
  });

  it('defaults the correlated limit to half the portfolio limit', () => {
    const c = parseConfigDocuments({ base: minimal(), env: {} });
    expect(c.risk.maxCorrelatedExposure).toBe(250_000_000);
    expect(c.api.wsPrivateUrl).toBe('wss://api.polymarket.us/v1/ws/private');
  });

  it('derives socket URLs from the seed ws_url', () => {
    const c = parseConfigDocuments({ base: withPatch({ api: { ws_url: 'ws://127.0.0.1:9999/v1/ws/' } }), env: {} });
    expect(c.api.wsMarketsUrl).toBe('ws://127.0.0.1:9999/v1/ws/markets');
    expect(c.api.wsPrivateUrl).toBe('ws://127.0.0.1:9999/v1/ws/private');
  });
});
