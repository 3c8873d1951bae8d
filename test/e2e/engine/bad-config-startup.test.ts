/**
 * Bad configuration, end to end: the repository's config/ folder copied, one overlay broken per invalid
 * field class, then (1) loaded as the bot loads it — a ConfigError whose message names the field and the
 * fix — and (2) given to the real entry points: the production `containers/bot/main.ts` (exits 1 with one
 * structured log line carrying that message, before any AWS call; no uncaught exception) and `npm start`'s
 * local session (prints the message and exits 2).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/errors.js';
import { loadConfig } from '../../../shared/config/loader.js';
import { REPO_CONFIG_DIR } from '../../support/engine-fixtures.js';

const ROOT = join(REPO_CONFIG_DIR, '..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of config/ with `yaml` appended to (or, with `replace`, in place of) the paper or live overlay. */
function brokenConfig(yaml: string, file = 'config.paper.yaml', replace = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
  dirs.push(dir);
  cpSync(REPO_CONFIG_DIR, dir, { recursive: true });
  if (replace) writeFileSync(join(dir, file), `${yaml}\n`);
  else appendFileSync(join(dir, file), `\n${yaml}\n`);
  return dir;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw new Error(`expected a ConfigError, got ${String(e)}`);
  }
  throw new Error('expected start-up to fail');
}

const CASES: { cls: string; yaml: string; file?: string; replace?: boolean; mode?: 'paper' | 'live'; env?: NodeJS.ProcessEnv; path: string; fix: string }[] = [
  { cls: 'wrong type', yaml: 'risk:\n  max_daily_loss: "lots"', path: 'risk.max_daily_loss', fix: 'must be a number' },
  { cls: 'out of range', yaml: 'risk:\n  kelly_fraction: 1.5', path: 'risk.kelly_fraction', fix: '0.25 (quarter Kelly)' },
  { cls: 'negative limit', yaml: 'risk:\n  max_position_per_market: -5', path: 'risk.max_position_per_market', fix: 'a positive USD amount' },
  { cls: 'too many decimals', yaml: 'risk:\n  min_trade_size: 1.0000001', path: 'risk.min_trade_size', fix: 'at most 6 decimal places' },
  { cls: 'unknown key (typo)', yaml: 'risk:\n  max_dayly_loss: 5', path: 'risk.max_dayly_loss', fix: 'check the spelling' },
  { cls: 'bad enum', yaml: 'logging:\n  level: "LOUD"', path: 'logging.level', fix: 'must be one of' },
  { cls: 'bad URL', yaml: 'api:\n  base_url: "ftp://example.com"', path: 'api.base_url', fix: 'http:// or https://' },
  { cls: 'cross-field limit', yaml: 'risk:\n  max_position_per_market: 600', path: 'risk.max_position_per_market', fix: 'must not exceed risk.max_portfolio_exposure' },
  { cls: 'strategy edge', yaml: 'strategies:\n  live_arbitrage:\n    min_edge: 0.5', path: 'strategies.live_arbitrage.min_edge', fix: '(0, 0.5)' },
  { cls: 'edge below the taker fee', yaml: 'strategies:\n  statistical_edge:\n    min_edge: 0.01', path: 'strategies.statistical_edge.min_edge', fix: 'Set min_edge to at least 0.017375' },
  { cls: 'section not a mapping', yaml: 'sports_data: 5', path: 'sports_data', fix: 'must be a mapping of settings' },
  { cls: 'mode contradicted by the overlay', yaml: 'trading:\n  mode: live', replace: true, path: 'trading.mode', fix: 'remove it or make it paper' },
  { cls: 'live keys missing', yaml: '', file: 'config.live.yaml', mode: 'live', env: {}, path: 'api.api_key_id', fix: 'PM_API_KEY_ID' },
];

describe('loading a broken config/ stops start-up with the field and the fix', () => {
  for (const c of CASES) {
    it(c.cls, () => {
      const dir = brokenConfig(c.yaml, c.file, c.replace);
      const e = configError(() => loadConfig({ dir, mode: c.mode ?? 'paper', env: c.env ?? {} }));
      const issue = e.issues.find((i) => i.path === c.path);
      expect(issue, e.message).toBeDefined();
      expect(e.message).toContain(`${c.path} `);
      expect(`${issue!.message} ${issue!.file ?? ''}`).toContain(c.fix);
      expect(e.message).not.toMatch(/\n\s+at /); // a message, not a stack trace
    });
  }

  it('a YAML syntax error names the overlay file', () => {
    const dir = brokenConfig('risk: [unclosed');
    const e = configError(() => loadConfig({ dir, mode: 'paper', env: {} }));
    expect(e.message).toContain('config.paper.yaml');
    expect(e.message).toContain('YAML syntax error');
  });

  it('every problem is reported at once', () => {
    const dir = brokenConfig('risk:\n  kelly_fraction: 2\n  max_daily_loss: -1\nlogging:\n  level: LOUD');
    const e = configError(() => loadConfig({ dir, mode: 'paper', env: {} }));
    expect(e.issues.map((i) => i.path).sort()).toEqual(['logging.level', 'risk.kelly_fraction', 'risk.max_daily_loss']);
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runTsx(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the entry points refuse to start on a broken config', () => {
  it('containers/bot/main.ts (the container): exit 1, one log line with the field and the fix, no uncaught exception', async () => {
    const dir = brokenConfig('risk:\n  kelly_fraction: 1.5\n  max_dayly_loss: 5');
    writeFileSync(join(dir, 'params.json'), JSON.stringify({ '/t/mode': 'paper', '/t/kill': 'off' }));
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ ex: JSON.stringify({ keyId: 'k1', privateKey: 'c2VjcmV0LXNlZWQ=' }), dp: 'odds-key-1' }));
    const r = await runTsx('containers/bot/main.ts', [], {
      CONFIG_DIR: dir,
      PARAMETERS_FILE: join(dir, 'params.json'),
      SECRETS_FILE: join(dir, 'secrets.json'),
      TRADING_MODE_PARAM: '/t/mode',
      KILL_SWITCH_PARAM: '/t/kill',
      EXCHANGE_KEY_SECRET_ARN: 'ex',
      DATA_PROVIDER_KEY_SECRET_ARN: 'dp',
      HEALTH_PORT: '0',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(''); // not an uncaught exception dumped by node
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; err?: { message?: string } });
    const failed = lines.find((l) => l.msg === 'bot failed to start');
    expect(failed?.err?.message).toContain('risk.kelly_fraction must be in (0, 1] — got 1.5; 0.25 (quarter Kelly) is a common choice');
    expect(failed?.err?.message).toContain('risk.max_dayly_loss is not a known setting; check the spelling');
    // No secret from the secret file in the output.
    expect(r.stdout).not.toContain('c2VjcmV0LXNlZWQ=');
    expect(r.stdout).not.toContain('odds-key-1');
  }, 40_000);

  it('npm start (local session): prints the field and the fix and exits 2, with no stack trace', async () => {
    const r = await runTsx('containers/bot/local-session.ts', ['--duration', '1'], { PAPER_STARTING_BALANCE: 'plenty' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('npm start: invalid configuration');
    expect(r.stderr).toContain('trading.paper.starting_balance must be a number — got "plenty"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 40_000);
});
