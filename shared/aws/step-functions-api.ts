/**
 * The four Step Functions calls a research sweep's launcher makes, behind a small interface (tests mock it:
 * Step Functions cannot run on these machines), and its AWS implementation on `@aws-sdk/client-sfn`
 * (credentials from the SDK's default provider chain: environment, profile, SSO, instance role).
 */
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface ExecutionState {
  status: ExecutionStatus;
  error?: string;
  cause?: string;
  output?: string;
}

export interface MapRunProgress {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  pending: number;
  aborted: number;
  timedOut: number;
}

export interface StepFunctionsApi {
  startExecution(input: { stateMachineArn: string; name: string; input: string }): Promise<{ executionArn: string }>;
  describeExecution(executionArn: string): Promise<ExecutionState>;
  /** The progress of the execution's (first) map run; undefined before the map has started. */
  mapRunProgress(executionArn: string): Promise<MapRunProgress | undefined>;
}

export class StepFunctionsCallError extends Error {
  constructor(readonly operation: string, readonly status: number, readonly errorType: string, message: string) {
    super(`StepFunctions ${operation} failed (${status} ${errorType}): ${message}`);
    this.name = 'StepFunctionsCallError';
  }
}

export interface SdkStepFunctionsOptions {
  region: string;
  /** Override the service endpoint (default: the region's). */
  endpoint?: string;
  client?: SFNClient;
}

export class SdkStepFunctionsApi implements StepFunctionsApi {
  private readonly client: SFNClient;

  constructor(opts: SdkStepFunctionsOptions) {
    this.client = opts.client ?? new SFNClient({ region: opts.region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      if (err instanceof SFNServiceException) throw new StepFunctionsCallError(operation, err.$metadata.httpStatusCode ?? 0, err.name, err.message);
      throw err;
    }
  }

  async startExecution(input: { stateMachineArn: string; name: string; input: string }): Promise<{ executionArn: string }> {
    const r = await this.call('StartExecution', () => this.client.send(new StartExecutionCommand(input)));
    if (!r.executionArn) throw new StepFunctionsCallError('StartExecution', 200, 'NoExecutionArn', 'the answer names no execution');
    return { executionArn: r.executionArn };
  }

  async describeExecution(executionArn: string): Promise<ExecutionState> {
    const r = await this.call('DescribeExecution', () => this.client.send(new DescribeExecutionCommand({ executionArn })));
    return {
      status: (r.status ?? 'RUNNING') as ExecutionStatus,
      ...(r.error ? { error: r.error } : {}),
      ...(r.cause ? { cause: r.cause } : {}),
      ...(r.output ? { output: r.output } : {}),
    };
  }

  async mapRunProgress(executionArn: string): Promise<MapRunProgress | undefined> {
    const runs = await this.call('ListMapRuns', () => this.client.send(new ListMapRunsCommand({ executionArn })));
    const mapRunArn = runs.mapRuns?.[0]?.mapRunArn;
    if (!mapRunArn) return undefined;
    const r = await this.call('DescribeMapRun', () => this.client.send(new DescribeMapRunCommand({ mapRunArn })));
    const c = r.itemCounts;
    return {
      total: c?.total ?? 0,
      succeeded: c?.succeeded ?? 0,
      failed: c?.failed ?? 0,
      running: c?.running ?? 0,
      pending: c?.pending ?? 0,
      aborted: c?.aborted ?? 0,
      timedOut: c?.timedOut ?? 0,
    };
  }
}
