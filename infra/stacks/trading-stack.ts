/**
 * One stack per stage: state, settings, queues, alerting, the data buckets (reports, recordings), the bot
 * service and the scheduled jobs.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { leaseTableName, type StageConfig } from '../config/stages.js';
import { Alerting } from '../constructs/alerting.js';
import { BotService } from '../constructs/bot-service.js';
import { createRecordingsBucket, createReportsBucket } from '../constructs/data-buckets.js';
import { Jobs, type JobName } from '../constructs/jobs.js';
import { BotQueues } from '../constructs/queues.js';
import { Settings } from '../constructs/settings.js';
import { StackOutputs } from '../constructs/stack-outputs.js';
import { StateTables } from '../constructs/state-tables.js';

export interface TradingStackProps extends StackProps {
  config: StageConfig;
  alarmEmail?: string;
  /** Repository root: Docker build context, esbuild project root. */
  projectRoot: string;
  depsLockFilePath: string;
  functionEntries: Readonly<Record<JobName, string>>;
}

export class TradingStack extends Stack {
  readonly tables: StateTables;
  readonly settings: Settings;
  readonly queues: BotQueues;
  readonly alerting: Alerting;
  readonly bot: BotService;
  readonly jobs: Jobs;
  readonly reportsBucket: s3.Bucket;
  readonly recordingsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: TradingStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.settings = new Settings(this, 'Settings', config);
    this.tables = new StateTables(this, 'State', { retainData: config.retainData, tableNames: { leases: leaseTableName(config.stage) } });
    this.queues = new BotQueues(this, 'Queues');
    this.alerting = new Alerting(this, 'Alerting', { config, ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}) });

    this.reportsBucket = createReportsBucket(this, config);
    this.recordingsBucket = createRecordingsBucket(this, config);

    this.bot = new BotService(this, 'Bot', {
      config,
      buildContext: props.projectRoot,
      tables: this.tables,
      queues: this.queues,
      settings: this.settings,
      alerting: this.alerting,
      reportsBucket: this.reportsBucket,
      recordingsBucket: this.recordingsBucket,
    });

    this.jobs = new Jobs(this, 'Jobs', {
      config,
      entries: props.functionEntries,
      depsLockFilePath: props.depsLockFilePath,
      projectRoot: props.projectRoot,
      tables: this.tables,
      queues: this.queues,
      settings: this.settings,
      alerting: this.alerting,
      reportsBucket: this.reportsBucket,
    });

    this.alerting.addAlarms({
      service: this.bot.service,
      deadLetterQueues: this.queues.deadLetterQueues,
      functions: this.jobs.functions,
      botLogGroup: this.bot.logGroup,
    });
    new StackOutputs(this, 'Outputs', this);
  }
}
