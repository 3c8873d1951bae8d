/** The process logger: JSON lines through pino, with the same secret masking as every Logger. */
import { pino, type Logger as PinoLogger } from 'pino';
import { maskSecrets, scrub, type LogFields, type LogLevel, type Logger } from './logger.js';

class PinoAdapter implements Logger {
  constructor(private readonly p: PinoLogger) {}
  debug(msg: string, fields?: LogFields): void {
    if (this.p.isLevelEnabled('debug')) this.p.debug(scrub(fields ?? {}) as object, maskSecrets(msg));
  }
  info(msg: string, fields?: LogFields): void {
    if (this.p.isLevelEnabled('info')) this.p.info(scrub(fields ?? {}) as object, maskSecrets(msg));
  }
  warn(msg: string, fields?: LogFields): void {
    this.p.warn(scrub(fields ?? {}) as object, maskSecrets(msg));
  }
  error(msg: string, fields?: LogFields): void {
    this.p.error(scrub(fields ?? {}) as object, maskSecrets(msg));
  }
  enabled(level: LogLevel): boolean {
    return this.p.isLevelEnabled(level);
  }
  child(bindings: LogFields): Logger {
    return new PinoAdapter(this.p.child(scrub(bindings) as object));
  }
}

export interface LoggerOptions {
  level?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  name?: string;
  /** Where lines go; defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const p = pino(
    { level: options.level ?? 'info', name: options.name, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    options.destination ?? process.stdout,
  );
  return new PinoAdapter(p);
}

