/**
 * The research stack synthesizes offline for staging (research.enabled): a Distributed Map over the items array
 * in S3 with MaxConcurrency, MaxItems and the tolerated failures from the stage settings, the item and report
 * Lambdas, least-privilege grants by prefix (the replay-form cache included), and no unacknowledged cdk-nag
 * finding. Prod leaves it out.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { STAGES } from '../../infra/config/stages.js';
import { validateResearchSettings, RESEARCH_DEFAULTS } from '../../infra/config/research.js';
import { createTradingApp, PROJECT_ROOT, type TradingApp } from '../../infra/trading-app.js';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
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

  it('publishes the endpoints parameter the launcher reads', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/staging/research/endpoints' });
  });

  it('cdk-nag: no unacknowledged finding in the research stack', () => {
    const violations = built.nag.validateScope(built.research!).violations;
    expect(violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`)).toEqual([]);
  });

  it('settings are validated: a cost above the ceiling or a cap above the map payload limit fails synth', () => {
    expect(validateResearchSettings('staging', RESEARCH_DEFAULTS)).toEqual([]);
    expect(validateResearchSettings('x', { ...RESEARCH_DEFAULTS, itemMemoryMiB: 10_240 }).join()).toMatch(/per 1,000 item-runs is above/);
    expect(validateResearchSettings('x', { ...RESEARCH_DEFAULTS, maxItems: 100_000 }).join()).toMatch(/maxItems/);
  });
});
