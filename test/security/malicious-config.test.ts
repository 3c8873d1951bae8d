/**
 * Malicious or broken configuration is refused with a clear message naming the field (what test/unit/config
 * does not already cover), plus the regressions of the bugs the config fuzzer found: amounts past the exact
 * range of micros threw a bare MoneyFormatError, timer values past 2^31 − 1 ms (which Node fires at once)
 * were accepted, a min_edge below a micro became a zero edge, `${constructor}` resolved to Object's source,
 * and an error message could echo a secret.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config/errors.js';
import { parseConfigDocuments } from '../../shared/config/loader.js';
import { deepMerge } from '../../shared/config/deep-merge.js';

function minimal(): Record<string, unknown> {
  return {
    risk: { max_position_per_market: 100, max_portfolio_exposure: 500, max_daily_loss: 50, kelly_fraction: 0.25, min_trade_size: 1 },
    strategies: {
      market_maker: { enabled: true, spread: 0.02, order_size: 10, refresh_interval: 5 },
      live_arbitrage: { enabled: true, min_edge: 0.03, max_position: 50 },
      statistical_edge: { enabled: true, min_edge: 0.05, confidence_threshold: 0.7 },
    },
  };
}

function refusal(patch: unknown, opts: { mode?: 'paper' | 'live'; env?: Record<string, string> } = {}): ConfigError {
  try {
    parseConfigDocuments({ base: deepMerge(minimal(), patch), env: opts.env ?? {}, mode: opts.mode });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw new Error(`expected a ConfigError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  throw new Error('expected the configuration to be refused');
}

const KEYS = { api: { api_key_id: 'key-id-0001', private_key: 'c2VlZC1zZWVkLXNlZWQtc2VlZC1zZWVkLXNlZWQtMTI=' }, sports_data: { api_key: 'optic-key-000001' } };

describe('absurd and hostile values are refused, naming the field and the fix', () => {
  const cases: { name: string; patch: unknown; path: string; contains: string; mode?: 'live' }[] = [
    { name: 'per-market limit past the exact micros range', patch: { risk: { max_position_per_market: 1e12, max_portfolio_exposure: 2e12 } }, path: 'risk.max_portfolio_exposure', contains: 'at most 9000000000 USD' },
    { name: 'daily loss of 1e20', patch: { risk: { max_daily_loss: 1e20 } }, path: 'risk.max_daily_loss', contains: 'at most 9000000000 USD' },
    { name: 'a negative strategy position cap', patch: { strategies: { live_arbitrage: { max_position: -50 } } }, path: 'strategies.live_arbitrage.max_position', contains: 'greater than 0' },
    { name: 'kelly_fraction as "Infinity"', patch: { risk: { kelly_fraction: 'Infinity' } }, path: 'risk.kelly_fraction', contains: 'must be' },
    { name: 'kelly_fraction NaN (YAML .nan)', patch: { risk: { kelly_fraction: Number.NaN } }, path: 'risk.kelly_fraction', contains: 'must be a number' },
    { name: 'a limit given as a list', patch: { risk: { max_daily_loss: [50] } }, path: 'risk.max_daily_loss', contains: 'must be a number' },
    { name: 'a limit given as true', patch: { risk: { max_position_per_market: true } }, path: 'risk.max_position_per_market', contains: 'must be a number' },
    { name: 'correlated limit above the portfolio', patch: { risk: { max_correlated_exposure: 600 } }, path: 'risk.max_correlated_exposure', contains: 'must not exceed risk.max_portfolio_exposure' },
    { name: 'min trade size above the per-market limit', patch: { risk: { min_trade_size: 150 } }, path: 'risk.min_trade_size', contains: 'no trade could ever pass' },
    { name: 'a taker fee coefficient of 100 % or more', patch: { trading: { fees: { taker_theta: 2 } } }, path: 'trading.fees.taker_theta', contains: 'in [0, 1)' },
    { name: 'the retired bps fee schedule', patch: { trading: { fees: { taker_bps: 30 } } }, path: 'trading.fees.taker_bps', contains: 'taker_theta' },
    { name: 'a fee override with no zone', patch: { trading: { fees: { overrides: [{ effective_from: '2026-10-01 03:59', taker_theta: 0.1 }] } } }, path: 'trading.fees.overrides[0].effective_from', contains: 'ISO-8601' },
    { name: 'negative inventory', patch: { strategies: { market_maker: { max_inventory: -1 } } }, path: 'strategies.market_maker.max_inventory', contains: 'in [0, 90000000]' },
    { name: 'live-arbitrage confidence above 1', patch: { strategies: { live_arbitrage: { confidence: 1.5 } } }, path: 'strategies.live_arbitrage.confidence', contains: 'in (0, 1]' },
    { name: 'min_edge below one micro (was a zero edge)', patch: { strategies: { live_arbitrage: { min_edge: 0.0000004 } } }, path: 'strategies.live_arbitrage.min_edge', contains: 'at most 6 decimal places' },
    { name: 'request timeout past Node timers (fires at once)', patch: { api: { request_timeout_ms: 2 ** 31 } }, path: 'api.request_timeout_ms', contains: 'in [1, 2147483647]' },
    { name: 'socket silence past Node timers', patch: { api: { ws_silence_timeout_ms: 1e15 } }, path: 'api.ws_silence_timeout_ms', contains: '2147483647' },
    { name: 'a tick of a whole dollar', patch: { trading: { default_tick: 1 } }, path: 'trading.default_tick', contains: 'in (0, 1)' },
    { name: 'a key named like Object.prototype', patch: { risk: { constructor: 5 } }, path: 'risk.constructor', contains: 'not a known setting' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = refusal(c.patch, { mode: c.mode });
      const issue = e.issues.find((i) => i.path === c.path);
      expect(issue, e.message).toBeDefined();
      expect(issue!.message).toContain(c.contains);
    });
  }

  it('${constructor} is an unset variable, not Object\'s source text', () => {
    const e = refusal({ api: { api_key_id: '${constructor}' } });
    expect(e.issues).toEqual([expect.objectContaining({ path: 'api.api_key_id', message: expect.stringContaining('${constructor}, which is not set') })]);
  });

  it('live mode is refused with each missing key named, and accepted with all three', () => {
    const e = refusal({ api: { api_key_id: 'key-id-0001' } }, { mode: 'live' });
    expect(e.issues.map((i) => i.path).sort()).toEqual(['api.private_key', 'sports_data.api_key']);
    expect(parseConfigDocuments({ base: deepMerge(minimal(), KEYS), env: {}, mode: 'live' }).mode).toBe('live');
  });
});

describe('an error message never echoes a secret', () => {
  it('a section that is not a mapping (its input was echoed whole)', () => {
    const secret = 'U0VDUkVULWVjaG9lZC1ieS1hLWxpc3Qtc2VjdGlvbi0x';
    const e = refusal({ api: [{ private_key: secret }] });
    expect(e.issues.find((i) => i.path === 'api')).toBeDefined();
    expect(e.message).not.toContain(secret);
    expect(JSON.stringify(e.issues)).not.toContain(secret);
  });

  it('a secret variable referenced by a non-secret field', () => {
    const secret = 'U0VDUkVULWluLWEtdXJsLWZpZWxkLWRvLW5vdC1sZWFr';
    const e = refusal({ api: { base_url: '${PM_PRIVATE_KEY}' } }, { env: { PM_PRIVATE_KEY: secret } });
    expect(e.issues.find((i) => i.path === 'api.base_url')).toBeDefined();
    expect(e.message).not.toContain(secret);
  });

  it('an invalid secret-named value of the wrong type', () => {
    const secret = 'sports-key-that-must-not-leak-42';
    const e = refusal({ sports_data: { api_key: [secret] } });
    expect(e.issues.find((i) => i.path.startsWith('sports_data.api_key'))).toBeDefined();
    expect(e.message).not.toContain(secret);
  });
});
