/**
 * AppConfig is the schema's output type, and the schema converts each field itself: the repository's YAML
 * (paper and live), a document relying on every default, one setting every optional field, and an empty aws
 * section must parse into exactly the AppConfig the hand-written converter produced before (captured in
 * fixtures/app-config-before.json, with the recording digest of each), and no money may stay a float.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { loadConfig, parseConfigDocuments } from '../../../shared/config/loader.js';
import type { AppConfig, MarketMakerConfig } from '../../../shared/config/schema.js';
import { deepMerge } from '../../../shared/config/deep-merge.js';
import type { FeeSchedule } from '../../../shared/domain/fees.js';
import type { WeeklyWindow } from '../../../shared/domain/maintenance-calendar.js';
import { configDigest } from '../../../shared/recording/record-format.js';
import { LIVE_ENV, emptyAwsDoc, everyOptionalDoc, minimalDoc } from './fixtures/config-scenarios.js';

const REPO_CONFIG = join(import.meta.dirname, '../../../config');
const BEFORE = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/app-config-before.json'), 'utf8')) as Record<string, { config: unknown; digest: string }>;

/**
 * What changed since the capture, and only that: the two quantity settings were whole contracts and the
 * engine's Qty is hundredths (shared/domain/quantity.ts); `trading.paper.market_data_delay_ms` (default 0) and
 * `trading.paper.queue_ahead_fraction` (default 1) are new.
 */
function inHundredths(config: unknown): unknown {
  const c = structuredClone(config) as {
    trading: { defaultMinQty: number; paper: Record<string, unknown> };
    strategies: { marketMaker: { maxInventory: number } };
  };
  c.trading.defaultMinQty *= 100;
  c.strategies.marketMaker.maxInventory *= 100;
  c.trading.paper = { ...c.trading.paper, marketDataDelayMs: 0, queueAheadFraction: 1 };
  return c;
}

const scenarios: Record<string, () => AppConfig> = {
  'repo paper': () => loadConfig({ dir: REPO_CONFIG, env: {} }),
  'repo live': () => loadConfig({ dir: REPO_CONFIG, env: LIVE_ENV }),
  minimal: () => parseConfigDocuments({ base: minimalDoc, env: {} }),
  'every optional': () => parseConfigDocuments({ base: everyOptionalDoc, env: {} }),
  'empty aws': () => parseConfigDocuments({ base: emptyAwsDoc, env: {} }),
};

/** Every number under a money or price key of the config, with its path. */
function moneyValues(value: unknown, path = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const p = `${path}.${k}`;
    if (typeof v === 'object') return moneyValues(v, p);
    return typeof v === 'number' && /(position|exposure|loss|size|balance|spread|skew|tick|edge|ppm)/i.test(k) ? [[p, v] as [string, unknown]] : [];
  });
}

describe('AppConfig round-trip against the converter-based schema', () => {
  it('the fixture covers every scenario', () => {
    expect(Object.keys(BEFORE).sort()).toEqual(Object.keys(scenarios).sort());
  });

  for (const [name, load] of Object.entries(scenarios)) {
    it(`${name}: the same values and the same recording digest`, () => {
      const c = load();
      // JSON drops keys whose value is undefined, as the capture did (the old converter wrote them explicitly)
      const before = inHundredths(BEFORE[name]!.config);
      expect(JSON.parse(JSON.stringify(c))).toEqual(before);
      expect(configDigest(c)).toBe(configDigest(before as AppConfig));
      // The digest is of the values: the captured one is that of the whole-contract values.
      expect(configDigest(BEFORE[name]!.config as AppConfig)).toBe(BEFORE[name]!.digest);
      const money = moneyValues(c);
      expect(money.length).toBeGreaterThanOrEqual(15);
      for (const [p, v] of money) expect(Number.isSafeInteger(v), `${p} = ${String(v)}`).toBe(true);
      expect(c.mode).toBe(c.trading.mode);
    });
  }
});

describe('money is exact integer micros for any USD amount the schema accepts', () => {
  const amount = fc.integer({ min: 1, max: 1_000_000_000_000_000 }).map((micros) => ({ micros, usd: Number((micros / 1e6).toFixed(6)) }));
  it('risk limits and strategy sizes', () => {
    fc.assert(
      fc.property(amount, amount, ({ micros: a, usd: ua }, { micros: b, usd: ub }) => {
        const [lo, hi] = a <= b ? [ua, ub] : [ub, ua];
        const c = parseConfigDocuments({
          base: deepMerge(minimalDoc, {
            risk: { max_position_per_market: lo, max_portfolio_exposure: hi, max_daily_loss: lo, min_trade_size: 0 },
            strategies: { market_maker: { order_size: hi }, statistical_edge: { order_size: lo } },
          }),
          env: {},
        });
        expect(c.risk.maxPositionPerMarket).toBe(Math.min(a, b));
        expect(c.risk.maxPortfolioExposure).toBe(Math.max(a, b));
        expect(c.risk.maxCorrelatedExposure).toBe(Math.floor(Math.max(a, b) / 2));
        expect(c.strategies.marketMaker.orderSize).toBe(Math.max(a, b));
        expect(c.strategies.statisticalEdge.orderSize).toBe(Math.min(a, b));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the types come from the schema', () => {
  it('AppConfig has the engine units and the domain shapes', () => {
    expectTypeOf<AppConfig['risk']['maxDailyLoss']>().toEqualTypeOf<number>();
    expectTypeOf<AppConfig['strategies']['marketMaker']['refreshIntervalMs']>().toEqualTypeOf<number>();
    expectTypeOf<AppConfig['strategies']['marketMaker']['maxPosition']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<AppConfig['trading']['fees']>().toEqualTypeOf<FeeSchedule>();
    expectTypeOf<AppConfig['trading']['maintenance']>().toEqualTypeOf<WeeklyWindow | null>();
    expectTypeOf<AppConfig['mode']>().toEqualTypeOf<'paper' | 'live' | 'shadow'>();
    expectTypeOf<AppConfig['sportsData']['oddsExpireAfterMs']>().toEqualTypeOf<number | null>();
    expectTypeOf<AppConfig['aws']>().toEqualTypeOf<
      | {
          region?: string | undefined;
          tables: { orders?: string | undefined; fills?: string | undefined; positions?: string | undefined; riskDay?: string | undefined; odds?: string | undefined };
          queues: { oddsUpdatesUrl?: string | undefined; controlUrl?: string | undefined; deadLetterUrl?: string | undefined };
          ssm: { tradingModeParam?: string | undefined; killSwitchParam?: string | undefined };
          secrets: { exchangeKeySecretId?: string | undefined; dataProviderKeySecretId?: string | undefined };
          alertsTopicArn?: string | undefined;
        }
      | undefined
    >();
    // a hand-built market maker may leave the quote lifetime out; the loaded one always has it
    expectTypeOf<MarketMakerConfig['quoteLifetimeMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<AppConfig['strategies']['marketMaker']['quoteLifetimeMs']>().toEqualTypeOf<number>();
  });
});
