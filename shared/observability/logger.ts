/**
 * Structured logging for the engine, the simulator and the functions. One small interface, so the hot
 * path can take a no-op logger and Lambdas can adapt Powertools' logger to it.
 *
 * Secrets never reach a log line: fields named like secrets are redacted by name, and any value registered
 * with `registerSecret` is masked wherever it appears in a message or a string field. This module imports no
 * library (Lambdas bundle it for free); the pino-backed logger is in pino-logger.ts.
 */

export type LogFields = Record<string, unknown>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
  /**
   * Whether a line at `level` would be written. Optional: a logger without it is taken to write every level.
   * Hot paths ask first (`logEnabled`) so that a disabled level costs no fields object.
   */
  enabled?(level: LogLevel): boolean;
}

/** Whether `logger` writes lines at `level` (true for a logger that does not say). */
export function logEnabled(logger: Logger, level: LogLevel): boolean {
  return logger.enabled === undefined || logger.enabled(level);
}

const SECRET_FIELD = /(secret|private_?key|password|api_?key|signature|authorization|x-pm-signature|x-api-key)/i;
const registeredSecrets = new Set<string>();

/** Registers a secret value (key, token) so that it is masked in every log line from now on. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) registeredSecrets.add(value);
}

export function maskSecrets(text: string): string {
  let out = text;
  for (const s of registeredSecrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

/** Masks registered secrets and redacts secret-named fields, recursively (what every logger applies to its fields). */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { name: value.name, message: maskSecrets(value.message), stack: value.stack ? maskSecrets(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[REDACTED]' : scrub(v, depth + 1);
  return out;
}

/** A logger that drops everything: for benchmarks and the hot path under test. */
export const nullLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => nullLogger,
  enabled: () => false,
};

/** A logger that keeps lines in memory, for tests that assert on what was logged. */
export class MemoryLogger implements Logger {
  readonly lines: { level: string; msg: string; fields: LogFields }[] = [];
  constructor(private readonly bindings: LogFields = {}, private readonly sink?: MemoryLogger['lines']) {}
  private push(level: string, msg: string, fields?: LogFields): void {
    (this.sink ?? this.lines).push({ level, msg: maskSecrets(msg), fields: scrub({ ...this.bindings, ...fields }) as LogFields });
  }
  debug(msg: string, fields?: LogFields): void {
    this.push('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.push('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.push('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.push('error', msg, fields);
  }
  child(bindings: LogFields): Logger {
    return new MemoryLogger({ ...this.bindings, ...bindings }, this.sink ?? this.lines);
  }
}
