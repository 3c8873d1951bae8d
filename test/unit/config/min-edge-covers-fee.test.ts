/** Start-up refuses a taking strategy whose min_edge cannot cover the taker fee at the worst price (p = 0.50). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/errors.js';
import { deepMerge } from '../../../shared/config/deep-merge.js';
import { loadConfig, parseConfigDocuments } from '../../../shared/config/loader.js';

const REPO_CONFIG = join(import.meta.dirname, '../../../config');

function config(patch: unknown): unknown {
  return deepMerge(
    {
      risk: { max_position_per_market: 100, max_portfolio_exposure: 500, max_daily_loss: 50, kelly_fraction: 0.25, min_trade_size: 1 },
      strategies: {
        market_maker: { enabled: true, spread: 0.02, order_size: 10, refresh_interval: 5 },
        live_arbitrage: { enabled: true, min_edge: 0.03, max_position: 50 },
        statistical_edge: { enabled: true, min_edge: 0.05, confidence_threshold: 0.7 },
      },
    },
    patch,
  );
}

function messageOf(doc: unknown): string {
  try {
    parseConfigDocuments({ base: doc as Record<string, unknown>, env: {} });
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('min_edge must cover the taker fee', () => {
  it('refuses live_arbitrage.min_edge 0.01 naming the field, the fee at p = 0.50 and the fix', () => {
    const m = messageOf(config({ strategies: { live_arbitrage: { min_edge: 0.01 } } }));
    expect(m).toContain('strategies.live_arbitrage.min_edge');
    expect(m).toContain('0.0695 × 0.50 × 0.50 = 0.017375 USD per contract');
    expect(m).toContain('trading.fees.taker_theta');
    expect(m).toContain('Set min_edge to at least 0.017375');
  });

  it('refuses statistical_edge.min_edge one micro under the fee, accepts it at the fee', () => {
    expect(messageOf(config({ strategies: { statistical_edge: { min_edge: 0.017374 } } }))).toContain('strategies.statistical_edge.min_edge');
    expect(() => parseConfigDocuments({ base: config({ strategies: { statistical_edge: { min_edge: 0.017375 }, live_arbitrage: { min_edge: 0.017375 } } }) as Record<string, unknown>, env: {} })).not.toThrow();
  });

  it('a higher taker Θ raises the bar; an override counts for every sport or for a sport traded, not for others', () => {
    expect(messageOf(config({ trading: { fees: { taker_theta: 0.2 } } }))).toContain('0.2 × 0.50 × 0.50 = 0.05 USD per contract');
    const tt = { trading: { fees: { overrides: [{ sport: 'table_tennis', effective_from: '2026-10-01T03:59:00Z', taker_theta: 0.2 }] } } };
    expect(() => parseConfigDocuments({ base: config(tt) as Record<string, unknown>, env: {} })).not.toThrow(); // basketball only (the default sports)
    const m = messageOf(config({ ...tt, sports_data: { sports: ['basketball', 'table_tennis'] } }));
    expect(m).toContain('trading.fees.overrides[0] for table_tennis from 2026-10-01T03:59:00Z');
    expect(m).toContain('strategies.live_arbitrage.min_edge'); // 0.03 < 0.05
  });

  it('the repository configuration still loads (its min_edge values 0.03 and 0.05 cover 0.017375 and table tennis 0.025)', () => {
    const c = loadConfig({ dir: REPO_CONFIG, env: {} });
    expect(c.strategies.liveArbitrage.minEdge).toBe(30_000);
    expect(c.strategies.statisticalEdge.minEdge).toBe(50_000);
  });
});
