import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/errors.js';
import { loadConfig, parseConfigDocuments } from '../../../shared/config/loader.js';
import { deepMerge } from '../../../shared/config/deep-merge.js';

const REPO_CONFIG = join(import.meta.dirname, '../../../config');
const base = {
  risk: { max_position_per_market: 100, max_portfolio_exposure: 500, max_daily_loss: 50, kelly_fraction: 0.25, min_trade_size: 1 },
  strategies: {
    market_maker: { enabled: true, spread: 0.02, order_size: 10, refresh_interval: 5 },
    live_arbitrage: { enabled: true, min_edge: 0.03, max_position: 50 },
    statistical_edge: { enabled: true, min_edge: 0.05, confidence_threshold: 0.7 },
  },
};
const parse = (maintenance: unknown) => parseConfigDocuments({ base: deepMerge(base, { trading: { maintenance } }), env: {} });
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('trading.maintenance', () => {
  it('defaults to the venue\'s Thursday 02:00–06:00 America/New_York, and the repository config says so', () => {
    const expected = { weekday: 4, startMinute: 120, endMinute: 360, timeZone: 'America/New_York' };
    expect(parse(undefined).trading.maintenance).toEqual(expected);
    expect(loadConfig({ dir: REPO_CONFIG, env: {} }).trading.maintenance).toEqual(expected);
  });

  it('takes another window, or none', () => {
    expect(parse({ weekday: 'Sunday', start: '01:00', end: '24:00', time_zone: 'UTC' }).trading.maintenance).toEqual({ weekday: 0, startMinute: 60, endMinute: 1440, timeZone: 'UTC' });
    expect(parse({ enabled: false }).trading.maintenance).toBeNull();
  });

  it('refuses a bad window, naming the field and the fix', () => {
    expect(messageOf(() => parse({ start: '2am' }))).toMatch(/trading\.maintenance\.start.*HH:MM/);
    expect(messageOf(() => parse({ start: '06:00', end: '02:00' }))).toMatch(/trading\.maintenance\.end.*after start/);
    expect(messageOf(() => parse({ time_zone: 'Eastern' }))).toMatch(/trading\.maintenance\.time_zone.*IANA/);
    expect(messageOf(() => parse({ weekday: 'thurs' }))).toMatch(/trading\.maintenance\.weekday.*thursday/);
  });
});
