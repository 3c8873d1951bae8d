/**
 * Synthesizes one stage offline for the template tests. Function entries that do not exist yet in
 * functions/<name>/handler.ts are replaced by minimal handlers in a temporary directory (test setup only).
 * NodejsFunction requires entries under the project root, so the directory is node_modules/.cache/… (never
 * committed, removed by cleanup()).
 */
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { JOB_NAMES, type JobName } from '../../infra/constructs/jobs.js';
import { createTradingApp, defaultFunctionEntries, PROJECT_ROOT, type TradingApp } from '../../infra/trading-app.js';

export interface SynthesizedStage extends TradingApp {
  template: Template;
  /** Entries that were stand-ins for missing handlers. */
  stubbed: JobName[];
  cleanup(): void;
}

export function synthStage(stage: string, options: { alarmEmail?: string } = {}): SynthesizedStage {
  const cacheDir = join(PROJECT_ROOT, 'node_modules', '.cache', 'infra-tests');
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, `${stage}-`));
  const entries = defaultFunctionEntries();
  const stubbed: JobName[] = [];
  for (const name of JOB_NAMES) {
    if (existsSync(entries[name])) continue;
    const dir = join(tmp, 'functions', name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'handler.ts');
    writeFileSync(file, `export const handler = async (): Promise<void> => { throw new Error('test stand-in for ${name}'); };\n`);
    entries[name] = file;
    stubbed.push(name);
  }
  const app = new App({ outdir: join(tmp, 'cdk.out'), context: { stage } });
  const built = createTradingApp({ app, functionEntries: entries, ...(options.alarmEmail ? { alarmEmail: options.alarmEmail } : {}) });
  const template = Template.fromStack(built.stack);
  return { ...built, template, stubbed, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}
