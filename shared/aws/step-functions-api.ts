/**
 * The four Step Functions calls a research sweep's launcher makes, behind a small interface (tests mock it:
 * Step Functions cannot run on these machines), and its AWS implementation.
 *
 * The implementation speaks the service's JSON 1.0 protocol over HTTPS, signed with SigV4 by the SDK's own
 * signer (@smithy/signature-v4) with credentials from the SDK's default provider chain (environment, profile,
 * SSO, instance role). It exists because `@aws-sdk/client-sfn` is not among the project's dependencies; once
 * it is, `SdkStepFunctionsApi` becomes four `client.send(new …Command())` calls behind the same interface.
 */
import { createHash, createHmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';

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

/** SHA-256 / HMAC-SHA-256 as the signer's hash constructor, on node:crypto. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(d: string | Uint8Array | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof d === 'string') return Buffer.from(d, 'utf8');
  if (d instanceof ArrayBuffer) return Buffer.from(d);
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

export interface HttpStepFunctionsOptions {
  region: string;
  /** Default https://states.<region>.amazonaws.com. */
  endpoint?: string;
  fetch?: typeof fetch;
}

export class HttpStepFunctionsApi implements StepFunctionsApi {
  private readonly signer: SignatureV4;
  private readonly url: URL;
  private readonly fetch: typeof fetch;

  constructor(opts: HttpStepFunctionsOptions) {
    this.signer = new SignatureV4({ credentials: defaultProvider(), region: opts.region, service: 'states', sha256: NodeSha256 });
    this.url = new URL(opts.endpoint ?? `https://states.${opts.region}.amazonaws.com/`);
    this.fetch = opts.fetch ?? fetch;
  }

  private async call<T>(operation: string, body: Record<string, unknown>): Promise<T> {
    const text = JSON.stringify(body);
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      ...(this.url.port ? { port: Number(this.url.port) } : {}),
      path: this.url.pathname,
      query: {},
      headers: { host: this.url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
      body: text,
    });
    const res = await this.fetch(this.url, { method: 'POST', headers: signed.headers, body: text });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new StepFunctionsCallError(operation, res.status, String(json.__type ?? 'unknown'), String(json.message ?? json.Message ?? res.statusText));
    return json as T;
  }

  async startExecution(input: { stateMachineArn: string; name: string; input: string }): Promise<{ executionArn: string }> {
    return this.call<{ executionArn: string }>('StartExecution', input);
  }

  async describeExecution(executionArn: string): Promise<ExecutionState> {
    const r = await this.call<{ status: ExecutionStatus; error?: string; cause?: string; output?: string }>('DescribeExecution', { executionArn });
    return { status: r.status, ...(r.error ? { error: r.error } : {}), ...(r.cause ? { cause: r.cause } : {}), ...(r.output ? { output: r.output } : {}) };
  }

  async mapRunProgress(executionArn: string): Promise<MapRunProgress | undefined> {
    const runs = await this.call<{ mapRuns?: { mapRunArn: string }[] }>('ListMapRuns', { executionArn });
    const arn = runs.mapRuns?.[0]?.mapRunArn;
    if (!arn) return undefined;
    const r = await this.call<{ itemCounts?: Partial<MapRunProgress> }>('DescribeMapRun', { mapRunArn: arn });
    const c = r.itemCounts ?? {};
    return { total: c.total ?? 0, succeeded: c.succeeded ?? 0, failed: c.failed ?? 0, running: c.running ?? 0, pending: c.pending ?? 0, aborted: c.aborted ?? 0, timedOut: c.timedOut ?? 0 };
  }
}
