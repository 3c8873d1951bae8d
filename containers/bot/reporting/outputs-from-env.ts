/**
 * The production bot's recording and day-report destinations, from its environment:
 *
 *   STAGE                 stage name in the keys (default "local")
 *   RECORDINGS_BUCKET     closed recording chunks are uploaded to s3://<bucket>/recordings/<stage>/<yyyy>/<mm>/<dd>/
 *                         and removed locally once uploaded; chunks are written under RECORDINGS_DIR
 *                         (default /tmp/recordings: the container's root file system is read-only)
 *   RECORDINGS_DIR        without a bucket: where chunks stay (default data/recordings)
 *   RECORDING=off         no recording at all
 *   REPORTS_BUCKET        day reports to s3://<bucket>/reports/<stage>/live/<day>.html|json
 *   REPORTS_DIR           without a bucket: <dir>/live/<day>.html|json (default "reports")
 *   REPORTS=off           no day report
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Clock } from '../../../shared/domain/clock.js';
import type { Logger } from '../../../shared/observability/logger.js';
import type { Metrics } from '../../../shared/observability/metrics.js';
import { createS3ChunkUploader, type S3ChunkUploader } from '../../../shared/recording/s3-chunk-uploader.js';
import { DirReportStore, S3ReportStore, type ReportStore } from './report-store.js';

export interface RecordingOutput {
  dir: string;
  uploader?: S3ChunkUploader;
  /** Where closed chunks end up, for the log. */
  destination: string;
}

export interface ReportsOutput {
  store: ReportStore;
  prefix: string;
  destination: string;
}

export interface BotOutputs {
  stage: string;
  recording?: RecordingOutput;
  reports?: ReportsOutput;
}

export interface OutputsDeps {
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** The S3 client (default: one from the environment's region and credentials). */
  s3?: S3Client;
}

const off = (v: string | undefined): boolean => v !== undefined && ['off', '0', 'false', 'no'].includes(v.toLowerCase());

export function outputsFromEnv(env: NodeJS.ProcessEnv, deps: OutputsDeps): BotOutputs {
  const stage = env.STAGE || 'local';
  let s3: S3Client | undefined = deps.s3;
  const client = (): S3Client => (s3 ??= new S3Client({}));
  const out: BotOutputs = { stage };

  if (!off(env.RECORDING)) {
    const bucket = env.RECORDINGS_BUCKET;
    if (bucket) {
      const prefix = `recordings/${stage}/`;
      out.recording = {
        dir: env.RECORDINGS_DIR || '/tmp/recordings',
        uploader: createS3ChunkUploader({
          client: client(),
          bucket,
          prefix,
          clock: deps.clock,
          deleteAfterUpload: true,
          logger: deps.logger.child({ component: 'recording-upload' }),
          metrics: deps.metrics,
        }),
        destination: `s3://${bucket}/${prefix}`,
      };
    } else {
      const dir = env.RECORDINGS_DIR || 'data/recordings';
      out.recording = { dir, destination: dir };
    }
  }

  if (!off(env.REPORTS)) {
    const bucket = env.REPORTS_BUCKET;
    if (bucket) {
      const prefix = `reports/${stage}/live/`;
      out.reports = { store: new S3ReportStore(client(), bucket), prefix, destination: `s3://${bucket}/${prefix}` };
    } else {
      const dir = env.REPORTS_DIR || 'reports';
      out.reports = { store: new DirReportStore(dir), prefix: 'live/', destination: `${dir}/live/` };
    }
  }
  return out;
}
