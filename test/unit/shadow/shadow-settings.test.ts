/**
 * Shadow mode's settings: the SSM trading-mode parameter, the configuration (mode, overlays, keys,
 * trading.paper.queue_ahead_fraction) and the --paper-params file a backtest takes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidSettingError } from '../../../shared/aws/errors.js';
import { MemoryParameterStore, readTradingMode } from '../../../shared/aws/parameter-store.js';
import { ConfigError } from '../../../shared/config/errors.js';
import { loadConfig, overlayFileNames } from '../../../shared/config/loader.js';
import { tradingAccount } from '../../../shared/config/schema.js';
import { loadBacktestConfig } from '../../../shared/backtest/backtest-config.js';
import { PaperParamsError, paperParamsOverrides, readPaperParamsFile } from '../../../shared/shadow/paper-params-file.js';

const REPO_CONFIG = join(import.meta.dirname, '../../../config');
const KEYS = { PM_API_KEY_ID: 'key-id-123456', PM_PRIVATE_KEY: 'c2VjcmV0LXNlZWQtYnl0ZXM=', OPTICODDS_API_KEY: 'optic-key-abcdef' };
const tmp = mkdtempSync(join(tmpdir(), 'shadow-settings-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the trading-mode parameter', () => {
  it('accepts paper, live and shadow (trimmed), and refuses anything else naming the allowed values', async () => {
    const store = new MemoryParameterStore({ a: 'shadow', b: ' shadow\n', c: 'Shadow', d: 'shadowy' });
    expect(await readTradingMode(store, 'a')).toBe('shadow');
    expect(await readTradingMode(store, 'b')).toBe('shadow');
    for (const name of ['c', 'd']) {
      const err = await readTradingMode(store, name).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidSettingError);
      expect((err as Error).message).toContain('paper|live|shadow');
    }
  });

  it('shadow trades the live account', () => {
    expect(tradingAccount('shadow')).toBe('live');
    expect(tradingAccount('live')).toBe('live');
    expect(tradingAccount('paper')).toBe('paper');
  });
});

describe('the configuration in shadow mode', () => {
  it('takes the paper overlay (the paper model) and the live overlay (keys)', () => {
    expect(overlayFileNames('shadow')).toEqual(['config.paper.yaml', 'config.live.yaml', 'config.shadow.yaml']);
    const c = loadConfig({ dir: REPO_CONFIG, env: KEYS, mode: 'shadow' });
    expect(c.mode).toBe('shadow');
    expect(c.api.apiKeyId).toBe('key-id-123456');
    expect(c.logging.file).toBeUndefined(); // the live overlay's null
    expect(c.trading.paper.orderLatencyMs).toBe(50);
    expect(c.trading.paper.queueAheadFraction).toBe(1);
  });

  it('needs the keys, as live does, and says so for shadow', () => {
    let err: unknown;
    try {
      loadConfig({ dir: REPO_CONFIG, env: {}, mode: 'shadow' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['api.api_key_id', 'api.private_key', 'sports_data.api_key']));
    expect(issues.find((i) => i.path === 'api.private_key')?.message).toContain('PM_PRIVATE_KEY');
    // set but empty: the schema's own check, naming the mode
    let empty: unknown;
    try {
      loadConfig({ dir: REPO_CONFIG, env: { ...KEYS, PM_PRIVATE_KEY: '' }, mode: 'shadow' });
    } catch (e) {
      empty = e;
    }
    expect((empty as ConfigError).issues).toEqual([expect.objectContaining({ path: 'api.private_key', message: expect.stringContaining('required in shadow mode') })]);
  });

  it('trading.paper.queue_ahead_fraction is a share from 0 to 1, named when out of range', () => {
    expect(loadBacktestConfig(REPO_CONFIG, { 'trading.paper.queue_ahead_fraction': 0.25 }).trading.paper.queueAheadFraction).toBe(0.25);
    let err: unknown;
    try {
      loadBacktestConfig(REPO_CONFIG, { 'trading.paper.queue_ahead_fraction': 1.5 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]?.path).toBe('trading.paper.queue_ahead_fraction');
  });
});

describe('--paper-params files', () => {
  const suggested = { order_latency_ms: 80, cancel_latency_ms: 60, market_data_delay_ms: 0, queue_ahead_fraction: 0.5 };
  const expected = {
    'trading.paper.order_latency_ms': 80,
    'trading.paper.cancel_latency_ms': 60,
    'trading.paper.market_data_delay_ms': 0,
    'trading.paper.queue_ahead_fraction': 0.5,
  };

  it('a report summary with a shadow panel, a panel, a trading.paper fragment, or the bare keys', () => {
    expect(paperParamsOverrides({ title: 'x', shadow: { suggestedPaperParams: suggested } }, 'f')).toEqual(expected);
    expect(paperParamsOverrides({ suggestedPaperParams: suggested }, 'f')).toEqual(expected);
    expect(paperParamsOverrides({ trading: { paper: suggested } }, 'f')).toEqual(expected);
    expect(paperParamsOverrides(suggested, 'f')).toEqual(expected);
    const file = join(tmp, 'panel.json');
    writeFileSync(file, JSON.stringify({ shadow: { suggestedPaperParams: suggested } }));
    expect(readPaperParamsFile(file)).toEqual(expected);
    // and the backtest configuration takes them
    const c = loadBacktestConfig(REPO_CONFIG, readPaperParamsFile(file));
    expect(c.trading.paper).toMatchObject({ orderLatencyMs: 80, cancelLatencyMs: 60, queueAheadFraction: 0.5 });
  });

  it('refuses, naming what is wrong: no parameters, an unknown key, a non-number, unreadable or not JSON', () => {
    const msg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PaperParamsError);
        return (e as Error).message;
      }
      throw new Error('expected a PaperParamsError');
    };
    expect(msg(() => paperParamsOverrides({ title: 'a report without shadow' }, 'r.json'))).toContain('no paper parameters found');
    expect(msg(() => paperParamsOverrides({ trading: { paper: { starting_balance: 5 } } }, 'r.json'))).toContain('trading.paper.starting_balance is not a paper model parameter');
    expect(msg(() => paperParamsOverrides({ suggestedPaperParams: { order_latency_ms: '80' } }, 'r.json'))).toContain('suggestedPaperParams.order_latency_ms must be a number');
    expect(msg(() => readPaperParamsFile(join(tmp, 'missing.json')))).toContain('cannot be read');
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{nope');
    expect(msg(() => readPaperParamsFile(bad))).toContain('not JSON');
  });
});
