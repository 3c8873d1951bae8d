/**
 * The configuration of a backtest: the same YAML stack as a local paper session (config.yaml +
 * config.paper.yaml + config.local.yaml when present) from a folder, or a single YAML file on top of
 * config.yaml, plus overrides given as config paths (`strategies.market_maker.spread=0.03`, or a short
 * alias). Overrides are applied to the YAML documents and validated like any configuration, so units and
 * limits are the schema's (0.03 is USD of price, as in config.yaml).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { deepMerge } from '../config/deep-merge.js';
import { parseConfigDocuments } from '../config/loader.js';
import type { AppConfig } from '../config/schema.js';

/** Short names for the settings people sweep most. */
export const SWEEP_ALIASES: Readonly<Record<string, string>> = {
  spread: 'strategies.market_maker.spread',
  mm_size: 'strategies.market_maker.order_size',
  skew: 'strategies.market_maker.skew_per_contract',
  consensus_weight: 'strategies.market_maker.consensus_weight',
  arb_edge: 'strategies.live_arbitrage.min_edge',
  arb_max: 'strategies.live_arbitrage.max_position',
  edge: 'strategies.statistical_edge.min_edge',
  edge_size: 'strategies.statistical_edge.order_size',
  kelly: 'risk.kelly_fraction',
  max_market: 'risk.max_position_per_market',
  max_portfolio: 'risk.max_portfolio_exposure',
  max_loss: 'risk.max_daily_loss',
  latency: 'trading.paper.order_latency_ms',
  balance: 'trading.paper.starting_balance',
};

export type OverrideValue = string | number | boolean;

export function resolveConfigPath(key: string): string {
  return SWEEP_ALIASES[key] ?? key;
}

/** "0.02" → 0.02, "true" → true, anything else stays a string. */
export function parseOverrideValue(text: string): OverrideValue {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

/** `{ 'a.b.c': 1 }` → `{ a: { b: { c: 1 } } }`. */
export function overridesToDocument(overrides: Readonly<Record<string, OverrideValue>>): Record<string, unknown> {
  let doc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const parts = resolveConfigPath(key).split('.');
    let leaf: unknown = value;
    for (let i = parts.length - 1; i >= 0; i--) leaf = { [parts[i] as string]: leaf };
    doc = deepMerge(doc, leaf) as Record<string, unknown>;
  }
  return doc;
}

const readYaml = (file: string): unknown => parse(readFileSync(file, 'utf8')) ?? {};

/** A configuration source's YAML documents before overrides: the base and the overlays merged over it. */
export interface BacktestConfigDocuments {
  base: unknown;
  overlay: unknown;
}

/** The files a configuration source may read, present or not (what a cache of its documents depends on). */
export function backtestConfigFiles(source: string): string[] {
  if (statSync(source).isDirectory()) return ['config.yaml', 'config.paper.yaml', 'config.local.yaml'].map((name) => join(source, name));
  return [join(dirname(source), 'config.yaml'), source];
}

/**
 * Reads a configuration source: a folder (the session stack) or a YAML file (merged over the config.yaml
 * found beside it, if any).
 */
export function readBacktestConfigDocuments(source: string): BacktestConfigDocuments {
  let base: unknown;
  let overlay: unknown = {};
  if (statSync(source).isDirectory()) {
    base = readYaml(join(source, 'config.yaml'));
    for (const name of ['config.paper.yaml', 'config.local.yaml']) {
      const f = join(source, name);
      if (existsSync(f)) overlay = deepMerge(overlay, readYaml(f));
    }
  } else {
    const beside = join(dirname(source), 'config.yaml');
    base = existsSync(beside) && beside !== source ? readYaml(beside) : {};
    overlay = readYaml(source);
  }
  return { base, overlay };
}

/** The backtest configuration from a source's documents and the overrides (the documents are not changed). */
export function backtestConfigFromDocuments(documents: BacktestConfigDocuments, overrides: Readonly<Record<string, OverrideValue>> = {}, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const overlay = deepMerge(documents.overlay, overridesToDocument(overrides));
  // Throws ConfigError listing every problem (an override with a bad value included).
  return parseConfigDocuments({
    base: documents.base,
    overlays: { paper: overlay },
    overlayFiles: { paper: 'overlays + overrides' },
    baseFile: 'config.yaml',
    mode: 'paper',
    env,
  });
}

/**
 * Loads the backtest configuration. `source` is a folder (the session stack) or a YAML file (merged over
 * the config.yaml found beside it, if any). Always paper mode; endpoints and keys are irrelevant offline.
 */
export function loadBacktestConfig(source: string, overrides: Readonly<Record<string, OverrideValue>> = {}, env: NodeJS.ProcessEnv = process.env): AppConfig {
  return backtestConfigFromDocuments(readBacktestConfigDocuments(source), overrides, env);
}
