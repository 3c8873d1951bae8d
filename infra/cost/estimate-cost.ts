/**
 * The monthly cost of one stage, computed from its synthesized CloudFormation template (what is deployed:
 * task size and capacity, public IP, secrets, keys, alarms and their metrics, dashboards, functions and their
 * schedules, queues) with the unit prices of unit-prices.ts and the usage of usage-assumptions.ts.
 * Pure: template in, lines out (infra/cost/main.ts synthesizes and prints).
 */
import { HOURS_PER_MONTH, UNIT_PRICES as P } from './unit-prices.js';
import { USAGE as U } from './usage-assumptions.js';

type Resource = { Type: string; Properties?: Record<string, unknown> };
export interface CostLine {
  item: string;
  usd: number;
  basis: string;
}
export interface CostEstimate {
  lines: CostLine[];
  totalUsd: number;
}

/** Runs a month of a Scheduler expression: rate(N minute(s)|hour(s)|day(s)) or a daily cron. */
export function runsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const perHour = rate[2]!.startsWith('minute') ? 60 / n : rate[2]!.startsWith('hour') ? 1 / n : 1 / (24 * n);
    return Math.round(perHour * HOURS_PER_MONTH);
  }
  if (/^cron\(\S+ \S+ \* \* \? \*\)$/.test(expression)) return 30;
  throw new Error(`cost estimate: unsupported schedule expression ${expression}`);
}

const round = (x: number): number => Math.round(x * 100) / 100;

export function estimateMonthlyCost(template: { Resources: Record<string, Resource> }, options: { dashboardsInAccount: number }): CostEstimate {
  const all = Object.values(template.Resources);
  const ofType = (t: string): Resource[] => all.filter((r) => r.Type === t);
  const lines: CostLine[] = [];
  const add = (item: string, usd: number, basis: string): void => void lines.push({ item, usd: round(usd), basis });

  // Fargate: every service × its task definition's size, on its capacity provider, all month.
  for (const svc of ofType('AWS::ECS::Service')) {
    const p = svc.Properties ?? {};
    const task = ofType('AWS::ECS::TaskDefinition')[0]?.Properties ?? {};
    const vcpu = Number(task.Cpu) / 1024;
    const gb = Number(task.Memory) / 1024;
    const spot = JSON.stringify(p.CapacityProviderStrategy ?? []).includes('FARGATE_SPOT');
    const count = Number(p.DesiredCount ?? 1);
    const [cpuPrice, memPrice] = spot ? [P.fargateSpotArmVcpuHour, P.fargateSpotArmGbHour] : [P.fargateArmVcpuHour, P.fargateArmGbHour];
    add(`Fargate${spot ? ' Spot' : ''} (ARM64)`, count * HOURS_PER_MONTH * (vcpu * cpuPrice + gb * memPrice), `${count} task × ${vcpu} vCPU / ${gb} GB × ${HOURS_PER_MONTH} h`);
    const publicIp = JSON.stringify(p.NetworkConfiguration ?? {}).includes('"AssignPublicIp":"ENABLED"');
    if (publicIp) add('Public IPv4 address', count * HOURS_PER_MONTH * P.publicIpv4Hour, `${count} × ${HOURS_PER_MONTH} h × ${P.publicIpv4Hour}`);
  }

  // Functions and their schedules.
  const schedules = ofType('AWS::Scheduler::Schedule').map((s) => String(s.Properties?.ScheduleExpression));
  const descriptions = new Map<string, string>([
    ['Polls OpticOdds', 'odds-poller'],
    ['Reconciles orders', 'reconciler'],
    ['Midnight New York', 'daily-reset'],
    ['Daily report', 'reporter'],
  ]);
  const scheduleByJob = new Map<string, number>();
  for (const s of ofType('AWS::Scheduler::Schedule')) {
    const job = [...descriptions.values()].find((j) => String(s.Properties?.Description ?? '').startsWith(j));
    if (job) scheduleByJob.set(job, runsPerMonth(String(s.Properties?.ScheduleExpression)));
  }
  let invocations = 0;
  let gbSeconds = 0;
  for (const fn of ofType('AWS::Lambda::Function')) {
    const desc = String(fn.Properties?.Description ?? '');
    const job = [...descriptions].find(([prefix]) => desc.startsWith(prefix))?.[1];
    if (!job) continue;
    const gb = Number(fn.Properties?.MemorySize ?? 128) / 1024;
    const runs = scheduleByJob.get(job) ?? 0;
    invocations += runs;
    gbSeconds += runs * gb * (U.lambdaSeconds[job] ?? 1);
    if (job === 'odds-poller') {
      const worker = runs * U.leagues;
      invocations += worker;
      gbSeconds += worker * gb * U.oddsWorkerSeconds;
    }
  }
  add('Lambda (ARM64)', gbSeconds * P.lambdaArmGbSecond + (invocations / 1e6) * P.lambdaRequestMillion, `${invocations} invocations, ${Math.round(gbSeconds)} GB-s`);
  const scheduled = schedules.reduce((a, e) => a + runsPerMonth(e), 0);
  add('EventBridge Scheduler', (scheduled / 1e6) * P.schedulerMillion, `${scheduled} invocations (14 M free tier not counted)`);

  // Secrets and keys.
  const secrets = ofType('AWS::SecretsManager::Secret').length;
  const oddsRuns = scheduleByJob.get('odds-poller') ?? 0;
  const secretCalls = U.botSecretReadsPerMonth + oddsRuns * (1 + U.leagues) + (scheduleByJob.get('reconciler') ?? 0);
  add('Secrets Manager', secrets * P.secretMonth + (secretCalls / 1e4) * P.secretsPer10kCalls, `${secrets} secrets, ${secretCalls} GetSecretValue`);
  const keys = ofType('AWS::KMS::Key').length;
  if (keys > 0) add('KMS keys', keys * P.kmsKeyMonth, `${keys} customer-managed key(s) (alarm topic)`);

  // CloudWatch: alarms by metric, dashboards, custom metrics, logs.
  let alarmMetrics = 0;
  const alarms = ofType('AWS::CloudWatch::Alarm');
  for (const a of alarms) {
    const m = a.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
    alarmMetrics += m ? m.filter((x) => x.MetricStat).length : 1;
  }
  add('CloudWatch alarms', alarmMetrics * P.alarmMetricMonth, `${alarms.length} alarms watching ${alarmMetrics} metrics`);
  const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
  const freeShare = Math.min(1, P.freeDashboardsPerAccount / Math.max(1, options.dashboardsInAccount));
  add('CloudWatch dashboard', dashboards * P.dashboardMonth * (1 - freeShare), `${dashboards} × ${P.dashboardMonth}, free: the account has ${options.dashboardsInAccount} (one per stage) of the 3 always-free`);
  const alwaysOn = U.alwaysOnCustomMetrics.bot.length + U.alwaysOnCustomMetrics.functions.length;
  const eventOnly = U.eventOnlyCustomMetrics.names.length * U.eventOnlyCustomMetrics.shareOfMonth;
  add('CloudWatch custom metrics', (alwaysOn + eventOnly) * P.customMetricMonth, `${alwaysOn} always published + ${U.eventOnlyCustomMetrics.names.length} event-only at ${U.eventOnlyCustomMetrics.shareOfMonth * 100} % of hours`);
  const lambdaLogsGb = (invocations * U.lambdaLogKbPerInvocation) / 1024 / 1024;
  const logsGb = U.botLogsGb + lambdaLogsGb + U.flowLogsGb;
  add('CloudWatch Logs', logsGb * (P.logsIngestGb + P.logsStoreGbMonth), `${logsGb.toFixed(2)} GB ingested (bot ${U.botLogsGb}, Lambda ${lambdaLogsGb.toFixed(2)}, flow logs ${U.flowLogsGb})`);

  // DynamoDB on demand.
  const writes = oddsRuns * U.leagues * U.oddsSnapshotWritesPerLeaguePoll + U.leaseWritesPerMonth + U.otherDynamoWritesPerMonth;
  const tables = ofType('AWS::DynamoDB::Table').length;
  add('DynamoDB (on demand)', (writes / 1e6) * P.dynamoWriteMillion + (U.dynamoReadsPerMonth / 1e6) * P.dynamoReadMillion, `${tables} tables, ${writes} writes, ${U.dynamoReadsPerMonth} reads (storage and PITR of < 1 GB: cents)`);

  // Queues, buckets, image.
  const queues = ofType('AWS::SQS::Queue').length;
  const sqsRequests = U.sqsBotPollsPerMonth + oddsRuns * U.leagues * 2 * U.sqsRequestsPerMessage;
  add('SQS', (sqsRequests / 1e6) * P.sqsRequestMillion, `${queues} queues, ${sqsRequests} requests`);
  const buckets = ofType('AWS::S3::Bucket').length;
  add('S3', U.s3Gb * P.s3StandardGbMonth + (U.s3PutsPerMonth / 1000) * P.s3PutPer1k, `${buckets} buckets, ${U.s3Gb} GB, ${U.s3PutsPerMonth} PUTs`);
  add('ECR (bot image)', U.ecrGb * P.ecrGbMonth, `${U.ecrGb} GB`);
  add('SNS', 0, 'alarm e-mails: within the 1 000 free a month');

  const totalUsd = round(lines.reduce((a, l) => a + l.usd, 0));
  return { lines, totalUsd };
}

export function formatEstimate(stage: string, e: CostEstimate, pricesOn: string, region: string): string {
  const width = Math.max(...e.lines.map((l) => l.item.length));
  const rows = e.lines.map((l) => `  ${l.item.padEnd(width)}  ${l.usd.toFixed(2).padStart(6)}  ${l.basis}`);
  return [
    `Monthly estimate for stage ${stage} (${region} list prices recorded ${pricesOn}; usage: infra/cost/usage-assumptions.ts)`,
    ...rows,
    `  ${'Total'.padEnd(width)}  ${e.totalUsd.toFixed(2).padStart(6)}  USD / month`,
  ].join('\n');
}
