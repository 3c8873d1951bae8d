/**
 * Template assertions for the data buckets and the bot task's outputs, stop budget and health check, run
 * inside each stage's suite on its one synth (see stage-template-suite.ts).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, expect, it } from 'vitest';
import type { StageConfig } from '../../infra/config/stages.js';
import { BOT_STOP_TIMEOUT_SECONDS, botOutputPrefixes } from '../../infra/constructs/bot-service.js';
import { PROJECT_ROOT } from '../../infra/trading-app.js';
import { outputsFromEnv } from '../../containers/bot/reporting/outputs-from-env.js';
import { startHealthServer, type HealthServer, type HealthStatus } from '../../containers/bot/controls/health-server.js';
import { ManualClock } from '../../shared/domain/clock.js';
import { nullLogger } from '../../shared/observability/logger.js';
import { nullMetrics } from '../../shared/observability/metrics.js';
import { ORPHAN_POLICIES } from '../../shared/reconciliation/drift.js';
import { s3KeyFor } from '../../shared/recording/s3-chunk-uploader.js';
import { argv, parseDockerfile } from '../support/dockerfile.js';
import type { SynthesizedStage } from './synth-stage.js';

const run = promisify(execFile);

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: unknown };

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A CloudFormation ARN expression as text: `<Id.Arn>/prefix/*`, `<Id>` for a Ref. */
function render(v: unknown): string {
  if (typeof v === 'string') return v;
  const o = v as Record<string, unknown>;
  if (o.Ref) return `<${String(o.Ref)}>`;
  if (o['Fn::GetAtt']) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  if (o['Fn::Join']) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  return JSON.stringify(v);
}

/** Does `key` fall under an IAM resource pattern such as `recordings/prod/*` (`*` = any characters)? */
function matchesGlob(pattern: string, key: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(key);
}

export function botOutputsSuite(get: () => SynthesizedStage, config: StageConfig): void {
  const stage = config.stage;
  const resources = (): Record<string, Resource> => get().template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string): [string, Resource][] => Object.entries(resources()).filter(([, r]) => r.Type === type);
  const bucketId = (prefix: string): string => {
    const ids = ofType('AWS::S3::Bucket').map(([id]) => id).filter((id) => id.startsWith(prefix));
    expect(ids, prefix).toHaveLength(1);
    return ids[0]!;
  };
  const container = (): Record<string, unknown> =>
    (ofType('AWS::ECS::TaskDefinition')[0]![1].Properties!.ContainerDefinitions as Record<string, unknown>[])[0]!;
  const taskDef = (): Record<string, unknown> => ofType('AWS::ECS::TaskDefinition')[0]![1].Properties!;
  const envOf = (): Record<string, unknown> =>
    Object.fromEntries((container().Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]));
  const statementsOfRole = (roleId: string): Statement[] =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => asArray(p.Properties!.Roles as unknown[]).some((r) => render(r) === `<${roleId}>`))
      .flatMap(([, p]) => asArray((p.Properties!.PolicyDocument as { Statement: Statement[] }).Statement));
  const taskRoleId = (): string => render(taskDef().TaskRoleArn).replace(/^<|\.Arn>$/g, '');

  it('keeps recordings in a private, S3-encrypted, TLS-only, unversioned bucket with the stage\'s tiering and expiry', () => {
    const id = bucketId('Recordings');
    const p = resources()[id]!.Properties!;
    expect(p.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(p.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(p.VersioningConfiguration).toBeUndefined();
    expect(p.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'tier-then-expire',
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Transitions: [
            { StorageClass: 'STANDARD_IA', TransitionInDays: config.recordings.infrequentAccessAfterDays },
            { StorageClass: 'GLACIER_IR', TransitionInDays: config.recordings.glacierInstantRetrievalAfterDays },
          ],
          ExpirationInDays: config.recordings.expireAfterDays,
        },
      ],
    });
    expect(config.recordings).toEqual({ infrequentAccessAfterDays: 30, glacierInstantRetrievalAfterDays: 90, expireAfterDays: 730 });
  });

  it('denies every non-TLS request to both data buckets and allows nothing in their policies but CDK\'s emptying on stack delete', () => {
    for (const prefix of ['Recordings', 'Reports']) {
      const id = bucketId(prefix);
      const policies = ofType('AWS::S3::BucketPolicy').filter(([, p]) => render(p.Properties!.Bucket) === `<${id}>`);
      expect(policies, prefix).toHaveLength(1);
      const statements = asArray((policies[0]![1].Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
      const deny = statements.filter((st) => st.Effect === 'Deny');
      expect(deny).toEqual([
        {
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Resource: [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] }],
        },
      ]);
      const allowedTo = statements.filter((st) => st.Effect === 'Allow').map((st) => render((st.Principal as { AWS: unknown }).AWS));
      expect(allowedTo, prefix).toEqual(config.retainData ? [] : [expect.stringMatching(/^<CustomS3AutoDeleteObjectsCustomResourceProviderRole\w+\.Arn>$/)]);
    }
  });

  it(`${config.retainData ? 'retains both data buckets' : 'empties and deletes both data buckets'} with the stack (retainData), through CDK's provider only`, () => {
    for (const prefix of ['Recordings', 'Reports']) {
      const r = resources()[bucketId(prefix)]!;
      expect(r.DeletionPolicy, prefix).toBe(config.retainData ? 'Retain' : 'Delete');
      expect(r.UpdateReplacePolicy, prefix).toBe(config.retainData ? 'Retain' : 'Delete');
    }
    const autoDelete = ofType('Custom::S3AutoDeleteObjects').map(([, r]) => render(r.Properties!.BucketName)).sort();
    expect(autoDelete).toEqual(config.retainData ? [] : [`<${bucketId('Recordings')}>`, `<${bucketId('Reports')}>`].sort());
    // Besides the four jobs (string descriptions) and the operator parameters' create-only provider, the only
    // function is that provider, and only when it is needed.
    const others = ofType('AWS::Lambda::Function')
      .filter(([, f]) => typeof f.Properties!.Description !== 'string')
      .map(([id]) => id)
      .filter((id) => !id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'));
    expect(others).toEqual(config.retainData ? [] : [expect.stringMatching(/^CustomS3AutoDeleteObjectsCustomResourceProviderHandler/)]);
  });

  it('tells the bot its buckets, its stage and the reconciler\'s orphan policy, which the bot\'s own reader turns into its S3 destinations', () => {
    const env = envOf();
    const rec = bucketId('Recordings');
    const rep = bucketId('Reports');
    expect(render(env.RECORDINGS_BUCKET)).toBe(`<${rec}>`);
    expect(render(env.REPORTS_BUCKET)).toBe(`<${rep}>`);
    expect(env.STAGE).toBe(stage);
    expect(env.ORPHAN_POLICY).toBe(config.orphanPolicy);
    expect(ORPHAN_POLICIES).toContain(env.ORPHAN_POLICY);
    const reconciler = ofType('AWS::Lambda::Function').find(([, f]) => String(f.Properties!.Description).startsWith('Reconciles orders'))!;
    const reconcilerEnv = (reconciler[1].Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(reconcilerEnv.RECONCILER_ORPHAN_POLICY).toBe(env.ORPHAN_POLICY);
    // Recording chunks wait on a writable mount (the root file system is read-only).
    const writable = (container().MountPoints as { ContainerPath: string; ReadOnly: boolean }[]).filter((m) => !m.ReadOnly).map((m) => m.ContainerPath);
    expect(writable.some((path) => String(env.RECORDINGS_DIR).startsWith(`${path}/`)), String(env.RECORDINGS_DIR)).toBe(true);

    const outputs = outputsFromEnv(
      { ...(env as Record<string, string>), RECORDINGS_BUCKET: 'rec-bucket', REPORTS_BUCKET: 'rep-bucket' },
      { clock: new ManualClock(0), logger: nullLogger, metrics: nullMetrics, s3: new S3Client({ region: 'us-east-1' }) },
    );
    const prefixes = botOutputPrefixes(stage);
    expect(outputs.stage).toBe(stage);
    expect(outputs.recording?.destination).toBe(`s3://rec-bucket/${prefixes.recordings}`);
    expect(outputs.recording?.dir).toBe(env.RECORDINGS_DIR);
    expect(outputs.recording?.uploader).toBeDefined();
    expect(outputs.reports?.destination).toBe(`s3://rep-bucket/${prefixes.reports}`);
    expect(outputs.reports?.prefix).toBe(prefixes.reports);
  });

  it('lets the bot PutObject, and nothing else in S3, under exactly recordings/<stage>/ and reports/<stage>/live/, the keys it writes', () => {
    const rec = bucketId('Recordings');
    const rep = bucketId('Reports');
    const s3Statements = statementsOfRole(taskRoleId()).filter((st) => asArray(st.Action).some((a) => a.startsWith('s3:')));
    expect(s3Statements.flatMap((st) => asArray(st.Action))).toEqual(['s3:PutObject']);
    const granted = s3Statements.flatMap((st) => asArray(st.Resource).map(render)).sort();
    expect(granted).toEqual([`<${rec}.Arn>/recordings/${stage}/*`, `<${rep}.Arn>/reports/${stage}/live/*`].sort());

    // The keys the bot's code produces fall under those patterns, and another stage's keys do not.
    const keyPatterns = granted.map((g) => g.replace(/^<[^>]+>\//, ''));
    const prefixes = botOutputPrefixes(stage);
    const chunkKey = s3KeyFor(prefixes.recordings, '/tmp/recordings/bot-20260308T120000Z-00003.ndjson.gz', Date.UTC(2026, 2, 8, 12));
    expect(chunkKey).toBe(`recordings/${stage}/2026/03/08/bot-20260308T120000Z-00003.ndjson.gz`);
    for (const key of [chunkKey, `${prefixes.reports}2026-03-08.html`, `${prefixes.reports}2026-03-08.json`]) {
      expect(keyPatterns.some((p) => matchesGlob(p, key)), key).toBe(true);
    }
    const other = stage === 'prod' ? 'staging' : 'prod';
    for (const key of [`recordings/${other}/2026/03/08/x.gz`, `reports/${other}/live/2026-03-08.html`, 'reports/2026/03/2026-03-08.json']) {
      expect(keyPatterns.some((p) => matchesGlob(p, key)), key).toBe(false);
    }
    // Nobody else may write recordings; the execution role has no S3 at all.
    const writersOfRecordings = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties!.PolicyDocument).includes(`"${rec}"`))
      .flatMap(([, p]) => asArray(p.Properties!.Roles as unknown[]).map(render));
    expect(writersOfRecordings).toEqual([`<${taskRoleId()}>`]);
    const execRoleId = render(taskDef().ExecutionRoleArn).replace(/^<|\.Arn>$/g, '');
    expect(JSON.stringify(statementsOfRole(execRoleId))).not.toContain('s3:');
  });

  it('gives the bot 120 s (Fargate\'s maximum) between SIGTERM and SIGKILL, with one task and stop-before-start deployments', () => {
    expect(BOT_STOP_TIMEOUT_SECONDS).toBe(120);
    expect(container().StopTimeout).toBe(BOT_STOP_TIMEOUT_SECONDS);
    const [, service] = ofType('AWS::ECS::Service')[0]!;
    expect(service.Properties!.DesiredCount).toBe(1);
    expect(service.Properties!.DeploymentConfiguration).toMatchObject({ MinimumHealthyPercent: 0, MaximumPercent: 100 });
    expect(taskDef().RequiresCompatibilities).toEqual(['FARGATE']);
  });

  it('declares every writable task mount as a VOLUME of the image (else Fargate mounts it root-owned) and runs as uid 1000', () => {
    const stages = parseDockerfile(readFileSync(join(PROJECT_ROOT, 'containers', 'bot', 'Dockerfile'), 'utf8'));
    const volumes = stages.at(-1)!.instructions.filter((i) => i.op === 'VOLUME').flatMap((i) => argv(i.args));
    const mounts = (container().MountPoints as { ContainerPath: string }[]).map((m) => m.ContainerPath);
    expect(mounts).toEqual(['/tmp']);
    for (const m of mounts) expect(volumes, m).toContain(m);
    expect(container().User).toBe('1000:1000');
    expect(container().ReadonlyRootFilesystem).toBe(true);
  });

  describe_health(get, config, container, envOf);
}

/** The container health check command, run for real against the bot's health server on an ephemeral port. */
function describe_health(
  get: () => SynthesizedStage,
  config: StageConfig,
  container: () => Record<string, unknown>,
  envOf: () => Record<string, unknown>,
): void {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('runs a health check that passes against the bot\'s /healthz while it trades and fails once it stops', async () => {
    expect(get()).toBeDefined();
    const check = container().HealthCheck as { Command: string[] };
    expect(check.Command.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    const script = check.Command[3]!;
    expect(envOf().HEALTH_PORT).toBe(String(config.bot.healthPort));
    expect(script).toContain(`http://127.0.0.1:${config.bot.healthPort}/healthz`);
    let status: HealthStatus = { phase: 'trading' };
    server = await startHealthServer({ port: 0, status: () => status });
    const probe = script.replace(`:${config.bot.healthPort}/`, `:${server.port}/`);
    await expect(run(process.execPath, ['-e', probe])).resolves.toBeDefined();
    status = { phase: 'stopping' };
    await expect(run(process.execPath, ['-e', probe])).rejects.toMatchObject({ code: 1 });
  });
}
