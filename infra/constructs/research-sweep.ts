/**
 * Research sweeps on AWS's own engine: a Step Functions Distributed Map over a sweep's items array (recorded
 * days × parameter sets, written to the results bucket by `npm run backtest -- --remote <stage>`), each item
 * the same backtest job as the local worker threads, then the sweep-report Lambda building one comparison
 * report from the item results. A Choice on the item's `runner` (chosen by the plan from the day's recording
 * size, research.fargateAboveMiB) runs it either in the sweep-item Lambda or, for a day too large for Lambda,
 * as an ECS RunTask (.sync) of the Fargate item task (ARM64, containers/sweep-item: the same job code, the item
 * event in its SWEEP_ITEM environment override). Both write the same result object to S3 and get the same
 * retry policy on service errors.
 *
 * The Fargate task runs in this stack's own VPC: public subnets, no NAT gateway (nothing idle to pay for), a
 * public IP to pull its image and write logs, S3 through a gateway endpoint, a security group with HTTPS out
 * only and nothing in.
 *
 * Least privilege, by prefix:
 *  - item Lambda and Fargate item task role (the same grants): GetObject on the bot's recordings/<stage>/ keys and on sweeps/<id>/spec.json; PutObject on
 *    sweeps/<id>/results/; GetObject and PutObject on replay-cache/ (the recordings' replay forms,
 *    shared/backtest/replay-object-cache.ts) and ListBucket of that prefix only (a missing form is then a 404,
 *    not a 403) — nothing else;
 *  - report Lambda: GetObject on sweeps/<id>/spec.json and results/; PutObject on sweeps/<id>/report.*;
 *  - Fargate task execution role: pull the item image, write the task's log group;
 *  - state machine: GetObject on sweeps/<id>/items.json (the ItemReader), invoke of the two functions, RunTask
 *    of the item task definition with PassRole on its two roles only, the managed events rule .sync needs,
 *    and what a Distributed Map needs to run its child executions, plus logs and X-Ray.
 * The deployed names are published as one SSM parameter (/<stage>/research/endpoints) for the launcher.
 */
import * as path from 'node:path';
import { CfnOutput, Duration, IgnoreMode, RemovalPolicy, Size, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { metricsNamespace } from '../../shared/aws/alarm-metrics.js';
import { SWEEP_ITEM_ENV } from '../../containers/sweep-item/item-input.js';
import { researchEndpointsParameter, type ResearchEndpoints } from '../../shared/backtest/remote-sweep.js';
import { REPLAY_CACHE_PREFIX } from '../../shared/backtest/replay-object-cache.js';
import { SWEEPS_PREFIX } from '../../shared/backtest/sweep-layout.js';
import type { StageConfig } from '../config/stages.js';
import { botOutputPrefixes } from './bot-service.js';
import { stageFunction } from './stage-function.js';

export const RESEARCH_FUNCTIONS = ['sweep-item', 'sweep-report'] as const;
export type ResearchFunctionName = (typeof RESEARCH_FUNCTIONS)[number];

/**
 * The Fargate item image's build context, as an allowlist (Docker ignore syntax): what
 * containers/sweep-item/Dockerfile copies. Keep the two in step.
 */
export const SWEEP_ITEM_CONTEXT_INCLUDES = ['package.json', 'package-lock.json', 'tsconfig.json', 'shared', 'functions/runtime', 'functions/sweep-item', 'containers/sweep-item'] as const;
export const SWEEP_ITEM_CONTEXT_EXCLUDES: string[] = ['*', ...SWEEP_ITEM_CONTEXT_INCLUDES.map((p) => `!${p}`), '**/*.md', '**/*.log'];

/**
 * One retry policy for both runners of an item, on their service's transient errors (throttling, capacity, a
 * service fault) — the figures LambdaInvoke's own service-exception retry uses. An item that fails on its own
 * (the Lambda throws, the task exits non-zero) is not retried: it counts against toleratedFailurePercent.
 */
export const ITEM_RETRY = { interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2 } as const;
export const LAMBDA_RETRY_ERRORS = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
/** RunTask refused (throttled, no capacity: a non-empty `failures` is AmazonECS.Unknown under .sync). */
export const ECS_RETRY_ERRORS = ['ECS.AmazonECSException', 'ECS.ServerException', 'AmazonECS.Unknown'];

/** The Fargate item container's name (RunTask's container override names it). */
export const SWEEP_ITEM_CONTAINER = 'sweep-item';

export interface ResearchSweepProps {
  config: StageConfig;
  recordingsBucket: s3.IBucket;
  /** How cdk-nag names the recordings bucket ARN in a finding (the import's export name). */
  recordingsFinding: string;
  entries: Readonly<Record<ResearchFunctionName, string>>;
  projectRoot: string;
  depsLockFilePath: string;
}

export class ResearchSweep extends Construct {
  readonly resultsBucket: s3.Bucket;
  readonly itemFunction: nodejs.NodejsFunction;
  readonly reportFunction: nodejs.NodejsFunction;
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;
  readonly itemTask: ecs.FargateTaskDefinition;
  readonly stateMachine: sfn.StateMachine;
  readonly map: sfn.DistributedMap;
  readonly endpointsParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: ResearchSweepProps) {
    super(scope, id);
    const { config } = props;
    const r = config.research;
    const recordingsPrefix = botOutputPrefixes(config.stage).recordings;

    this.resultsBucket = new s3.Bucket(this, 'Results', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !config.retainData,
      lifecycleRules: [
        { id: 'expire-sweeps', prefix: SWEEPS_PREFIX, expiration: Duration.days(180), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Replay forms are rebuilt from the recordings when missing: a cache, kept while sweeps are likely to reuse it.
        { id: 'expire-replay-cache', prefix: REPLAY_CACHE_PREFIX, expiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(this.resultsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Private bucket of sweep inputs and results, written only by the launcher and the two research functions; object access is audited with CloudTrail rather than a second logging bucket.',
    });
    const resultsId = Stack.of(this).getLogicalId(this.resultsBucket.node.defaultChild as CfnResource);

    const make = (name: ResearchFunctionName, description: string, memorySize: number, timeout: Duration, extra: Partial<nodejs.NodejsFunctionProps> = {}): nodejs.NodejsFunction => {
      const { bundling, environment, ...rest } = extra;
      return stageFunction(this, {
        config,
        name,
        entry: props.entries[name],
        description,
        memorySize,
        timeout,
        projectRoot: props.projectRoot,
        depsLockFilePath: props.depsLockFilePath,
        environment: { RESULTS_BUCKET: this.resultsBucket.bucketName, ...environment },
        extra: rest,
        ...(bundling ? { bundling } : {}),
      });
    };

    this.itemFunction = make('sweep-item', 'Research sweep item: one recorded day × one parameter set through the backtest job', r.itemMemoryMiB, Duration.minutes(r.itemTimeoutMinutes), {
      // One recorded day on disk at a time (tens to hundreds of MB of gzip chunks).
      ephemeralStorageSize: Size.mebibytes(2048),
    });
    this.itemFunction.addEnvironment('RECORDINGS_BUCKET', props.recordingsBucket.bucketName);
    this.itemFunction.addEnvironment('RECORDINGS_PREFIX', recordingsPrefix);

    this.reportFunction = make('sweep-report', 'Research sweep report: one comparison (HTML + JSON) from the item results', 1024, Duration.minutes(5), {
      bundling: {
        // The report page inlines the echarts bundle, read at run time beside the handler (html-report.ts).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `mkdir -p "${outputDir}/node_modules/echarts/dist"`,
            `cp "${inputDir}/node_modules/echarts/dist/echarts.min.js" "${outputDir}/node_modules/echarts/dist/echarts.min.js"`,
          ],
        },
      },
    });

    const sweepsObjects = (suffix: string): string => this.resultsBucket.arnForObjects(`${SWEEPS_PREFIX}*/${suffix}`);
    const allow = (role: iam.IRole, actions: string[], resources: string[], reasons: [string, string][]): void => {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
      for (const [finding, reason] of reasons) Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    };
    const perSweep = 'Sweep ids are chosen at launch, so keys are known only by pattern: sweeps/<id>/<fixed name>.';

    // The item's grants, the same for its two runners (the Lambda's role and the Fargate task's role).
    const grantItem = (role: iam.IRole): void => {
      allow(role, ['s3:GetObject'], [props.recordingsBucket.arnForObjects(`${recordingsPrefix}*`)], [
        [`Resource::${props.recordingsFinding}/${recordingsPrefix}*`, 'Reads the recorded days a sweep names: the bot writes dated chunks under this prefix (keys not known in advance); GetObject only, this stage\u2019s recordings only.'],
      ]);
      allow(role, ['s3:GetObject'], [sweepsObjects('spec.json')], [[`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/spec.json`, perSweep]]);
      allow(role, ['s3:PutObject'], [sweepsObjects('results/*')], [[`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/results/*`, `${perSweep} One new object per item.`]]);
      const replayForms = 'Replay forms are named by a content hash of the recordings they come from (replay-cache/<format>/<unit>/<hash>), unknown in advance.';
      allow(role, ['s3:GetObject', 's3:PutObject'], [this.resultsBucket.arnForObjects(`${REPLAY_CACHE_PREFIX}*`)], [[`Resource::<${resultsId}.Arn>/${REPLAY_CACHE_PREFIX}*`, `${replayForms} Read when present, written once when missing; this prefix only.`]]);
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.resultsBucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${REPLAY_CACHE_PREFIX}*`] } } }),
      );
    };
    grantItem(this.itemFunction.role!);
    allow(this.reportFunction.role!, ['s3:GetObject'], [sweepsObjects('spec.json'), sweepsObjects('results/*')], [
      [`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/spec.json`, perSweep],
      [`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/results/*`, `${perSweep} Reads every item result of the sweep.`],
    ]);
    allow(this.reportFunction.role!, ['s3:PutObject'], [sweepsObjects('report.*')], [[`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/report.*`, `${perSweep} Writes report.json and report.html.`]]);

    // The Fargate item task, for days above research.fargateAboveMiB.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.43.0.0/16'),
      maxAzs: config.maxAzs,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
      // Recordings, spec, results and replay forms: S3 traffic stays on the AWS network, free of charge.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      // Nothing uses the default security group; restricting it would add a custom-resource Lambda.
      restrictDefaultSecurityGroup: false,
      flowLogs: {
        rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', { retention: config.logRetentionDays })),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });
    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: this.vpc, containerInsightsV2: ecs.ContainerInsights.DISABLED });
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason: 'Container Insights is off by design: the cluster runs only short sweep item tasks now and then, whose outcome the state machine and the item results record; its per-metric billing buys nothing here.',
    });
    this.itemTask = new ecs.FargateTaskDefinition(this, 'ItemTask', {
      cpu: r.fargateCpu,
      memoryLimitMiB: r.fargateMemoryMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const itemLogs = new logs.LogGroup(this, 'ItemTaskLogs', { retention: config.logRetentionDays });
    const itemContainer = this.itemTask.addContainer(SWEEP_ITEM_CONTAINER, {
      image: ecs.ContainerImage.fromAsset(props.projectRoot, {
        file: path.join('containers', 'sweep-item', 'Dockerfile'),
        platform: Platform.LINUX_ARM64,
        exclude: SWEEP_ITEM_CONTEXT_EXCLUDES,
        ignoreMode: IgnoreMode.DOCKER,
      }),
      essential: true,
      readonlyRootFilesystem: true,
      user: '1000:1000',
      environment: {
        RESULTS_BUCKET: this.resultsBucket.bucketName,
        RECORDINGS_BUCKET: props.recordingsBucket.bucketName,
        RECORDINGS_PREFIX: recordingsPrefix,
        METRICS_NAMESPACE: metricsNamespace(config.stage),
        NODE_ENV: 'production',
        // Three quarters of the task's memory for V8's heap: the decoded day lives there.
        NODE_OPTIONS: `--max-old-space-size=${Math.floor(r.fargateMemoryMiB * 0.75)}`,
      },
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'sweep-item', logGroup: itemLogs, mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
    });
    // A writable scratch dir (the day's chunks) for a read-only root file system.
    this.itemTask.addVolume({ name: 'tmp' });
    itemContainer.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
    grantItem(this.itemTask.taskRole);
    Validations.of(this.itemTask.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken has no resource-level permissions (AWS requires "*"); image pulls themselves are scoped to the asset repository, log writes to the task\u2019s log group.',
    });
    Validations.of(this.itemTask).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Environment variables carry only non-secret configuration (bucket names, the recordings prefix, the metrics namespace, the heap size); the item itself arrives as a RunTask override.',
    });
    const itemSecurityGroup = new ec2.SecurityGroup(this, 'ItemTaskSecurityGroup', {
      vpc: this.vpc,
      description: 'Research sweep item task: HTTPS out only (ECR, S3 through its gateway endpoint, CloudWatch Logs); no inbound',
      allowAllOutbound: false,
    });
    itemSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs');

    const onLambda = new tasks.LambdaInvoke(this, 'RunItem', {
      lambdaFunction: this.itemFunction,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    onLambda.addRetry({ errors: LAMBDA_RETRY_ERRORS, ...ITEM_RETRY });
    const onFargate = new tasks.EcsRunTask(this, 'RunItemOnFargate', {
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      cluster: this.cluster,
      taskDefinition: this.itemTask,
      launchTarget: new tasks.EcsFargateLaunchTarget({ platformVersion: ecs.FargatePlatformVersion.LATEST }),
      assignPublicIp: true,
      subnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [itemSecurityGroup],
      // The item event ({ specKey, item }, as the Lambda receives it) as JSON in SWEEP_ITEM.
      containerOverrides: [{ containerDefinition: itemContainer, environment: [{ name: SWEEP_ITEM_ENV, value: sfn.JsonPath.jsonToString(sfn.JsonPath.entirePayload) }] }],
      resultPath: sfn.JsonPath.DISCARD,
    });
    onFargate.addRetry({ errors: ECS_RETRY_ERRORS, ...ITEM_RETRY });
    // The map collects every item's output: a few bytes, as the Lambda's, not the task's description.
    const fargateDone = new sfn.Pass(this, 'FargateItemDone', { parameters: { 'item.$': '$.item.item', runner: 'fargate' } });
    const item = new sfn.Choice(this, 'ItemRunner')
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.item.runner'), sfn.Condition.stringEquals('$.item.runner', 'fargate')), onFargate.next(fargateDone))
      .otherwise(onLambda);
    this.map = new sfn.DistributedMap(this, 'Items', {
      itemReader: new sfn.S3JsonItemReader({ bucketNamePath: sfn.JsonPath.stringAt('$.resultsBucket'), key: sfn.JsonPath.stringAt('$.itemsKey'), maxItems: r.maxItems }),
      itemSelector: { specKey: sfn.JsonPath.stringAt('$.specKey'), item: sfn.JsonPath.stringAt('$$.Map.Item.Value') },
      maxConcurrency: r.maxConcurrency,
      toleratedFailurePercentage: r.toleratedFailurePercent,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      resultPath: sfn.JsonPath.DISCARD,
    });
    this.map.itemProcessor(item);
    const report = new tasks.LambdaInvoke(this, 'BuildReport', {
      lambdaFunction: this.reportFunction,
      payload: sfn.TaskInput.fromObject({ sweepId: sfn.JsonPath.stringAt('$.sweepId') }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });

    const smLogs = new logs.LogGroup(this, 'StateMachineLogs', { retention: config.logRetentionDays });
    this.stateMachine = new sfn.StateMachine(this, 'Sweep', {
      stateMachineName: `pmus-research-sweep-${config.stage}`,
      definitionBody: sfn.DefinitionBody.fromChainable(this.map.next(report)),
      timeout: Duration.hours(24),
      tracingEnabled: true,
      logs: { destination: smLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    const smRole = this.stateMachine.role;
    // The ItemReader reads the bucket named in the input: granted here on the items arrays only.
    allow(smRole, ['s3:GetObject'], [sweepsObjects('items.json')], [[`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/items.json`, `${perSweep} The Distributed Map reads the items array.`]]);
    const fnId = (fn: lambda.IFunction) => Stack.of(this).getLogicalId(fn.node.defaultChild as CfnResource);
    Validations.of(smRole).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${fnId(this.itemFunction)}.Arn>:*]`, reason: 'Granted by LambdaInvoke: versions and aliases of the item function only.' });
    Validations.of(smRole).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${fnId(this.reportFunction)}.Arn>:*]`, reason: 'Granted by LambdaInvoke: versions and aliases of the report function only.' });
    // EcsRunTask grants ecs:RunTask on the item task definition's family, any revision (arn:…:task-definition/<family>:*).
    const tdId = Stack.of(this).getLogicalId(this.itemTask.node.defaultChild as CfnResource);
    const part = (i: number) => `{"Fn::Select":[${i},{"Fn::Split":[":",{"Ref":"${tdId}"}]}]}`;
    const half = (i: number) => `{"Fn::Select":[${i},{"Fn::Split":["/",${part(5)}]}]}`;
    Validations.of(smRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${part(1)}:${part(2)}:${part(3)}:${part(4)}:${half(0)}/${half(1)}:*]`,
      reason: 'Granted by EcsRunTask: RunTask of the item task definition\u2019s own family (any revision, so that a task started just before a deployment still matches); no other task definition.',
    });
    const smId = Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as CfnResource);
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${smId}"}]}]}`;
    for (const suffix of [':*', '/*:*']) {
      Validations.of(this.stateMachine).acknowledge({ id: `AwsSolutions-IAM5[Resource::${executions}${suffix}]`, reason: 'Granted by DistributedMap: describe and stop the child executions of this state machine only.' });
    }
    Validations.of(smRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CloudWatch Logs delivery and X-Ray segment actions support no resource-level permissions (granted by CDK for the state machine\u2019s logging and tracing); ecs:DescribeTasks and ecs:StopTask (granted by EcsRunTask .sync to follow and stop the item tasks it starts) name tasks whose ids are known only once started.',
    });

    const endpoints: ResearchEndpoints = {
      stateMachineArn: this.stateMachine.stateMachineArn,
      resultsBucket: this.resultsBucket.bucketName,
      recordingsBucket: props.recordingsBucket.bucketName,
      recordingsPrefix,
    };
    this.endpointsParameter = new ssm.StringParameter(this, 'Endpoints', {
      parameterName: researchEndpointsParameter(config.stage),
      stringValue: Stack.of(this).toJsonString(endpoints),
      description: 'Research sweeps: state machine, results and recordings buckets (read by npm run backtest -- --remote <stage>).',
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ResultsBucketName', { value: this.resultsBucket.bucketName });
  }
}
