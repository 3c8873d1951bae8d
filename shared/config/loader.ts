/**
 * Loads the configuration: `config.yaml`, deep-merged with the overlay of the mode (`config.paper.yaml` or
 * `config.live.yaml`), `${ENV}` / `${ENV:-default}` interpolated, validated against the schema, converted to
 * engine units. Every problem found is reported at once in one `ConfigError`, each naming the field path and
 * the fix; start-up must stop on it. Secret values are registered with the logger's masker and never appear
 * in an error message.
 *
 * The mode is, in order: the `mode` option (the composition root reads it from the SSM parameter or the CLI),
 * else `trading.mode` of config.yaml (which may itself be `${TRADING_MODE:-paper}`), else `paper`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { registerSecret } from '../observability/logger.js';
import { deepMerge, isPlainObject } from './deep-merge.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { interpolateEnv, type Env } from './interpolate.js';
import { appConfigSchema, TRADING_MODES, type AppConfig, type TradingMode } from './schema.js';

export interface LoadConfigOptions {
  /** Folder holding config.yaml and the overlays. */
  dir: string;
  mode?: TradingMode;
  /** Environment for interpolation; defaults to process.env. */
  env?: Env;
}

export interface ConfigDocuments {
  base: unknown;
  /** Overlays by mode; the one for the chosen mode is applied. */
  overlays?: Partial<Record<TradingMode, unknown>>;
  mode?: TradingMode;
  env: Env;
  /** File names, for error messages. */
  baseFile?: string;
  overlayFiles?: Partial<Record<TradingMode, string>>;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function hasPath(doc: unknown, dotted: string): boolean {
  let cur: unknown = doc;
  for (const key of dotted.split('.')) {
    if (!isPlainObject(cur) || !(key.replace(/\[\d+\]$/, '') in cur)) return false;
    cur = cur[key.replace(/\[\d+\]$/, '')];
  }
  return true;
}

/** Settings that no longer mean anything, and what replaced them: refused with that message. */
const RETIRED_SETTINGS: Record<string, string> = {
  'trading.fees.taker_bps':
    'is retired: fees are now Θ × contracts × p × (1 − p); set trading.fees.taker_theta (venue default 0.0695) or let each market\'s feeCoefficient apply',
  'trading.fees.maker_rebate_bps': 'is retired: the maker rebate is Θ × contracts × p × (1 − p); set trading.fees.maker_theta (venue default 0.0125)',
  'trading.fees.rounding_unit': 'is retired: every fill is rounded to the cent, half to even, as the venue does; remove it',
  'trading.fees.minimum': 'is retired: the venue charges no minimum fee; remove it',
};

function zodIssueToConfigIssues(issue: $ZodIssue): ConfigIssue[] {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => {
      const full = path ? `${path}.${k}` : k;
      return {
        path: full,
        message: Object.hasOwn(RETIRED_SETTINGS, full)
          ? RETIRED_SETTINGS[full]!
          : 'is not a known setting; check the spelling (unknown keys are refused so that a typo cannot disable a limit)',
      };
    });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [{ path, message: `is required (expected ${issue.expected})` }];
  }
  if (issue.code === 'invalid_type' && issue.expected === 'object') {
    return [{ path, message: `must be a mapping of settings — got ${JSON.stringify(issue.input)}` }];
  }
  return [{ path, message: issue.message }];
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ path: '', file, message: `YAML syntax error: ${e.message.split('\n')[0]}` })),
      `cannot parse ${file}`,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // e.g. an alias whose anchor is not set (`*name`): the parser accepts it, building the value does not
    throw new ConfigError([{ path: '', file, message: `YAML error: ${(err as Error).message.split('\n')[0]}` }], `cannot parse ${file}`);
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) throw new ConfigError([{ path: '', file, message: 'the document must be a mapping of sections' }], `cannot parse ${file}`);
  return value;
}

function resolveMode(documents: ConfigDocuments, issues: ConfigIssue[]): TradingMode | undefined {
  if (documents.mode) return documents.mode;
  const base = documents.base;
  const raw = isPlainObject(base) && isPlainObject(base.trading) ? base.trading.mode : undefined;
  if (raw === undefined || raw === null) return 'paper';
  const value = interpolateEnv(raw, documents.env, issues, documents.baseFile, 'trading.mode');
  const mode = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if ((TRADING_MODES as readonly unknown[]).includes(mode)) return mode as TradingMode;
  if (mode === '' || mode === undefined) return 'paper';
  issues.push({ path: 'trading.mode', file: documents.baseFile, message: `must be one of ${TRADING_MODES.join(', ')} — got ${JSON.stringify(mode)}` });
  return undefined;
}

const SECRET_NAME = /(secret|private_?key|password|api_?key|token)/i;

/** Registers, for masking, the values of secret-named settings and of secret-named environment variables. */
function registerSecretsOf(doc: unknown, env: Env, depth = 0): void {
  if (depth === 0) for (const [k, v] of Object.entries(env)) if (SECRET_NAME.test(k)) registerSecret(v);
  if (depth > 8 || doc === null || typeof doc !== 'object') return;
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v === 'string' && SECRET_NAME.test(k)) registerSecret(v);
    else registerSecretsOf(v, env, depth + 1);
  }
}

/** Validates already-parsed documents. Throws ConfigError listing every problem. */
export function parseConfigDocuments(documents: ConfigDocuments): AppConfig {
  const issues: ConfigIssue[] = [];
  const mode = resolveMode(documents, issues);
  if (!mode) throw new ConfigError(issues);

  const overlay = documents.overlays?.[mode];
  const overlayFile = documents.overlayFiles?.[mode];
  if (isPlainObject(overlay) && isPlainObject(overlay.trading) && overlay.trading.mode !== undefined) {
    const om = String(overlay.trading.mode).toLowerCase();
    if (om !== mode) {
      issues.push({ path: 'trading.mode', file: overlayFile, message: `says ${JSON.stringify(om)} in the ${mode} overlay; remove it or make it ${mode}` });
    }
  }
  let merged = deepMerge(documents.base ?? {}, overlay ?? {});
  merged = deepMerge(merged, { trading: { mode } });

  const interpolationIssues: ConfigIssue[] = [];
  const interpolated = interpolateEnv(merged, documents.env, interpolationIssues);
  for (const i of interpolationIssues) {
    issues.push({ ...i, file: overlay !== undefined && hasPath(overlay, i.path) ? overlayFile : documents.baseFile });
  }

  // Secrets are registered BEFORE validation: an error message may echo a value that holds one.
  registerSecretsOf(interpolated, documents.env);
  const result = appConfigSchema().safeParse(interpolated, { reportInput: true });
  if (!result.success) {
    const seen = new Set(issues.map((i) => i.path));
    for (const zi of result.error.issues) {
      for (const ci of zodIssueToConfigIssues(zi)) {
        // A field whose ${VAR} was missing is already reported; don't add a confusing type error on top.
        if (!seen.has(ci.path)) issues.push(ci);
      }
    }
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);

  const config: AppConfig = result.data;
  registerSecret(config.api.privateKey);
  registerSecret(config.api.apiKeyId);
  registerSecret(config.sportsData.apiKey);
  return config;
}

/**
 * The overlay files of a mode, merged in this order: shadow trades live with a paper exchange beside it, so it
 * takes the paper overlay (the paper exchange's model), then the live overlay (keys), then its own if present.
 */
export function overlayFileNames(mode: TradingMode): string[] {
  return mode === 'shadow' ? ['config.paper.yaml', 'config.live.yaml', 'config.shadow.yaml'] : [`config.${mode}.yaml`];
}

/** Reads `<dir>/config.yaml` and the mode's overlay, and returns the validated configuration. */
export function loadConfig(options: LoadConfigOptions): AppConfig {
  const env = options.env ?? process.env;
  const baseFile = join(options.dir, 'config.yaml');
  if (!existsSync(baseFile)) {
    throw new ConfigError([{ path: '', file: baseFile, message: 'file not found; the configuration folder must hold config.yaml' }]);
  }
  const base = parseYaml(readFileSync(baseFile, 'utf8'), 'config.yaml');
  // Only the chosen mode's overlay is read: a problem in the other mode's file must not stop this one.
  const mode = resolveMode({ base, mode: options.mode, env }, []);
  const overlays: Partial<Record<TradingMode, unknown>> = {};
  const overlayFiles: Partial<Record<TradingMode, string>> = {};
  if (mode) {
    const names = overlayFileNames(mode).filter((name) => existsSync(join(options.dir, name)));
    overlayFiles[mode] = names.join(' + ') || `config.${mode}.yaml`;
    if (names.length > 0) overlays[mode] = names.reduce<unknown>((acc, name) => deepMerge(acc, parseYaml(readFileSync(join(options.dir, name), 'utf8'), name)), {});
  }
  return parseConfigDocuments({ base, overlays, mode, env, baseFile: 'config.yaml', overlayFiles });
}
