/** Reading a function's configuration from the environment the infra sets (infra/constructs/jobs.ts). */

export class MissingEnvironmentError extends Error {
  constructor(readonly variable: string) {
    super(`environment variable ${variable} is not set`);
    this.name = 'MissingEnvironmentError';
  }
}

export class InvalidEnvironmentError extends Error {
  constructor(readonly variable: string, expected: string) {
    super(`environment variable ${variable} is invalid: expected ${expected}`);
    this.name = 'InvalidEnvironmentError';
  }
}

export function requiredEnv(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new MissingEnvironmentError(name);
  return v;
}

/** A comma-separated list; empty entries dropped. */
export function listEnv(env: NodeJS.ProcessEnv, name: string, fallback: readonly string[]): string[] {
  const v = env[name];
  if (v === undefined || v.trim() === '') return [...fallback];
  return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const v = env[name];
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidEnvironmentError(name, `an integer ≥ ${min}`);
  return n;
}

export function oneOfEnv<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const v = env[name];
  if (v === undefined || v.trim() === '') return fallback;
  if (!(allowed as readonly string[]).includes(v.trim())) throw new InvalidEnvironmentError(name, allowed.join('|'));
  return v.trim() as T;
}
