/**
 * The trading lease's owner id: the ECS task id when the process runs in an ECS task (read from the task
 * metadata endpoint v4, `${ECS_CONTAINER_METADATA_URI_V4}/task` → `TaskARN`), so a container restarted inside
 * the same task is the same owner and takes its lease back at once; otherwise hostname, pid and a random
 * suffix (a new owner per process: a restarted process waits for its predecessor's lease to expire).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export interface LeaseOwner {
  owner: string;
  source: 'ecs-task' | 'process';
}

export interface ResolveLeaseOwnerOptions {
  env?: NodeJS.ProcessEnv;
  fetch?: (url: string, init: { signal: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;
  /** Bound on the metadata request, ms (default 2 000). */
  timeoutMs?: number;
  hostname?: () => string;
  pid?: number;
  /** Told why the metadata endpoint could not be used (then the process fallback applies). */
  onMetadataError?: (err: unknown) => void;
}

/** The task id of an ECS task ARN (`arn:aws:ecs:<region>:<account>:task/<cluster>/<taskId>`), or undefined. */
export function ecsTaskIdOf(taskArn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:task\/(?:[^/]+\/)?([A-Za-z0-9-]+)$/.exec(taskArn);
  return m?.[1];
}

export function processLeaseOwner(options: { hostname?: () => string; pid?: number } = {}): string {
  const host = (options.hostname ?? hostname)().replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'host';
  return `${host}:${options.pid ?? process.pid}:${randomUUID().slice(0, 8)}`;
}

export async function resolveLeaseOwner(options: ResolveLeaseOwnerOptions = {}): Promise<LeaseOwner> {
  const env = options.env ?? process.env;
  const base = env.ECS_CONTAINER_METADATA_URI_V4;
  if (base) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 2_000);
    try {
      const get = options.fetch ?? ((url, init) => fetch(url, init));
      const res = await get(`${base.replace(/\/+$/, '')}/task`, { signal: controller.signal });
      if (!res.ok) throw new Error(`task metadata answered HTTP ${res.status}`);
      const body = (await res.json()) as { TaskARN?: unknown };
      const taskId = typeof body.TaskARN === 'string' ? ecsTaskIdOf(body.TaskARN) : undefined;
      if (!taskId) throw new Error('task metadata has no valid TaskARN');
      return { owner: `ecs-task/${taskId}`, source: 'ecs-task' };
    } catch (err) {
      options.onMetadataError?.(err);
    } finally {
      clearTimeout(timer);
    }
  }
  return { owner: processLeaseOwner(options), source: 'process' };
}
