/**
 * Research sweeps on AWS's own engine: a Step Functions Distributed Map over a sweep's items array (recorded
 * days × parameter sets, written to the results bucket by `npm run backtest -- --remote <stage>`), each item
 * the sweep-item Lambda running the same backtest job as the local worker threads, then the sweep-report
 * Lambda building one comparison report from the item results.
 *
 * Least privilege, by prefix:
 *  - item Lambda: GetObject on the bot's recordings/<stage>/ keys and on sweeps/<id>/spec.json; PutObject on
 *    sweeps/<id>/results/; GetObject and PutObject on replay-cache/ (the recordings' replay forms,
 *    shared/backtest/replay-object-cache.ts) and ListBucket of that prefix only (a missing form is then a 404,
 *    not a 403) — nothing else;
 *  - report Lambda: GetObject on sweeps/<id>/spec.json and results/; PutObject on sweeps/<id>/report.*;
 *  - state machine: GetObject on sweeps/<id>/items.json (the ItemReader), invoke of the two functions, and what
 *    a Distributed Map needs to run its child executions, plus logs and X-Ray.
 * The deployed names are published as one SSM parameter (/<stage>/research/endpoints) for the launcher.
 */
import { CfnOutput, Duration, RemovalPolicy, Size, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { researchEndpointsParameter, type ResearchEndpoints } from '../../shared/backtest/remote-sweep.js';
import { REPLAY_CACHE_PREFIX } from '../../shared/backtest/replay-object-cache.js';
import { SWEEPS_PREFIX } from '../../shared/backtest/sweep-layout.js';
import type { StageConfig } from '../config/stages.js';
import { botOutputPrefixes } from './bot-service.js';
import { stageFunction } from './stage-function.js';

export const RESEARCH_FUNCTIONS = ['sweep-item', 'sweep-report'] as const;
export type ResearchFunctionName = (typeof RESEARCH_FUNCTIONS)[number];

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

    allow(this.itemFunction.role!, ['s3:GetObject'], [props.recordingsBucket.arnForObjects(`${recordingsPrefix}*`)], [
      [`Resource::${props.recordingsFinding}/${recordingsPrefix}*`, 'Reads the recorded days a sweep names: the bot writes dated chunks under this prefix (keys not known in advance); GetObject only, this stage\u2019s recordings only.'],
    ]);
    allow(this.itemFunction.role!, ['s3:GetObject'], [sweepsObjects('spec.json')], [[`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/spec.json`, perSweep]]);
    allow(this.itemFunction.role!, ['s3:PutObject'], [sweepsObjects('results/*')], [[`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/results/*`, `${perSweep} One new object per item.`]]);
    const replayForms = 'Replay forms are named by a content hash of the recordings they come from (replay-cache/<format>/<unit>/<hash>), unknown in advance.';
    allow(this.itemFunction.role!, ['s3:GetObject', 's3:PutObject'], [this.resultsBucket.arnForObjects(`${REPLAY_CACHE_PREFIX}*`)], [[`Resource::<${resultsId}.Arn>/${REPLAY_CACHE_PREFIX}*`, `${replayForms} Read when present, written once when missing; this prefix only.`]]);
    this.itemFunction.role!.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.resultsBucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${REPLAY_CACHE_PREFIX}*`] } } }),
    );
    allow(this.reportFunction.role!, ['s3:GetObject'], [sweepsObjects('spec.json'), sweepsObjects('results/*')], [
      [`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/spec.json`, perSweep],
      [`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/results/*`, `${perSweep} Reads every item result of the sweep.`],
    ]);
    allow(this.reportFunction.role!, ['s3:PutObject'], [sweepsObjects('report.*')], [[`Resource::<${resultsId}.Arn>/${SWEEPS_PREFIX}*/report.*`, `${perSweep} Writes report.json and report.html.`]]);

    const item = new tasks.LambdaInvoke(this, 'RunItem', {
      lambdaFunction: this.itemFunction,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
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
    const smId = Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as CfnResource);
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${smId}"}]}]}`;
    for (const suffix of [':*', '/*:*']) {
      Validations.of(this.stateMachine).acknowledge({ id: `AwsSolutions-IAM5[Resource::${executions}${suffix}]`, reason: 'Granted by DistributedMap: describe and stop the child executions of this state machine only.' });
    }
    Validations.of(smRole).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'CloudWatch Logs delivery and X-Ray segment actions support no resource-level permissions (granted by CDK for the state machine\u2019s logging and tracing).' });

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
