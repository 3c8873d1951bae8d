/**
 * The optional research stack of a stage (`research.enabled` in infra/config/research.ts): distributed
 * parameter sweeps over the trading stack's recordings bucket (read only). Separate from the trading stack so
 * that it can be deployed, changed or deleted without touching what trades.
 */
import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { validateResearchSettings } from '../config/research.js';
import { InvalidStageConfigError, type StageConfig } from '../config/stages.js';
import { ResearchSweep, type ResearchFunctionName } from '../constructs/research-sweep.js';

/**
 * The trading stack's recordings bucket as two exports with fixed names (ARN and name), so the research stack
 * imports it by a name cdk-nag findings can state, rather than by CDK's generated export ids.
 */
export function exportRecordingsBucket(tradingStack: Stack, bucket: s3.IBucket): { arnExport: string; nameExport: string } {
  const arnExport = `${tradingStack.stackName}-RecordingsBucketArn`;
  const nameExport = `${tradingStack.stackName}-RecordingsBucketName`;
  new CfnOutput(tradingStack, 'RecordingsBucketArnExport', { value: bucket.bucketArn, exportName: arnExport, description: 'Recordings bucket ARN (imported by the research stack)' });
  new CfnOutput(tradingStack, 'RecordingsBucketNameExport', { value: bucket.bucketName, exportName: nameExport, description: 'Recordings bucket name (imported by the research stack)' });
  return { arnExport, nameExport };
}

export interface ResearchStackProps extends StackProps {
  config: StageConfig;
  /** From exportRecordingsBucket. */
  recordings: { arnExport: string; nameExport: string };
  projectRoot: string;
  depsLockFilePath: string;
  functionEntries: Readonly<Record<ResearchFunctionName, string>>;
}

export class ResearchStack extends Stack {
  readonly sweep: ResearchSweep;

  constructor(scope: Construct, id: string, props: ResearchStackProps) {
    super(scope, id, props);
    const problems = validateResearchSettings(props.config.stage, props.config.research);
    if (problems.length > 0) throw new InvalidStageConfigError(props.config.stage, problems.join('; '));
    this.sweep = new ResearchSweep(this, 'Research', {
      config: props.config,
      recordingsBucket: s3.Bucket.fromBucketAttributes(this, 'Recordings', { bucketArn: Fn.importValue(props.recordings.arnExport), bucketName: Fn.importValue(props.recordings.nameExport) }),
      recordingsFinding: props.recordings.arnExport,
      entries: props.functionEntries,
      projectRoot: props.projectRoot,
      depsLockFilePath: props.depsLockFilePath,
    });
  }
}
