/**
 * The research stack synthesizes offline for staging (research.enabled): a Distributed Map over the items array
 * in S3 with MaxConcurrency, MaxItems and the tolerated failures from the stage settings, a Choice per item on
 * its runner (the item Lambda, or an ECS RunTask .sync of the ARM64 Fargate item task sized by the stage), the
 * item and report Lambdas, least-privilege grants by prefix (the replay-form cache included; the task role the
 * same as the item Lambda's), and no unacknowledged cdk-nag finding. Prod leaves it out.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { STAGES } from '../../infra/config/stages.js';
import { validateResearchSettings, RESEARCH_DEFAULTS } from '../../infra/config/research.js';
import { createTradingApp, PROJECT_ROOT, type TradingApp } from '../../infra/trading-app.js';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
const asArray = <T,>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

let built: TradingApp;
let template: Template;
let tmp: string;

beforeAll(() => {
  const cacheDir = join(PROJECT_ROOT, 'node_modules', '.cache', 'infra-tests');
  mkdirSync(cacheDir, { recursive: true });
  tmp = mkdtempSync(join(cacheDir, 'research-'));
  built = createTradingApp({ app: new App({ outdir: join(tmp, 'cdk.out'), context: { stage: 'staging' } }) });
  template = Template.fromStack(built.research!);
}, 240_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The state machine definition, parsed: the Fn::Join's parts with each token replaced by its logical id. */
function definition(): { States: Record<string, unknown> } {
  const sm = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as { Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } } };
  const text = sm.Properties.DefinitionString['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : `<${JSON.stringify(p).replace(/"/g, "'")}>`)).join('');
  return JSON.parse(text) as { States: Record<string, unknown> };
}

function policiesOf(roleLogicalIdPrefix: string): Statement[] {
  const out: Statement[] = [];
  for (const p of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const roles = JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles);
    if (roles.includes(roleLogicalIdPrefix)) out.push(...(p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
  }
  return out;
}

describe('research stack (staging)', () => {
  it('is built for staging only', () => {
    expect(built.research).toBeDefined();
    expect(STAGES.prod.research.enabled).toBe(false);
  });

  it('a Distributed Map reads the items array from S3 with the stage settings, then the report step', () => {
    const sm = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as { Properties: { DefinitionString: unknown; TracingConfiguration: unknown; LoggingConfiguration: { Level: string } } };
    const def = JSON.stringify(sm.Properties.DefinitionString);
    const r = STAGES.staging.research;
    expect(def).toContain('\\"Mode\\":\\"DISTRIBUTED\\"');
    expect(def).toContain('arn:');
    expect(def).toContain(':states:::s3:getObject');
    expect(def).toContain('\\"InputType\\":\\"JSON\\"');
    expect(def).toContain(`\\"MaxItems\\":${r.maxItems}`);
    expect(def).toContain(`\\"MaxConcurrency\\":${r.maxConcurrency}`);
    expect(def).toContain(`\\"ToleratedFailurePercentage\\":${r.toleratedFailurePercent}`);
    expect(def).toContain('\\"Key.$\\":\\"$.itemsKey\\"');
    expect(def).toContain('\\"item.$\\":\\"$$.Map.Item.Value\\"');
    expect(def).toContain('\\"BuildReport\\"');
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(sm.Properties.LoggingConfiguration.Level).toBe('ALL');
  });

  it('the item Lambda has the stage memory and timeout, the buckets in its environment', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: { Description?: string; MemorySize: number; Timeout: number; Runtime: string; Environment: { Variables: Record<string, unknown> } } }[];
    const item = fns.find((f) => f.Properties.Description?.startsWith('Research sweep item'))!;
    expect(item.Properties.MemorySize).toBe(STAGES.staging.research.itemMemoryMiB);
    expect(item.Properties.Timeout).toBe(STAGES.staging.research.itemTimeoutMinutes * 60);
    expect(item.Properties.Runtime).toBe('nodejs22.x');
    expect(Object.keys(item.Properties.Environment.Variables)).toEqual(expect.arrayContaining(['RESULTS_BUCKET', 'RECORDINGS_BUCKET', 'RECORDINGS_PREFIX']));
    expect(item.Properties.Environment.Variables.RECORDINGS_PREFIX).toBe('recordings/staging/');
    expect(fns.some((f) => f.Properties.Description?.startsWith('Research sweep report'))).toBe(true);
  });

  it('grants: the item reads recordings and the spec, writes results, reads and writes replay forms; nothing else on S3', () => {
    const s3 = policiesOf('SweepItemRole').filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));
    const text = (s: Statement) => JSON.stringify(s.Resource);
    expect(s3.flatMap((s) => asArray(s.Action)).sort()).toEqual(['s3:GetObject', 's3:GetObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:PutObject']);
    const get = s3.filter((s) => asArray(s.Action).includes('s3:GetObject')).map(text).join(' ');
    expect(get).toContain('/recordings/staging/*');
    expect(get).toContain('/sweeps/*/spec.json');
    const put = s3.filter((s) => asArray(s.Action).includes('s3:PutObject')).map(text);
    expect(put).toHaveLength(2);
    expect(put.join(' ')).toContain('/sweeps/*/results/*');
    // Replay forms: one statement, the cache prefix of the results bucket only.
    const cache = s3.find((s) => asArray(s.Action).includes('s3:PutObject') && text(s).includes('/replay-cache/*'))!;
    expect(asArray(cache.Action).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(text(cache)).not.toContain('recordings');
    const list = s3.find((s) => asArray(s.Action).includes('s3:ListBucket')) as Statement & { Condition?: unknown };
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['replay-cache/*'] } });
    expect(text(list)).not.toContain('/*');
    for (const s of policiesOf('SweepItemRole')) expect(asArray(s.Action).some((a) => a === 's3:*' || a === '*')).toBe(false);
  });

  it('grants: the report reads results and writes report.*; the state machine reads items.json', () => {
    const rep = policiesOf('SweepReportRole').filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));
    expect(JSON.stringify(rep)).toContain('/sweeps/*/report.*');
    expect(JSON.stringify(rep)).not.toContain('recordings');
    const sm = policiesOf('SweepRole');
    const s3 = sm.filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3).toHaveLength(1);
    expect(JSON.stringify(s3[0]!.Resource)).toContain('/sweeps/*/items.json');
    expect(sm.some((s) => asArray(s.Action).includes('lambda:InvokeFunction'))).toBe(true);
  });

  it('each item goes through a Choice on its runner: the Lambda, or RunTask .sync of the Fargate item task, with the same retry policy', () => {
    type State = { Type: string; Resource?: string; Next?: string; End?: boolean; Default?: string; Choices?: unknown[]; Retry?: { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number }[]; Parameters?: Record<string, unknown>; ResultPath?: unknown };
    const map = definition().States.Items as { ItemProcessor: { StartAt: string; States: Record<string, State> } };
    const states = map.ItemProcessor.States;
    expect(map.ItemProcessor.StartAt).toBe('ItemRunner');
    const choice = states.ItemRunner!;
    expect(choice.Type).toBe('Choice');
    // An item without a runner (an older launcher) is a Lambda item: the Choice checks presence first.
    expect(choice.Choices).toEqual([{ And: [{ Variable: '$.item.runner', IsPresent: true }, { Variable: '$.item.runner', StringEquals: 'fargate' }], Next: 'RunItemOnFargate' }]);
    expect(choice.Default).toBe('RunItem');
    const fargate = states.RunItemOnFargate!;
    expect(fargate.Resource).toMatch(/:states:::ecs:runTask\.sync$/);
    const p = fargate.Parameters as { LaunchType: string; TaskDefinition: string; NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: string } }; Overrides: unknown };
    expect(p.LaunchType).toBe('FARGATE');
    expect(p.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('ENABLED');
    // The item event reaches the container as JSON in SWEEP_ITEM.
    expect(p.Overrides).toEqual({ ContainerOverrides: [{ Name: 'sweep-item', Environment: [{ Name: 'SWEEP_ITEM', 'Value.$': 'States.JsonToString($)' }] }] });
    // The task's description is discarded; the map collects a few bytes per item, as from the Lambda.
    expect(fargate.ResultPath).toBeNull();
    expect(states[fargate.Next!]).toMatchObject({ Type: 'Pass', End: true, Parameters: { 'item.$': '$.item.item', runner: 'fargate' } });
    const lambda = states.RunItem!;
    expect(lambda.End).toBe(true);
    const figures = (st: State) => st.Retry!.map(({ ErrorEquals: _e, ...rest }) => rest);
    expect(figures(fargate)).toEqual(figures(lambda));
    expect(figures(lambda)).toEqual([{ IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 }]);
    expect(fargate.Retry![0]!.ErrorEquals).toEqual(expect.arrayContaining(['ECS.AmazonECSException', 'AmazonECS.Unknown']));
    expect(lambda.Retry![0]!.ErrorEquals).toEqual(expect.arrayContaining(['Lambda.ServiceException']));
  });

  it('the Fargate item task: ARM64, the stage CPU and memory, read-only root, the buckets in its environment; a VPC without NAT, S3 by gateway endpoint, HTTPS out only', () => {
    const r = STAGES.staging.research;
    const tds = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as { Properties: { Cpu: string; Memory: string; RuntimePlatform: unknown; RequiresCompatibilities: string[]; ContainerDefinitions: { Name: string; ReadonlyRootFilesystem: boolean; User: string; Environment: { Name: string; Value: unknown }[] }[] } }[];
    expect(tds).toHaveLength(1);
    const td = tds[0]!.Properties;
    expect(td.RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' });
    expect(td.Cpu).toBe(String(r.fargateCpu));
    expect(td.Memory).toBe(String(r.fargateMemoryMiB));
    expect(td.RequiresCompatibilities).toEqual(['FARGATE']);
    const c = td.ContainerDefinitions[0]!;
    expect(c.Name).toBe('sweep-item');
    expect(c.ReadonlyRootFilesystem).toBe(true);
    expect(c.User).toBe('1000:1000');
    const env = Object.fromEntries(c.Environment.map((e) => [e.Name, e.Value]));
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['RESULTS_BUCKET', 'RECORDINGS_BUCKET', 'RECORDINGS_PREFIX']));
    expect(env.RECORDINGS_PREFIX).toBe('recordings/staging/');
    expect(env.NODE_OPTIONS).toBe(`--max-old-space-size=${Math.floor(r.fargateMemoryMiB * 0.75)}`);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')) as { Properties: { VpcEndpointType?: string; ServiceName: unknown } }[];
    expect(endpoints).toHaveLength(1);
    expect(JSON.stringify(endpoints[0]!.Properties.ServiceName)).toContain('.s3');
    const sgs = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as { Properties: { SecurityGroupEgress: { IpProtocol: string; FromPort: number; ToPort: number }[]; SecurityGroupIngress?: unknown } }[];
    expect(sgs).toHaveLength(1);
    expect(sgs[0]!.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sgs[0]!.Properties.SecurityGroupEgress.map((e) => [e.IpProtocol, e.FromPort, e.ToPort])).toEqual([['tcp', 443, 443]]);
  });

  it('grants: the Fargate task role has exactly the item Lambda\u2019s S3 grants; the execution role pulls the image and writes logs only', () => {
    const s3Of = (role: string) => policiesOf(role).filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));
    const lambdaS3 = s3Of('SweepItemRole');
    expect(lambdaS3.length).toBeGreaterThan(0);
    expect(s3Of('ItemTaskTaskRole')).toEqual(lambdaS3);
    expect(policiesOf('ItemTaskTaskRole').filter((s) => !asArray(s.Action).some((a) => a.startsWith('s3:')))).toEqual([]);
    const exec = policiesOf('ItemTaskExecutionRole').flatMap((s) => asArray(s.Action)).sort();
    expect(exec).toEqual(['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('grants: the state machine may RunTask the item task definition only, pass its two roles only, and manage the .sync events rule', () => {
    const sm = policiesOf('SweepRole');
    const run = sm.filter((s) => asArray(s.Action).includes('ecs:RunTask'));
    expect(run).toHaveLength(1);
    expect(asArray(run[0]!.Action)).toEqual(['ecs:RunTask']);
    expect(JSON.stringify(run[0]!.Resource)).toContain('ResearchItemTask');
    const pass = sm.filter((s) => asArray(s.Action).includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    const passed = asArray(pass[0]!.Resource as unknown[]).map((r) => JSON.stringify(r));
    expect(passed).toHaveLength(2);
    expect(passed.some((r) => r.includes('ItemTaskTaskRole'))).toBe(true);
    expect(passed.some((r) => r.includes('ItemTaskExecutionRole'))).toBe(true);
    const events = sm.filter((s) => asArray(s.Action).some((a) => a.startsWith('events:')));
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0]!.Resource)).toContain(':rule/StepFunctionsGetEventsForECSTaskRule');
    for (const s of sm) expect(asArray(s.Action).some((a) => a === 'ecs:*' || a === 'iam:*' || a === '*')).toBe(false);
  });

  it('publishes the endpoints parameter the launcher reads', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/staging/research/endpoints' });
  });

  it('cdk-nag: no unacknowledged finding in the research stack', () => {
    const violations = built.nag.validateScope(built.research!).violations;
    expect(violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`)).toEqual([]);
  });

  it('settings are validated: a cost above the ceiling or a cap above the map payload limit fails synth', () => {
    expect(validateResearchSettings('staging', RESEARCH_DEFAULTS)).toEqual([]);
    expect(validateResearchSettings('x', { ...RESEARCH_DEFAULTS, itemMemoryMiB: 10_240 }).join()).toMatch(/per 1,000 item-runs \(with assumedFargateDayPercent 2 % of the days on Fargate\) is above/);
    expect(validateResearchSettings('x', { ...RESEARCH_DEFAULTS, maxItems: 100_000 }).join()).toMatch(/maxItems/);
  });

  it('settings are validated: the Fargate size, the day threshold and the Fargate share are named when wrong', () => {
    expect(validateResearchSettings('x', { ...RESEARCH_DEFAULTS, fargateCpu: 1000 }).join()).toMatch(/research\.fargateCpu must be one of 256, 512, 1024/);
    expect(validateResearchSettings('x', { ...RESEARCH_DEFAULTS, fargateMemoryMiB: 16_384 }).join()).toMatch(/research\.fargateMemoryMiB must be 2048\.\.8192/);
    expect(validateResearchSettings('x', { ...RESEARCH_DEFAULTS, fargateAboveMiB: 4096 }).join()).toMatch(/research\.fargateAboveMiB must be an integer in \[1, 1024\].*infra\/config\/research\.ts/);
    expect(validateResearchSettings('x', { ...RESEARCH_DEFAULTS, assumedFargateDayPercent: 100 }).join()).toMatch(/with assumedFargateDayPercent 100 % of the days on Fargate\) is above maxCostPer1000ItemRunsUsd/);
  });
});
