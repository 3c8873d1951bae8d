/**
 * The template assertions every stage must pass, as a suite that each stage's test file runs once (one synth
 * per file, in beforeAll; bundling four functions takes a few seconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { leaseTableName, STAGE_NAMES, STAGES, type StageName } from '../../infra/config/stages.js';
import { OUTPUT_KEYS } from '../../infra/constructs/stack-outputs.js';
import { isPlaceholderSecret } from '../../shared/aws/credentials.js';
import { createTableInput } from '../../shared/store/create-tables.js';
import { TABLE_DEFINITIONS, TABLE_LOGICAL_NAMES } from '../../shared/store/table-definitions.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseLeagues } from '../../functions/odds-poller/league-config.js';
import { BOT_STOP_DEADLINE_MS, BOT_STOP_TIMEOUT_SECONDS, DOCKER_CONTEXT_INCLUDES } from '../../infra/constructs/bot-service.js';
import { lambdaBuildOptions } from '../../infra/constructs/lambda-bundling.js';
import { PROJECT_ROOT } from '../../infra/trading-app.js';
import { build } from 'esbuild';
import { botOutputsSuite } from './bot-outputs-suite.js';
import { synthStage, type SynthesizedStage } from './synth-stage.js';

const DESCRIPTION_PREFIX: Record<string, string> = {
  'Polls OpticOdds': 'odds-poller',
  'Reconciles orders': 'reconciler',
  'Midnight New York': 'daily-reset',
  'Daily report': 'reporter',
};
function jobOf(description: string): string | undefined {
  return Object.entries(DESCRIPTION_PREFIX).find(([p]) => description.startsWith(p))?.[1];
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

function sortBy<T extends { AttributeName: string }>(xs: T[]): T[] {
  return [...xs].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName));
}

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function refsIn(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Ref' && typeof x === 'string') out.push(x);
        else if (k === 'Fn::GetAtt' && Array.isArray(x) && typeof x[0] === 'string') out.push(x[0]);
        else walk(x);
      }
    }
  };
  walk(value);
  return out;
}

export function stageTemplateSuite(stage: StageName, options: { alarmEmail?: string } = {}): void {
  const config = STAGES[stage];

  describe(`${stage} stack template`, () => {
    let s: SynthesizedStage;
    let resources: Resources;
    const ofType = (type: string): [string, Record<string, unknown>][] =>
      Object.entries(resources)
        .filter(([, r]) => r.Type === type)
        .map(([id, r]) => [id, r.Properties ?? {}]);
    /** The four job functions (CDK's S3 auto-delete provider, staging only, has no literal description). */
    const jobFunctions = (): [string, Record<string, unknown>][] =>
      ofType('AWS::Lambda::Function').filter(([, f]) => typeof f.Description === 'string');

    // Bundling four functions and the nag pass take about a minute on a busy 2-core machine.
    beforeAll(() => {
      s = synthStage(stage, options);
      resources = s.template.toJSON().Resources as Resources;
    }, 240_000);
    afterAll(() => s?.cleanup());

    it('cdk-nag (AwsSolutions) leaves no unacknowledged error and synth reports no error annotation', () => {
      // Synth ran the AwsSolutions pack as a validation plugin (an in-memory synth throws on an unacknowledged
      // error; test/infra/nag-harness.test.ts proves that). Here: the pack is registered on this app and the
      // report synth wrote holds no failing or error-level finding.
      expect((s.app as unknown as { _validationPlugins: unknown[] })._validationPlugins).toContain(s.nag);
      const report = JSON.parse(readFileSync(join(s.app.outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: { pluginName: string; conclusion: string; violations: { ruleName: string; severity: string }[] }[];
      };
      const findings = report.pluginReports.flatMap((r) =>
        r.violations.filter((v) => v.severity === 'error' || r.conclusion === 'failure').map((v) => `${r.pluginName}: ${v.ruleName}`),
      );
      expect(findings).toEqual([]);
      expect(Annotations.fromStack(s.stack).findError('*', Match.anyValue())).toEqual([]);
    });

    it('has six on-demand tables with point-in-time recovery, encryption, and TTL on odds snapshots', () => {
      const tables = ofType('AWS::DynamoDB::Table');
      expect(tables).toHaveLength(TABLE_LOGICAL_NAMES.length);
      expect(tables).toHaveLength(6);
      for (const [, t] of tables) {
        expect(t.BillingMode).toBe('PAY_PER_REQUEST');
        expect(t.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(t.SSESpecification).toEqual({ SSEEnabled: true });
        expect(t.DeletionProtectionEnabled ?? false).toBe(config.retainData);
      }
      const withTtl = tables.filter(([, t]) => t.TimeToLiveSpecification);
      expect(withTtl).toHaveLength(1);
      expect(withTtl[0]![1].TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      expect(withTtl[0]![1].KeySchema).toEqual([
        { AttributeName: 'fixtureId', KeyType: 'HASH' },
        { AttributeName: 'snapshotKey', KeyType: 'RANGE' },
      ]);
      s.template.hasResourceProperties('AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'executionId', KeyType: 'HASH' }] });
    });

    it('builds each table exactly as the local emulator bootstrap does (one definition for both)', () => {
      const cfn = ofType('AWS::DynamoDB::Table').map(([, t]) => t);
      for (const name of TABLE_LOGICAL_NAMES) {
        const local = createTableInput(TABLE_DEFINITIONS[name], 'x');
        const match = cfn.filter((t) => JSON.stringify(t.KeySchema) === JSON.stringify(local.KeySchema) &&
          JSON.stringify(sortBy(t.AttributeDefinitions as { AttributeName: string }[])) === JSON.stringify(sortBy(local.AttributeDefinitions as { AttributeName: string }[])));
        expect(match, name).toHaveLength(1);
        const gsis = asArray(match[0]!.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[]);
        expect(gsis.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection }))).toEqual(
          (local.GlobalSecondaryIndexes ?? []).map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection })),
        );
      }
    });

    it('runs the bot as one ARM64 Fargate task of 0.25 vCPU / 512 MiB with a health check and awslogs', () => {
      s.template.resourceCountIs('AWS::ECS::TaskDefinition', 1);
      s.template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        RequiresCompatibilities: ['FARGATE'],
        Cpu: '256',
        Memory: '512',
        RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
        ContainerDefinitions: [
          Match.objectLike({
            HealthCheck: Match.objectLike({ Command: Match.arrayWith(['CMD']), Retries: 3 }),
            LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
            ReadonlyRootFilesystem: true,
          }),
        ],
      });
      const logGroups = ofType('AWS::Logs::LogGroup');
      expect(logGroups.length).toBeGreaterThan(0);
      for (const [, g] of logGroups) expect(g.RetentionInDays).toBe(config.logRetentionDays);
    });

    it('deploys the service with a rollback circuit breaker, never two bots at once, on a public IP', () => {
      s.template.resourceCountIs('AWS::ECS::Service', 1);
      s.template.hasResourceProperties('AWS::ECS::Service', {
        DesiredCount: 1,
        ...(config.bot.capacity === 'FARGATE_SPOT'
          ? { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] }
          : { LaunchType: 'FARGATE' }),
        DeploymentConfiguration: {
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
          MinimumHealthyPercent: 0,
          MaximumPercent: 100,
        },
        NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
      });
      // Container Insights off (cost): the task-not-running alarm uses the free AWS/ECS service samples.
      s.template.hasResourceProperties('AWS::ECS::Cluster', {
        ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }],
      });
    });

    it('has no NAT gateway and only public subnets', () => {
      s.template.resourceCountIs('AWS::EC2::NatGateway', 0);
      const subnets = ofType('AWS::EC2::Subnet');
      expect(subnets).toHaveLength(config.maxAzs);
      for (const [, sn] of subnets) expect(sn.MapPublicIpOnLaunch).toBe(true);
    });

    it('defines the four functions on nodejs22.x / ARM64 with bundled ESM code', () => {
      const fns = jobFunctions();
      expect(fns).toHaveLength(4);
      for (const [, f] of fns) {
        expect(f.Runtime).toBe('nodejs22.x');
        expect(f.Architectures).toEqual(['arm64']);
        expect(f.Handler).toBe('index.handler');
      }
      expect(fns.map(([, f]) => f.Description).sort()).toEqual(
        [
          'Daily report to S3 and a summary to SNS',
          'Midnight New York: archives the risk day and resets the daily breaker',
          'Polls OpticOdds, stores odds snapshots, fans updates out to the bot',
          'Reconciles orders, fills and positions with the exchange',
        ].sort(),
      );
    });

    it('bundles real handlers as ESM that load on this Node (createRequire banner, node22 target)', async () => {
      const real = jobFunctions().filter(([, f]) => !s.stubbed.includes(jobOf(String(f.Description)) as never));
      for (const [id, f] of real) {
        const key = (f.Code as { S3Key?: unknown }).S3Key;
        expect(typeof key, id).toBe('string');
        const assetDir = `asset.${String(key).replace(/\.zip$/, '')}`;
        const mod = (await import(pathToFileURL(join(s.app.outdir, assetDir, 'index.mjs')).href)) as { handler?: unknown };
        expect(typeof mod.handler, id).toBe('function');
      }
    });

    it('keeps every Lambda bundle under 1 MB, free of undici (the venue client uses the global fetch there), with a lean source map', () => {
      const fns = jobFunctions();
      expect(fns).toHaveLength(4);
      for (const [id, f] of fns) {
        const key = String((f.Code as { S3Key?: unknown }).S3Key);
        const assetDir = join(s.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
        expect(statSync(join(assetDir, 'index.mjs')).size, id).toBeLessThanOrEqual(1024 * 1024);
        const map = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
        const sources = map.sources;
        expect(map.sourcesContent ?? [], `${id}: the map embeds no sources (smaller map to parse at cold start)`).toEqual([]);
        expect(sources.some((src) => src.includes('shared/observability/') || src.includes('functions/')), id).toBe(true);
        expect(sources.filter((src) => /node_modules\/undici\//.test(src)), id).toEqual([]);
      }
    });

    it('bundles exactly as the bench does (lambda-bundling.ts): the same bytes, built-ins required rather than imported', async () => {
      const real = jobFunctions().filter(([, f]) => !s.stubbed.includes(jobOf(String(f.Description)) as never));
      expect(real.length).toBeGreaterThan(0);
      const dir = mkdtempSync(join(tmpdir(), 'bundle-drift-'));
      try {
        for (const [id, f] of real) {
          const name = jobOf(String(f.Description))!;
          const key = String((f.Code as { S3Key?: unknown }).S3Key).replace(/\.zip$/, '');
          const deployed = readFileSync(join(s.app.outdir, `asset.${key}`, 'index.mjs'), 'utf8');
          const outfile = join(dir, name, 'index.mjs');
          await build({ ...lambdaBuildOptions(PROJECT_ROOT, join(PROJECT_ROOT, 'functions', name, 'handler.ts'), outfile), logLevel: 'silent' });
          expect(readFileSync(outfile, 'utf8') === deployed, `${id}: the bench's bundle of ${name} differs from the deployed one`).toBe(true);
          // Only the banner's createRequire is an ESM import of a built-in: an imported built-in's facade would
          // run its lazy getters at load (node:http's loads Node's undici, http2, tls and worker_threads).
          const builtinImports = deployed.match(/(?:from|import)\s*\(?\s*["'](?:node:)?[a-z_/]+["']/g) ?? [];
          expect(builtinImports.filter((m) => !/["']module["']/.test(m)), id).toEqual([]);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('schedules every job in the New York time zone, the daily reset at midnight, with a DLQ', () => {
      const schedules = ofType('AWS::Scheduler::Schedule');
      expect(schedules).toHaveLength(4);
      for (const [, sc] of schedules) {
        expect(sc.ScheduleExpressionTimezone).toBe('America/New_York');
        expect(sc.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
        expect((sc.Target as Record<string, unknown>).DeadLetterConfig).toBeDefined();
      }
      const reset = schedules.find(([, sc]) => String(sc.Description).startsWith('daily-reset'));
      expect(reset?.[1].ScheduleExpression).toBe('cron(0 0 * * ? *)');
      const resetFn = ofType('AWS::Lambda::Function').find(([, f]) => String(f.Description).startsWith('Midnight New York'));
      expect(refsIn((reset?.[1].Target as Record<string, unknown>).Arn)).toEqual([resetFn?.[0]]);
      const expressions = schedules.map(([, sc]) => sc.ScheduleExpression);
      expect(expressions).toEqual(expect.arrayContaining([config.schedules.oddsPoller, config.schedules.reconciler, config.schedules.reporter]));
    });

    it('gives every queue a DLQ (or makes it one), SSE and a TLS-only policy', () => {
      const queues = ofType('AWS::SQS::Queue');
      // odds updates, control, the odds poller's fan-out, each with its DLQ; the scheduler's DLQ.
      expect(queues).toHaveLength(7);
      const dlqIds = new Set(queues.flatMap(([, q]) => refsIn((q.RedrivePolicy as Record<string, unknown> | undefined)?.deadLetterTargetArn)));
      const schedulerDlqIds = new Set(ofType('AWS::Scheduler::Schedule').flatMap(([, sc]) => refsIn((sc.Target as Record<string, unknown>).DeadLetterConfig)));
      for (const [id, q] of queues) {
        expect(q.SqsManagedSseEnabled).toBe(true);
        const isDlq = dlqIds.has(id) || schedulerDlqIds.has(id);
        if (!isDlq) expect(q.RedrivePolicy, `${id} has no DLQ`).toMatchObject({ maxReceiveCount: 5 });
      }
      expect(dlqIds.size).toBe(3);
      expect(schedulerDlqIds.size).toBe(1);
      const fifo = queues.filter(([, q]) => q.FifoQueue === true);
      expect(fifo).toHaveLength(2);
      const policies = ofType('AWS::SQS::QueuePolicy');
      const tlsProtected = new Set(
        policies
          .filter(([, p]) =>
            JSON.stringify(p.PolicyDocument).includes('"aws:SecureTransport":"false"'),
          )
          .flatMap(([, p]) => refsIn(p.Queues)),
      );
      for (const [id] of queues) expect(tlsProtected.has(id), `${id} allows non-TLS`).toBe(true);
    });

    it('alarms on the DESIGN conditions with the right thresholds, all notifying the topic', () => {
      const topicId = ofType('AWS::SNS::Topic')[0]![0];
      const alarms = ofType('AWS::CloudWatch::Alarm');
      // 7 trading alarms + 4 dead-letter queues + an Errors and a Throttles alarm per job function.
      expect(alarms).toHaveLength(11 + 2 * 4);
      for (const [, a] of alarms) {
        expect(refsIn(a.AlarmActions)).toEqual([topicId]);
      }
      const byName = (suffix: string): Record<string, unknown> => {
        const hit = alarms.find(([, a]) => a.AlarmName === `${stage}-trading-${suffix}`);
        expect(hit, suffix).toBeDefined();
        return hit![1];
      };
      expect(byName('DailyLossLimitHit')).toMatchObject({ MetricName: 'risk.daily_loss_limit_hit', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(byName('ExchangeWebSocketDown')).toMatchObject({ MetricName: 'venue.ws.down_seconds', Threshold: 30, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
      const api = byName('ApiErrorRate');
      expect(api).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
      const exprs = asArray(api.Metrics as Record<string, unknown>[]);
      expect(exprs.find((m) => m.Expression)?.Expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
      expect(byName('PositionOverLimit')).toMatchObject({ MetricName: 'risk.positions_over_limit', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      // From the service's free AWS/ECS samples (no Container Insights), over more minutes than a deploy's gap.
      expect(byName('BotTaskNotRunning')).toMatchObject({
        Namespace: 'AWS/ECS',
        MetricName: 'CPUUtilization',
        Statistic: 'SampleCount',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
      });
      for (const [, c] of ofType('AWS::ECS::Cluster')) {
        expect(JSON.stringify(c.ClusterSettings ?? [])).not.toContain('"enabled"');
      }
      expect(byName('ReconciliationDrift')).toMatchObject({ MetricName: 'reconciler.drift', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(byName('VenueWireDrift')).toMatchObject({ MetricName: 'venue.wire_drift', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      for (const dlq of ['OddsUpdates', 'Control', 'OddsFanout', 'Scheduler']) {
        expect(byName(`DeadLetters${dlq}`)).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Threshold: 0 });
      }
      for (const name of ['DailyLossLimitHit', 'PositionOverLimit', 'ReconciliationDrift']) {
        expect(byName(name).Namespace).toBe(`PmusTrader/${stage}`);
      }
      s.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      s.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      s.template.resourceCountIs('AWS::SNS::Subscription', options.alarmEmail ? 1 : 0);
      if (options.alarmEmail) s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: options.alarmEmail });
    });

    it('creates the secrets with a recognisable placeholder and no secret value in the template', () => {
      const secrets = ofType('AWS::SecretsManager::Secret');
      expect(secrets).toHaveLength(2);
      for (const [, sec] of secrets) {
        expect(sec.SecretString).toBeUndefined();
        const gen = sec.GenerateSecretString as { SecretStringTemplate: string; GenerateStringKey: string };
        expect(isPlaceholderSecret(JSON.stringify({ ...JSON.parse(gen.SecretStringTemplate), [gen.GenerateStringKey]: 'generated' }))).toBe(true);
      }
    });

    it('leaves the mode and kill switch to the operator: no AWS::SSM::Parameter, a create-only custom resource with safe defaults', () => {
      s.template.resourceCountIs('AWS::SSM::Parameter', 0);
      const made = ofType('Custom::OperatorParameter').map(([, r]) => r);
      expect(made).toHaveLength(2);
      const calls = made.map((r) => ({ create: JSON.parse(JSON.stringify(r.Create)) as unknown, update: r.Update, del: r.Delete }));
      const created = calls.map((c) => JSON.stringify(c.create));
      const expected: [string, string][] = [[`/${stage}/trading/mode`, 'paper'], [`/${stage}/trading/kill-switch`, 'off']];
      for (const [name, value] of expected) {
        const call = created.find((c) => c.includes(name));
        expect(call, name).toBeDefined();
        expect(call).toContain('putParameter');
        expect(call).toContain('Overwrite');
        expect(call).toMatch(/Overwrite\\?":false/);
        expect(call).toContain('ParameterAlreadyExists');
        expect(call).toContain(value);
      }
      expect(config.initialTradingMode).toBe('paper');
      // Never rewritten nor deleted by a later deploy.
      for (const c of calls) {
        expect(c.update).toBeUndefined();
        expect(c.del).toBeUndefined();
      }
      // The provider may put exactly these two parameters, nothing else.
      const puts = ofType('AWS::IAM::Policy').flatMap(([, p]) =>
        asArray((p.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement).filter((st) => JSON.stringify(st.Action).includes('ssm:PutParameter')),
      );
      expect(puts).toHaveLength(2);
      for (const st of puts) {
        expect(st.Action).toBe('ssm:PutParameter');
        expect(JSON.stringify(st.Resource)).toMatch(new RegExp(`parameter/${stage}/trading/(mode|kill-switch)`));
      }
    });

    it('lets CloudWatch (this account only) publish to the TLS-only topic', () => {
      const policies = ofType('AWS::SNS::TopicPolicy');
      expect(policies).toHaveLength(1);
      const statements = asArray((policies[0]![1].PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
      const allow = statements.find((st) => st.Effect === 'Allow' && JSON.stringify(st.Principal).includes('cloudwatch.amazonaws.com'));
      expect(allow).toMatchObject({ Action: 'sns:Publish', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } });
      expect(statements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport'))).toBe(true);
    });

    it('alarms on each job function\'s errors and throttles, and sends failed async runs to the scheduler DLQ', () => {
      const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a);
      const fns = jobFunctions();
      expect(fns).toHaveLength(4);
      for (const [fnId] of fns) {
        for (const metric of ['Errors', 'Throttles']) {
          const hit = alarms.filter((a) => a.MetricName === metric && a.Namespace === 'AWS/Lambda' && refsIn(a.Dimensions).includes(fnId));
          expect(hit, `${fnId} ${metric}`).toHaveLength(1);
          expect(hit[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
        }
      }
      const dlqId = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::SQS::Queue' && id.includes('SchedulerDlq'))![0];
      const invokeConfigs = ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => c);
      expect(invokeConfigs).toHaveLength(4);
      for (const c of invokeConfigs) {
        expect(refsIn((c.DestinationConfig as { OnFailure: unknown }).OnFailure)).toEqual([dlqId]);
        expect(c.MaximumRetryAttempts).toBe(2);
      }
      expect(new Set(invokeConfigs.flatMap((c) => refsIn(c.FunctionName)))).toEqual(new Set(fns.map(([id]) => id)));
    });

    it('outputs every ARN and name an operator needs', () => {
      const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(Object.keys(outputs).sort()).toEqual(expect.arrayContaining([...OUTPUT_KEYS].sort()));
      const secretIds = ofType('AWS::SecretsManager::Secret').map(([id]) => id);
      expect(refsIn(outputs.ExchangeKeySecretArn!.Value)[0]).toBe(secretIds.find((id) => id.includes('ExchangeKey')));
      expect(outputs.TradingModeParameterName!.Value).toBe(`/${stage}/trading/mode`);
      expect(outputs.KillSwitchParameterName!.Value).toBe(`/${stage}/trading/kill-switch`);
      expect(refsIn(outputs.AlarmTopicArn!.Value)).toEqual([ofType('AWS::SNS::Topic')[0]![0]]);
      const leases = Object.entries(resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table' && r.Properties?.TableName === leaseTableName(stage));
      expect(refsIn(outputs.LeasesTableName!.Value)).toEqual([leases![0]]);
    });

    it('lets the bot read (GetItem only) the other stages\' leases tables and names them in PEER_LEASE_TABLES', () => {
      const others = STAGE_NAMES.filter((x) => x !== stage);
      const task = ofType('AWS::ECS::TaskDefinition')[0]![1];
      const env = (task.ContainerDefinitions as { Environment: { Name: string; Value: unknown }[] }[])[0]!.Environment;
      expect(env.find((e) => e.Name === 'PEER_LEASE_TABLES')?.Value).toBe(others.map((o) => `${o}=${leaseTableName(o)}`).join(','));
      const gets = ofType('AWS::IAM::Policy').flatMap(([, p]) =>
        asArray((p.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement).filter((st) => st.Action === 'dynamodb:GetItem'),
      );
      expect(gets).toHaveLength(1);
      for (const o of others) expect(JSON.stringify(gets[0]!.Resource)).toContain(`table/${leaseTableName(o)}`);
    });

    it('IAM has no wildcard action at all, and no "*" resource for dynamodb, secretsmanager, ssm, sqs or sns', () => {
      const statements = ofType('AWS::IAM::Policy').flatMap(([id, p]) =>
        asArray((p.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement).map((st) => ({ id, st })),
      );
      expect(statements.length).toBeGreaterThan(0);
      for (const { id, st } of statements) {
        const actions = asArray(st.Action as string | string[]);
        for (const a of actions) {
          expect(a, `${id}`).not.toContain('*');
          if (/^(dynamodb|secretsmanager|ssm|sqs|sns):/.test(a)) {
            expect(asArray(st.Resource as unknown), `${id} ${a}`).not.toContain('*');
          }
        }
      }
    });

    it('grants each function only what it needs (daily-reset: the risk-day table, the kill switch, the control queue)', () => {
      const fns = ofType('AWS::Lambda::Function');
      const roleOf = (desc: string): string => refsIn(fns.find(([, f]) => String(f.Description).startsWith(desc))![1].Role)[0]!;
      const policyRefs = (roleId: string): Set<string> =>
        new Set(ofType('AWS::IAM::Policy').filter(([, p]) => refsIn(p.Roles).includes(roleId)).flatMap(([, p]) => refsIn(p.PolicyDocument)));
      const tableIds = Object.fromEntries(
        ofType('AWS::DynamoDB::Table').map(([id]) => [id.replace(/^State/, '').replace(/Table.*$/, ''), id]),
      ) as Record<string, string>;
      const resetRefs = policyRefs(roleOf('Midnight New York'));
      expect(resetRefs.has(tableIds.RiskDays!)).toBe(true);
      for (const other of ['Orders', 'Fills', 'Positions', 'OddsSnapshots', 'Leases']) expect(resetRefs.has(tableIds[other]!)).toBe(false);
      const resetPolicy = JSON.stringify(ofType('AWS::IAM::Policy').filter(([, p]) => refsIn(p.Roles).includes(roleOf('Midnight New York'))).map(([, p]) => p.PolicyDocument));
      expect(resetPolicy).toContain(`parameter/${stage}/trading/kill-switch`);
      expect(resetPolicy).not.toContain(`parameter/${stage}/trading/mode`);
      expect([...resetRefs].some((r) => r.startsWith('SettingsExchangeKey') || r.startsWith('SettingsDataProviderKey'))).toBe(false);
      const pollerRefs = policyRefs(roleOf('Polls OpticOdds'));
      expect([...pollerRefs].some((r) => r.startsWith('SettingsDataProviderKey'))).toBe(true);
      expect([...pollerRefs].some((r) => r.startsWith('SettingsExchangeKey'))).toBe(false);
      const reporterRefs = policyRefs(roleOf('Daily report'));
      const reporterWrites = ofType('AWS::IAM::Policy')
        .filter(([, p]) => refsIn(p.Roles).includes(roleOf('Daily report')))
        .flatMap(([, p]) => asArray((p.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement))
        .flatMap((st) => asArray(st.Action as string | string[]));
      expect(reporterWrites.filter((a) => /^dynamodb:(Put|Update|Delete)/.test(a))).toEqual([]);
      expect(reporterRefs.has(tableIds.Orders!)).toBe(false);
    });
    it('lets only the bot task take the trading lease: get, conditional update and delete on exactly the leases table ARN', () => {
      const leasesId = ofType('AWS::DynamoDB::Table').find(([, t]) => JSON.stringify(t.KeySchema) === JSON.stringify([{ AttributeName: 'leaseKey', KeyType: 'HASH' }]))?.[0];
      expect(leasesId).toMatch(/^StateLeasesTable/);
      const taskDef = ofType('AWS::ECS::TaskDefinition')[0]![1];
      const taskRoleId = refsIn(taskDef.TaskRoleArn)[0]!;
      const statements = ofType('AWS::IAM::Policy').flatMap(([, p]) =>
        asArray((p.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement).map((st) => ({ roles: refsIn(p.Roles), st })),
      );
      const onLeases = statements.filter(({ st }) => refsIn(st.Resource).includes(leasesId!));
      expect(onLeases).toHaveLength(1);
      expect(onLeases[0]!.roles).toEqual([taskRoleId]);
      expect(asArray(onLeases[0]!.st.Action as string | string[]).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']);
      // Exactly the table ARN: no index, no wildcard, nothing else in that statement.
      expect(asArray(onLeases[0]!.st.Resource as unknown)).toEqual([{ 'Fn::GetAtt': [leasesId, 'Arn'] }]);
      // No other grant anywhere deletes items.
      const deletes = statements.filter(({ st }) => asArray(st.Action as string | string[]).includes('dynamodb:DeleteItem'));
      expect(deletes).toHaveLength(1);
      // The bot is told the table and its stop deadline, inside the SIGTERM → SIGKILL budget.
      const env = Object.fromEntries(
        ((taskDef.ContainerDefinitions as { Environment: { Name: string; Value: unknown }[] }[])[0]!.Environment).map((e) => [e.Name, e.Value]),
      );
      expect(refsIn(env.TABLE_LEASES)).toEqual([leasesId]);
      expect(Number(env.STOP_DEADLINE_MS)).toBe(BOT_STOP_DEADLINE_MS);
      expect(BOT_STOP_DEADLINE_MS).toBeLessThanOrEqual((BOT_STOP_TIMEOUT_SECONDS - 10) * 1_000);
      // No job function is told the leases table.
      for (const [, f] of jobFunctions()) {
        expect(Object.keys((f.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {})).not.toContain('TABLE_LEASES');
      }
    });

    describe('odds poller fan-out and reconciler alerts', () => {
      const fnId = (desc: string): string => ofType('AWS::Lambda::Function').find(([, f]) => String(f.Description).startsWith(desc))![0];
      const envOf = (desc: string): Record<string, unknown> =>
        ((resources[fnId(desc)]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables);
      const queueId = (prefix: string): string => {
        const ids = ofType('AWS::SQS::Queue').map(([id]) => id).filter((id) => id.startsWith(prefix) && !id.startsWith(`${prefix}Dlq`));
        expect(ids, prefix).toHaveLength(1);
        return ids[0]!;
      };
      /** Every statement of the policies attached to the role of the function described by `desc`. */
      const statementsOf = (desc: string): { actions: string[]; resources: unknown[] }[] => {
        const roleId = refsIn(resources[fnId(desc)]!.Properties!.Role)[0]!;
        return ofType('AWS::IAM::Policy')
          .filter(([, p]) => refsIn(p.Roles).includes(roleId))
          .flatMap(([, p]) => asArray((p.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement))
          .map((st) => ({ actions: asArray(st.Action as string | string[]), resources: asArray(st.Resource as unknown) }));
      };
      const resourcesFor = (desc: string, action: string): unknown[] =>
        statementsOf(desc).filter((st) => st.actions.includes(action)).flatMap((st) => st.resources);

      it('has a standard fan-out queue with visibility ≥ 6 × the poller timeout, a DLQ after 5 receives, SSE and TLS-only', () => {
        const id = queueId('QueuesOddsFanout');
        const q = resources[id]!.Properties!;
        expect(q.FifoQueue).toBeUndefined();
        expect(q.SqsManagedSseEnabled).toBe(true);
        const pollerTimeout = resources[fnId('Polls OpticOdds')]!.Properties!.Timeout as number;
        expect(pollerTimeout).toBe(50);
        expect(q.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * pollerTimeout);
        // A poison message must reach the DLQ before it expires: retention covers all five receives.
        expect(q.MessageRetentionPeriod as number).toBeGreaterThanOrEqual(5 * (q.VisibilityTimeout as number));
        const redrive = q.RedrivePolicy as { maxReceiveCount: number; deadLetterTargetArn: unknown };
        expect(redrive.maxReceiveCount).toBe(5);
        const [dlqId] = refsIn(redrive.deadLetterTargetArn);
        expect(dlqId).toMatch(/^QueuesOddsFanoutDlq/);
        expect(resources[dlqId!]!.Properties!.MessageRetentionPeriod).toBe(14 * 86_400);
      });

      it('invokes the odds poller from the fan-out queue in batches of 5 with partial batch failures', () => {
        const mappings = ofType('AWS::Lambda::EventSourceMapping');
        expect(mappings).toHaveLength(1);
        const [, m] = mappings[0]!;
        expect(m.BatchSize).toBe(5);
        expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
        expect(refsIn(m.EventSourceArn)).toEqual([queueId('QueuesOddsFanout')]);
        expect(refsIn(m.FunctionName)).toEqual([fnId('Polls OpticOdds')]);
      });

      it('lets the poller send to exactly the fan-out and odds-update queues and consume exactly the fan-out queue', () => {
        const fanout = queueId('QueuesOddsFanout');
        const updates = queueId('QueuesOddsUpdates');
        // …and, as its on-failure destination, the scheduler DLQ (a failed scheduled run).
        expect(resourcesFor('Polls OpticOdds', 'sqs:SendMessage').flatMap(refsIn).sort()).toEqual([fanout, updates, queueId('QueuesSchedulerDlq')].sort());
        expect(resourcesFor('Polls OpticOdds', 'sqs:ReceiveMessage').flatMap(refsIn)).toEqual([fanout]);
        expect(resourcesFor('Polls OpticOdds', 'sqs:DeleteMessage').flatMap(refsIn)).toEqual([fanout]);
        // Nobody else sends to or reads the fan-out queue.
        for (const desc of ['Reconciles orders', 'Midnight New York', 'Daily report']) {
          for (const st of statementsOf(desc)) expect(st.resources.flatMap(refsIn), desc).not.toContain(fanout);
        }
      });

      it('gives the poller its fan-out URL and the stage\'s odds settings, which the handler parses back', () => {
        const env = envOf('Polls OpticOdds');
        expect(refsIn(env.ODDS_FANOUT_QUEUE_URL)).toEqual([queueId('QueuesOddsFanout')]);
        expect(refsIn(env.ODDS_QUEUE_URL)).toEqual([queueId('QueuesOddsUpdates')]);
        expect(parseLeagues(env.ODDS_LEAGUES as string)).toEqual(config.odds.leagues);
        expect(env).toMatchObject({
          ODDS_SPORTSBOOKS: config.odds.sportsbooks.join(','),
          ODDS_MARKETS: config.odds.markets.join(','),
          ODDS_MAX_QUOTE_AGE_SECONDS: String(config.odds.maxQuoteAgeSeconds),
          OPTICODDS_BASE_URL: config.odds.baseUrl,
        });
      });

      it('lets the reconciler publish to exactly the alert topic (and use its key) and tells it the topic and policy', () => {
        const topicId = ofType('AWS::SNS::Topic')[0]![0];
        const keyId = ofType('AWS::KMS::Key')[0]![0];
        expect(resourcesFor('Reconciles orders', 'sns:Publish').flatMap(refsIn)).toEqual([topicId]);
        expect(resourcesFor('Reconciles orders', 'kms:GenerateDataKey').flatMap(refsIn)).toEqual([keyId]);
        const env = envOf('Reconciles orders');
        expect(refsIn(env.ALERT_TOPIC_ARN)).toEqual([topicId]);
        expect(env).toMatchObject({
          EXCHANGE_API_BASE_URL: config.exchange.apiBaseUrl,
          EXCHANGE_GATEWAY_BASE_URL: config.exchange.gatewayBaseUrl,
          RECONCILER_ORPHAN_POLICY: config.orphanPolicy,
          RECONCILER_GRACE_SECONDS: String(config.reconciler.graceSeconds),
          RECONCILER_LOOKBACK_MINUTES: String(config.reconciler.lookbackMinutes),
        });
        // The daily reset does not publish.
        expect(resourcesFor('Midnight New York', 'sns:Publish')).toEqual([]);
      });
    });

    describe('data buckets and the bot task\'s outputs', () => {
      botOutputsSuite(() => s, config);
    });

    it('stages only what the bot Dockerfile copies as the image build context', () => {
      const manifest = JSON.parse(readFileSync(join(s.app.outdir, `${s.stack.stackName}.assets.json`), 'utf8')) as {
        dockerImages: Record<string, { source: { directory: string; dockerFile: string } }>;
      };
      const images = Object.values(manifest.dockerImages);
      expect(images).toHaveLength(1);
      expect(images[0]!.source.dockerFile).toBe('containers/bot/Dockerfile');
      const dir = join(s.app.outdir, images[0]!.source.directory);
      expect(readdirSync(dir).sort()).toEqual(['config', 'containers', 'package-lock.json', 'package.json', 'shared', 'tsconfig.json']);
      expect(readdirSync(join(dir, 'containers'))).toEqual(['bot']);
      expect(readdirSync(join(dir, 'containers', 'bot'))).toContain('Dockerfile');
      expect([...DOCKER_CONTEXT_INCLUDES].map((p) => p.split('/')[0]).sort()).toEqual(readdirSync(dir).sort());
    });
  });
}
