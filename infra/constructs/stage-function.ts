/**
 * One Lambda function of the app, built the same way everywhere (the scheduled jobs, the research sweep's
 * functions): a NodejsFunction bundled locally by esbuild (never Docker) for Node 22 as ESM, on nodejs22.x /
 * ARM64, with its own role (logs only; callers add the grants it needs) and its own log group in JSON format.
 */
import { Validations, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { metricsNamespace } from '../../shared/aws/alarm-metrics.js';
import type { StageConfig } from '../config/stages.js';
import { LAMBDA_ESBUILD, LAMBDA_NODE_OPTIONS } from './lambda-bundling.js';

/**
 * LAMBDA_ESBUILD (lambda-bundling.ts, shared with the bundle bench) as NodejsFunction bundling props: the same
 * esbuild options through the CLI that CDK runs.
 */
export function lambdaBundling(): nodejs.BundlingOptions {
  const o = LAMBDA_ESBUILD;
  return {
    forceDockerBundling: false,
    target: o.target,
    format: nodejs.OutputFormat.ESM,
    mainFields: [...o.mainFields],
    banner: o.banner,
    minify: o.minify,
    sourceMap: o.sourcemap,
    sourcesContent: o.sourcesContent,
    // Bundle the AWS SDK too: the deployed code runs the versions package-lock.json pins and tests ran.
    externalModules: [],
    esbuildArgs: { '--alias': Object.entries(o.alias).map(([from, to]) => `${from}=${to}`) },
  };
}

export interface StageFunctionProps {
  config: StageConfig;
  /** The function's name in the app (kebab-case, e.g. "daily-reset"): ids, the Powertools service name. */
  name: string;
  /** Absolute path of the entry file (functions/<name>/handler.ts). */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  /** Project root for bundling (the folder holding package.json) and the lockfile that pins the bundle. */
  projectRoot: string;
  depsLockFilePath: string;
  /** Environment beyond STAGE, METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME (and NODE_OPTIONS, lambda-bundling.ts). */
  environment?: Record<string, string>;
  /** Other function properties (e.g. ephemeral storage), and bundling additions (e.g. command hooks). */
  extra?: Omit<Partial<nodejs.NodejsFunctionProps>, 'bundling' | 'environment'>;
  bundling?: Partial<nodejs.BundlingOptions>;
}

export function pascalCase(name: string): string {
  return name
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

export function stageFunction(scope: Construct, props: StageFunctionProps): nodejs.NodejsFunction {
  const { config, name } = props;
  const id = pascalCase(name);
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: config.logRetentionDays });
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `${name} (${config.stage})` });
  logGroup.grantWrite(role);
  const fn = new nodejs.NodejsFunction(scope, id, {
    entry: props.entry,
    handler: 'handler',
    description: props.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    projectRoot: props.projectRoot,
    depsLockFilePath: props.depsLockFilePath,
    environment: {
      STAGE: config.stage,
      METRICS_NAMESPACE: metricsNamespace(config.stage),
      POWERTOOLS_SERVICE_NAME: name,
      ...(LAMBDA_NODE_OPTIONS ? { NODE_OPTIONS: LAMBDA_NODE_OPTIONS } : {}),
      ...props.environment,
    },
    ...props.extra,
    bundling: {
      ...lambdaBundling(),
      ...props.bundling,
    },
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'nodejs22.x is the runtime chosen in docs/architecture.md (bundles target node22); move to nodejs24.x deliberately, not by default.',
  });
  return fn;
}
