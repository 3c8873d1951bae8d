/**
 * Fuzz of the configuration loader: ≥ 10 000 random documents built from the repository's config.yaml
 * (values replaced by absurd ones, fields deleted, sections wrapped, `${VAR}` references, prototype-named
 * keys), in paper and live mode, with and without keys — and YAML text corrupted line by line through
 * `loadConfig`. The contract: either a ConfigError naming each problem, or an AppConfig whose limits are
 * sane (exact positive micros, Kelly in (0, 1], per-market ≤ portfolio, keys present in live mode, timer
 * values Node can honour). Never another exception, never a secret in an error message.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from '../../shared/config/errors.js';
import { loadConfig, parseConfigDocuments } from '../../shared/config/loader.js';
import type { AppConfig } from '../../shared/config/schema.js';
import { readFileSync } from 'node:fs';
import { FUZZ_RUNS, mutateJson, nastyValue } from './mutation.js';

const REPO_CONFIG = join(import.meta.dirname, '../../config');
const BASE_TEXT = readFileSync(join(REPO_CONFIG, 'config.yaml'), 'utf8');
const BASE: unknown = parse(BASE_TEXT);
const LIVE: unknown = parse(readFileSync(join(REPO_CONFIG, 'config.live.yaml'), 'utf8'));
const PAPER: unknown = parse(readFileSync(join(REPO_CONFIG, 'config.paper.yaml'), 'utf8'));

const SECRET = 'Q0FOQVJZLWNvbmZpZy1zZWNyZXQtZG8tbm90LWxlYWs=';
const OPTIC = 'optic-canary-key-7f3e9d21';
const MAX_TIMER_MS = 2_147_483_647;

const configValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyValue },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '${PM_PRIVATE_KEY}', '${MISSING_VAR}', '${MISSING_VAR:-7}', '${constructor}', '${toString:-1}', '$${X}', '${',
      1e12, 1e20, -1e12, 2 ** 31, 1e300, 0.0000001, 9_000_000_001, 'live', 'paper', 'LIVE', '*', ['*'], { x: 1 },
    ),
  },
);

const envArb = fc.record(
  { PM_API_KEY_ID: fc.constant('key-id-0001'), PM_PRIVATE_KEY: fc.constant(SECRET), OPTICODDS_API_KEY: fc.constant(OPTIC), TRADING_MODE: fc.constantFrom('live', 'paper', 'LIVE', 'yolo', ''), PAPER_STARTING_BALANCE: fc.constantFrom('1000', '-5', '1e30', 'abc') },
  { requiredKeys: [] },
);

function checkConfig(c: AppConfig): void {
  const r = c.risk;
  for (const [k, v] of Object.entries({ perMarket: r.maxPositionPerMarket, portfolio: r.maxPortfolioExposure, daily: r.maxDailyLoss, correlated: r.maxCorrelatedExposure })) {
    expect(Number.isSafeInteger(v) && v > 0, `${k} = ${v}`).toBe(true);
  }
  expect(Number.isSafeInteger(r.minTradeSize) && r.minTradeSize >= 0).toBe(true);
  expect(r.kellyFraction > 0 && r.kellyFraction <= 1).toBe(true);
  expect(r.maxPositionPerMarket).toBeLessThanOrEqual(r.maxPortfolioExposure);
  expect(r.maxCorrelatedExposure).toBeLessThanOrEqual(r.maxPortfolioExposure);
  expect(r.minTradeSize).toBeLessThanOrEqual(r.maxPositionPerMarket);
  const s = c.strategies;
  expect(Number.isSafeInteger(s.liveArbitrage.maxPosition) && s.liveArbitrage.maxPosition > 0).toBe(true);
  expect(s.marketMaker.spread > 0 && s.marketMaker.spread < 1_000_000 && s.marketMaker.spread >= c.trading.defaultTick).toBe(true);
  for (const e of [s.liveArbitrage.minEdge, s.statisticalEdge.minEdge]) expect(e > 0 && e < 500_000).toBe(true);
  expect(Number.isSafeInteger(c.trading.paper.startingBalance) && c.trading.paper.startingBalance > 0).toBe(true);
  for (const t of [c.api.requestTimeoutMs, c.api.wsSilenceTimeoutMs, c.trading.paper.orderLatencyMs, c.trading.paper.cancelLatencyMs]) {
    expect(Number.isSafeInteger(t) && t >= 0 && t <= MAX_TIMER_MS, `timer ${t}`).toBe(true);
  }
  if (c.mode === 'live') {
    expect(c.api.apiKeyId && c.api.privateKey && c.sportsData.apiKey, 'live mode without keys').toBeTruthy();
  }
  // quantity settings in hundredths of a contract, exact
  expect(Number.isSafeInteger(c.trading.defaultMinQty) && c.trading.defaultMinQty >= 1).toBe(true);
  expect(Number.isSafeInteger(s.marketMaker.maxInventory) && s.marketMaker.maxInventory >= 0).toBe(true);
  expect(c.mode).toBe(c.trading.mode);
  // a string setting never receives a JS function's source or an object's text through interpolation
  expect(JSON.stringify(c)).not.toMatch(/native code|\[object /);
}

function checkError(e: unknown): void {
  expect(e, String(e)).toBeInstanceOf(ConfigError);
  const ce = e as ConfigError;
  expect(ce.issues.length).toBeGreaterThan(0);
  for (const i of ce.issues) expect(i.message.length).toBeGreaterThan(0);
  expect(ce.message).not.toContain(SECRET);
  expect(ce.message).not.toContain(OPTIC);
}

describe('configuration under fuzzing', () => {
  it(`random documents: a sane AppConfig or a ConfigError, nothing else (${FUZZ_RUNS} documents)`, () => {
    let refused = 0;
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.array(configValue, { minLength: 1, maxLength: 5 }),
        fc.constantFrom<'paper' | 'live' | undefined>('paper', 'live', undefined),
        envArb,
        fc.boolean(),
        (seeds, values, mode, env, mutateOverlay) => {
          const base = mutateOverlay ? BASE : mutateJson(BASE, seeds, values);
          const overlays = { live: mutateOverlay ? mutateJson(LIVE, seeds, values) : LIVE, paper: PAPER };
          let c: AppConfig;
          try {
            c = parseConfigDocuments({ base, overlays, mode, env, baseFile: 'config.yaml', overlayFiles: { live: 'config.live.yaml', paper: 'config.paper.yaml' } });
          } catch (e) {
            refused++;
            checkError(e);
            return;
          }
          accepted++;
          checkConfig(c);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 4);
    expect(accepted).toBeGreaterThan(FUZZ_RUNS / 20);
  }, 240_000); // 10,000 documents: 25–50 s on a 2-core machine at load 13 (each field converts itself, even in a document refused for another field)

  it('the counterexample of 2026-12-07 (a sports list holding a mapping): a ConfigError, not a TypeError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.array(configValue, { minLength: 1, maxLength: 5 }),
        (seeds, values) => {
          try {
            parseConfigDocuments({ base: mutateJson(BASE, seeds, values), overlays: { live: LIVE, paper: PAPER }, mode: 'paper', env: {}, baseFile: 'config.yaml', overlayFiles: { live: 'config.live.yaml', paper: 'config.paper.yaml' } });
          } catch (e) {
            checkError(e);
          }
        },
      ),
      { numRuns: 1, examples: [[[1584112141], ['__proto__', '${PM_PRIVATE_KEY}']]] },
    );
  });

  it('a quantity setting too large for exact hundredths of a contract is a ConfigError naming it (found by this fuzz)', () => {
    const env = { PM_API_KEY_ID: 'key-id-0001', PM_PRIVATE_KEY: SECRET, OPTICODDS_API_KEY: OPTIC };
    const base = BASE as { trading: Record<string, unknown>; strategies: { market_maker: Record<string, unknown> } };
    for (const v of [1e20, 1e300, 9_000_000_001_000]) {
      for (const [path, doc] of [
        ['trading.default_min_qty', { ...base, trading: { ...base.trading, default_min_qty: v } }],
        ['strategies.market_maker.max_inventory', { ...base, strategies: { ...base.strategies, market_maker: { ...base.strategies.market_maker, max_inventory: v } } }],
      ] as const) {
        let err: unknown;
        try {
          parseConfigDocuments({ base: doc, overlays: { paper: PAPER }, mode: 'paper', env });
        } catch (e) {
          err = e;
        }
        checkError(err);
        expect((err as ConfigError).issues.map((i) => i.path)).toContain(path);
      }
    }
  });

  describe('YAML text corrupted line by line, through loadConfig', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-fuzz-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const lines = BASE_TEXT.split('\n');
    const corruption = fc.array(
      fc.tuple(fc.nat({ max: lines.length - 1 }), fc.nat({ max: 5 }), fc.string({ maxLength: 10 }), configValue),
      { minLength: 1, maxLength: 4 },
    );

    it(`a ConfigError (with the file named) or a sane config (${Math.round(FUZZ_RUNS / 5)} files)`, () => {
      fc.assert(
        fc.property(corruption, envArb, (ops, env) => {
          const out = [...lines];
          for (const [at, op, junk, value] of ops) {
            const line = out[at] ?? '';
            if (op === 0) out.splice(at, 1);
            else if (op === 1) out[at] = '  ' + line;
            else if (op === 2) out[at] = line.replace(/:\s.*$/, `: ${JSON.stringify(value) ?? 'null'}`);
            else if (op === 3) out[at] = line.slice(0, Math.max(0, line.length - 3)) + junk;
            else if (op === 4) out.splice(at, 0, line);
            else out[at] = line.replace(/^(\s*)/, `$1${junk}`);
          }
          writeFileSync(join(dir, 'config.yaml'), out.join('\n'));
          try {
            checkConfig(loadConfig({ dir, env }));
          } catch (e) {
            checkError(e);
          }
        }),
        { numRuns: Math.round(FUZZ_RUNS / 5) },
      );
    }, 240_000); // 2,000 YAML files through the loader: ~35 s on a quiet 2-core machine, several times that on a busy one
  });
});
