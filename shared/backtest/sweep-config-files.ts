/**
 * The configuration of a research sweep as text, so it can travel to wherever an item runs: the YAML files the
 * backtest would read from `--config` (a folder: config.yaml, config.paper.yaml, config.local.yaml; a file: the
 * config.yaml beside it and the file itself as the paper overlay), and the values of the environment variables
 * they interpolate (`${VAR}`), secrets left out. Rebuilt as a folder by `materializeConfig`, and used with that
 * environment only, so a Lambda and a local worker build the same configuration.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const FOLDER_FILES = ['config.yaml', 'config.paper.yaml', 'config.local.yaml'] as const;
/** Never copied into a sweep's spec (it is written to S3). */
const SECRET_VAR = /(secret|private_?key|password|api_?key|key_?id|token)/i;

export function collectConfigFiles(source: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (statSync(source).isDirectory()) {
    for (const name of FOLDER_FILES) {
      const f = join(source, name);
      if (existsSync(f)) files[name] = readFileSync(f, 'utf8');
    }
    return files;
  }
  const beside = join(dirname(source), 'config.yaml');
  if (existsSync(beside) && basename(source) !== 'config.yaml') files['config.yaml'] = readFileSync(beside, 'utf8');
  files[basename(source) === 'config.yaml' ? 'config.yaml' : 'config.paper.yaml'] = readFileSync(source, 'utf8');
  return files;
}

/** The non-secret variables the files interpolate, with their values in `env` (unset ones left out). */
export function referencedEnv(files: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of Object.values(files)) {
    for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const name = m[1] as string;
      const value = env[name];
      if (!SECRET_VAR.test(name) && value !== undefined) out[name] = value;
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Writes the files into `dir` (created) and returns it, as a `--config` folder. */
export function materializeConfig(files: Readonly<Record<string, string>>, dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    if (!(FOLDER_FILES as readonly string[]).includes(name)) throw new Error(`unexpected configuration file name "${name}" in the sweep spec`);
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
