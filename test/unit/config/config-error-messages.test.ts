/**
 * Error messages of bad settings: each names the YAML path of the field and the fix. The issues of ~45 bad
 * documents are pinned to what the converter-based schema reported (fixtures/config-errors-before.json);
 * a table spells out a few in full; a property checks any bad USD amount in a few money fields.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepMerge } from '../../../shared/config/deep-merge.js';
import { ConfigError, type ConfigIssue } from '../../../shared/config/errors.js';
import { parseConfigDocuments } from '../../../shared/config/loader.js';
import { BAD_PATCHES, minimalDoc } from './fixtures/config-scenarios.js';

const BEFORE = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/config-errors-before.json'), 'utf8')) as Record<string, ConfigIssue[]>;

function errorOf(patch: unknown): ConfigError {
  try {
    parseConfigDocuments({ base: deepMerge(minimalDoc, patch), env: {} });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** Set a value at a YAML path of a patch. */
function at(path: readonly string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

describe('the same issues as before the schema became the single declaration', () => {
  it('the fixture covers every bad document', () => {
    expect(Object.keys(BEFORE).sort()).toEqual(Object.keys(BAD_PATCHES).sort());
  });

  for (const [name, patch] of Object.entries(BAD_PATCHES)) {
    if (name === 'thetaDec') continue; // below
    it(name, () => {
      expect(errorOf(patch).issues).toEqual(BEFORE[name]);
    });
  }

  it('a bad value is reported once, not again as a broken comparison (the one deliberate change)', () => {
    // taker_theta 0.12345678 has too many decimals; the converter-based schema went on to compare min_edge
    // with the fee that invalid Θ would charge. Now a cross-field check compares valid values only.
    expect(BEFORE.thetaDec!.map((i) => i.path)).toEqual(['trading.fees.taker_theta', 'strategies.live_arbitrage.min_edge']);
    expect(errorOf(BAD_PATCHES.thetaDec).issues).toEqual([BEFORE.thetaDec![0]]);
  });
});

describe('messages name the field and the fix', () => {
  const table: { patch: unknown; line: string }[] = [
    { patch: { risk: { max_daily_loss: -5 } }, line: 'risk.max_daily_loss must be greater than 0 — got -5; a positive USD amount, e.g. 50' },
    { patch: { risk: { max_position_per_market: 600 } }, line: 'risk.max_position_per_market must not exceed risk.max_portfolio_exposure (500) — got 600' },
    { patch: { risk: { min_trade_size: 100.5 } }, line: 'risk.min_trade_size must not exceed risk.max_position_per_market (100) — got 100.5; no trade could ever pass' },
    { patch: { strategies: { market_maker: { spread: 0.005 } } }, line: 'strategies.market_maker.spread must be at least one tick (trading.default_tick = 0.01) — got 0.005' },
    { patch: { strategies: { market_maker: { max_skew: 0.0001 } } }, line: 'strategies.market_maker.max_skew must be at least skew_per_contract (0.0005) — got 0.0001' },
    { patch: { trading: { fees: { taker_bps: 5 } } }, line: "trading.fees.taker_bps is retired: fees are now Θ × contracts × p × (1 − p); set trading.fees.taker_theta (venue default 0.0695) or let each market's feeCoefficient apply" },
    { patch: { sports_data: { sportsbooks: ['Pinnacle', 'No Such Book!'] } }, line: 'sports_data.sportsbooks[1] ' },
    { patch: { trading: { fees: { overrides: [{ effective_from: 'tomorrow' }] } } }, line: 'trading.fees.overrides[0].effective_from must be an ISO-8601 instant with a zone, e.g. 2026-10-01T03:59:00Z — got "tomorrow"' },
    {
      patch: { strategies: { live_arbitrage: { min_edge: 0.017374 } } },
      line:
        'strategies.live_arbitrage.min_edge must cover the taker fee it would pay — got 0.017374: at the worst price p = 0.50 the fee is 0.0695 × 0.50 × 0.50 = 0.017375 USD per contract ' +
        '(trading.fees.taker_theta); fees are Θ × p × (1 − p), docs/venue-rules.md "Fees". Set min_edge to at least 0.017375 (it is in USD per contract = probability points, e.g. 0.03)',
    },
  ];
  for (const { patch, line } of table) {
    it(line.split(' ')[0]!, () => {
      expect(errorOf(patch).message.split('\n')).toContainEqual(expect.stringContaining(`  - ${line}`));
    });
  }

  it('any bad USD amount in a money field: one issue, at its path, echoing the value, never a config', () => {
    const fields = [
      ['risk', 'max_daily_loss'],
      ['trading', 'paper', 'starting_balance'],
      ['strategies', 'market_maker', 'order_size'],
      ['strategies', 'live_arbitrage', 'max_position'],
      ['strategies', 'statistical_edge', 'order_size'],
    ] as const;
    const bad = fc.oneof(
      fc.double({ min: -1e9, max: 0, noNaN: true }).map((v) => ({ v, says: /^must be greater than 0 — got / })),
      fc.integer({ min: 1, max: 1_000_000 }).map((n) => ({ v: n + 0.0000005, says: /^must have at most 6 decimal places — got / })),
      fc.stringMatching(/^[a-z]{1,8}$/).map((v) => ({ v, says: /^must be a number — got "/ })),
      fc.constantFrom(true, [1], { usd: 1 }).map((v) => ({ v, says: /^must be a number — got / })),
    );
    fc.assert(
      fc.property(fc.constantFrom(...fields), bad, (path, { v, says }) => {
        const e = errorOf(at(path, v));
        expect(e.issues).toHaveLength(1);
        expect(e.issues[0]!.path).toBe(path.join('.'));
        expect(e.issues[0]!.message).toMatch(says);
      }),
      { numRuns: 200 },
    );
  });
});
