/**
 * The always-on bot: one Fargate task (ARM64, 0.25 vCPU / 512 MiB) in public subnets with a public IP (no NAT
 * gateway), image built from containers/bot/Dockerfile. Deployments stop the old task before starting the new
 * one (minHealthy 0 / maxHealthy 100): two bots trading the same account at once would double every order.
 * The deployment circuit breaker rolls back a task that never becomes healthy.
 *
 * ECS counts only tasks it wants running against maxHealthy, so the new task may be launched while the old one
 * is still in its graceful stop (SIGTERM → exit, at most the 120 s stop timeout; aws/containers-roadmap#959).
 * The trading lease closes that window: the bot takes a single-writer lease (the `leases` table) before its
 * start-up rebuild and before any order or cancel, and the old bot releases it as the last step of its stop,
 * so the new one waits (see infra/README.md, Deploying).
 */
import * as path from 'node:path';
import { Duration, IgnoreMode, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { metricsNamespace } from '../../shared/aws/alarm-metrics.js';
import { leaseTableName, STAGE_NAMES, type StageConfig } from '../config/stages.js';
import type { Alerting } from './alerting.js';
import { bucketLogicalId } from './data-buckets.js';
import { QUEUE_ENV, type BotQueues } from './queues.js';
import type { Settings } from './settings.js';
import type { StateTables } from './state-tables.js';

export interface BotServiceProps {
  config: StageConfig;
  /** Docker build context: the repository root (the image needs shared/ and package-lock.json). */
  buildContext: string;
  tables: StateTables;
  queues: BotQueues;
  settings: Settings;
  alerting: Alerting;
  /** The bot's live day reports go to reports/<stage>/live/ here. */
  reportsBucket: s3.Bucket;
  /** Recording chunks go to recordings/<stage>/ here. */
  recordingsBucket: s3.Bucket;
}

/**
 * Where the bot writes in S3 (containers/bot/reporting/outputs-from-env.ts builds the same prefixes from
 * STAGE): recording chunks `recordings/<stage>/yyyy/mm/dd/<file>`, day reports `reports/<stage>/live/<day>.*`.
 */
export function botOutputPrefixes(stage: string): { recordings: string; reports: string } {
  return { recordings: `recordings/${stage}/`, reports: `reports/${stage}/live/` };
}

/**
 * SIGTERM → SIGKILL budget of the bot container: its graceful stop halts trading, cancels resting orders,
 * flushes persistence and finishes the recording upload and day report. 120 s is Fargate's maximum.
 */
export const BOT_STOP_TIMEOUT_SECONDS = 120;

/**
 * The bot's own bound on its graceful stop (STOP_DEADLINE_MS): past it main.ts logs what is unflushed and
 * exits non-zero, 20 s before ECS would SIGKILL it, so the log lines reach CloudWatch.
 */
export const BOT_STOP_DEADLINE_MS = (BOT_STOP_TIMEOUT_SECONDS - 20) * 1_000;

/**
 * The image build context, as an allowlist (Docker ignore syntax: exclude everything, re-include what the
 * Dockerfile copies: package*.json, tsconfig.json, shared/, containers/bot/, config/). Anything else in the
 * repository root (logs, recordings, other containers, tests) never reaches the build nor changes the image
 * hash. Keep in step with the COPY lines of containers/bot/Dockerfile.
 */
export const DOCKER_CONTEXT_INCLUDES = ['package.json', 'package-lock.json', 'tsconfig.json', 'shared', 'containers/bot', 'config'] as const;
export const DOCKER_CONTEXT_EXCLUDES: string[] = ['*', ...DOCKER_CONTEXT_INCLUDES.map((p) => `!${p}`), '**/*.md', '**/*.log'];

export class BotService extends Construct {
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BotServiceProps) {
    super(scope, id);
    const { config, tables, queues, settings } = props;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.42.0.0/16'),
      maxAzs: config.maxAzs,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
      // Nothing uses the default security group; restricting it would add a custom-resource Lambda.
      restrictDefaultSecurityGroup: false,
      flowLogs: {
        rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', { retention: config.logRetentionDays }),
          ),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });

    // Container Insights off: the task-not-running alarm watches the service's own AWS/ECS CPUUtilization
    // samples (free), not a Container Insights metric (billed per metric and per log volume).
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.DISABLED,
      enableFargateCapacityProviders: config.bot.capacity === 'FARGATE_SPOT',
    });
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason:
        'Container Insights is off by design (cost: billed per metric and log volume, about half the stage\'s budget); the task-not-running alarm uses the free AWS/ECS service metrics, and the bot exports its own alarm metrics.',
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: config.bot.cpu,
      memoryLimitMiB: config.bot.memoryMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: config.logRetentionDays });
    this.logGroup = logGroup;

    const taskRole = this.taskDefinition.taskRole;
    const peerLeaseTables = STAGE_NAMES.filter((st) => st !== config.stage).map((st) => ({ stage: st, table: leaseTableName(st) }));
    const environment: Record<string, string> = {
      STAGE: config.stage,
      NODE_ENV: 'production',
      METRICS_NAMESPACE: metricsNamespace(config.stage),
      HEALTH_PORT: String(config.bot.healthPort),
      MAX_DAILY_LOSS_USD: String(config.maxDailyLossUsd),
      MAX_POSITION_CONTRACTS: String(config.maxPositionContracts),
      ...settings.grantReadParameters(taskRole, ['tradingMode', 'killSwitch']),
      ...settings.grantReadSecrets(taskRole, ['exchangeKey', 'dataProviderKey']),
      ...tables.environment(['orders', 'fills', 'positions', 'riskDays', 'oddsSnapshots', 'leases']),
      // The graceful stop's own bound, inside the SIGTERM → SIGKILL budget (main.ts exits non-zero past it).
      STOP_DEADLINE_MS: String(BOT_STOP_DEADLINE_MS),
      [QUEUE_ENV.oddsUpdates]: queues.oddsUpdates.queueUrl,
      [QUEUE_ENV.control]: queues.control.queueUrl,
      ALERT_TOPIC_ARN: props.alerting.topic.topicArn,
      // The same policy the reconciler applies (RECONCILER_ORPHAN_POLICY): one stage setting.
      ORPHAN_POLICY: config.orphanPolicy,
      RECORDINGS_BUCKET: props.recordingsBucket.bucketName,
      // Chunks are written on the task's writable /tmp volume and removed once uploaded.
      RECORDINGS_DIR: '/tmp/recordings',
      REPORTS_BUCKET: props.reportsBucket.bucketName,
      // Other stages' leases tables: no live trading on an exchange key another stage's bot holds.
      ...(peerLeaseTables.length > 0 ? { PEER_LEASE_TABLES: peerLeaseTables.map((p) => `${p.stage}=${p.table}`).join(',') } : {}),
    };
    tables.grantPeerLeaseRead(taskRole, peerLeaseTables.map((p) => p.table));
    for (const t of ['orders', 'fills', 'positions', 'riskDays'] as const) tables.grant(taskRole, t, 'readWrite');
    tables.grant(taskRole, 'oddsSnapshots', 'read');
    // The trading lease: one bot per account even while an old task is still in its graceful stop.
    tables.grantLease(taskRole);
    queues.oddsUpdates.grantConsumeMessages(taskRole);
    queues.control.grantConsumeMessages(taskRole);
    props.alerting.grantPublish(taskRole);
    // PutObject only (no bucket.grantPut: that adds tagging, retention and abort actions), on exactly the
    // task's own prefixes: it never reads, lists, deletes or writes another stage's or the reporter's keys.
    const prefixes = botOutputPrefixes(config.stage);
    const outputs: [s3.Bucket, string][] = [
      [props.recordingsBucket, prefixes.recordings],
      [props.reportsBucket, prefixes.reports],
    ];
    taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: outputs.map(([bucket, prefix]) => bucket.arnForObjects(`${prefix}*`)) }),
    );
    for (const [bucket, prefix] of outputs) {
      Validations.of(taskRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId(bucket)}.Arn>/${prefix}*]`,
        reason: `The bot writes new, dated objects under ${prefix} (keys are not known in advance); PutObject only, on that prefix only.`,
      });
    }

    const container = this.taskDefinition.addContainer('bot', {
      image: ecs.ContainerImage.fromAsset(props.buildContext, {
        file: path.join('containers', 'bot', 'Dockerfile'),
        platform: Platform.LINUX_ARM64,
        exclude: DOCKER_CONTEXT_EXCLUDES,
        ignoreMode: IgnoreMode.DOCKER,
      }),
      essential: true,
      readonlyRootFilesystem: true,
      user: '1000:1000',
      environment,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'bot', logGroup, mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${config.bot.healthPort}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      stopTimeout: Duration.seconds(BOT_STOP_TIMEOUT_SECONDS),
    });
    // A writable scratch dir for a read-only root file system.
    this.taskDefinition.addVolume({ name: 'tmp' });
    container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });

    const securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: this.vpc,
      description: 'Bot task: outbound only (exchange, data provider, AWS APIs); no inbound',
      allowAllOutbound: true,
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: 1,
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      assignPublicIp: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [securityGroup],
      circuitBreaker: { enable: true, rollback: true },
      ...(config.bot.capacity === 'FARGATE_SPOT' ? { capacityProviderStrategies: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] } : {}),
      enableExecuteCommand: false,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
    });

    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken has no resource-level permissions (AWS requires "*"); image pulls themselves are scoped to the asset repository.',
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'Environment variables carry only non-secret configuration (stage, table names, queue URLs, parameter names, secret ARNs); secret values are read at run time from Secrets Manager.',
    });
  }
}
