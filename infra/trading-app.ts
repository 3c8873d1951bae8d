/**
 * Builds the CDK app for one stage: the stack plus cdk-nag (AwsSolutions) as a validation plugin. Shared by
 * `infra/bin/app.ts` and the template tests, so what is tested is what deploys.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stageConfig, type StageConfig } from './config/stages.js';
import { JOB_NAMES, type JobName } from './constructs/jobs.js';
import { RESEARCH_FUNCTIONS, type ResearchFunctionName } from './constructs/research-sweep.js';
import { exportRecordingsBucket, ResearchStack } from './stacks/research-stack.js';
import { TradingStack } from './stacks/trading-stack.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function defaultFunctionEntries(root: string = PROJECT_ROOT): Record<JobName, string> {
  return Object.fromEntries(JOB_NAMES.map((n) => [n, path.join(root, 'functions', n, 'handler.ts')])) as Record<JobName, string>;
}

export function defaultResearchEntries(root: string = PROJECT_ROOT): Record<ResearchFunctionName, string> {
  return Object.fromEntries(RESEARCH_FUNCTIONS.map((n) => [n, path.join(root, 'functions', n, 'handler.ts')])) as Record<ResearchFunctionName, string>;
}

export interface TradingAppOptions {
  app?: App;
  /** Overrides context `stage`. */
  stage?: string;
  alarmEmail?: string;
  functionEntries?: Readonly<Record<JobName, string>>;
  /** Leave the research stack out even where the stage enables it (tests of the trading stack alone). */
  withoutResearch?: boolean;
}

export interface TradingApp {
  app: App;
  stack: TradingStack;
  config: StageConfig;
  nag: AwsSolutionsChecks;
  /** Present when the stage's research.enabled is on. */
  research?: ResearchStack;
}

export function stackName(config: StageConfig): string {
  return `PmusTrader-${config.stage}`;
}

export function createTradingApp(options: TradingAppOptions = {}): TradingApp {
  const app = options.app ?? new App();
  const config = stageConfig(options.stage ?? app.node.tryGetContext('stage') ?? 'staging');
  const alarmEmail = options.alarmEmail ?? (app.node.tryGetContext('alarmEmail') as string | undefined);
  const stack = new TradingStack(app, stackName(config), {
    config,
    ...(alarmEmail ? { alarmEmail } : {}),
    description: `Polymarket US sports trader (${config.stage})`,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    functionEntries: options.functionEntries ?? defaultFunctionEntries(),
    terminationProtection: config.stage === 'prod',
  });
  let research: ResearchStack | undefined;
  if (config.research.enabled && !options.withoutResearch) {
    research = new ResearchStack(app, `PmusResearch-${config.stage}`, {
      config,
      description: `Polymarket US sports trader: research sweeps (${config.stage})`,
      recordings: exportRecordingsBucket(stack, stack.recordingsBucket),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      functionEntries: defaultResearchEntries(),
    });
  }
  for (const s of [stack, research]) {
    if (!s) continue;
    Tags.of(s).add('project', 'pmus-sports-trader');
    Tags.of(s).add('stage', config.stage);
  }
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  return { app, stack, config, nag, ...(research ? { research } : {}) };
}
