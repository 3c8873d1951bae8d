/**
 * The engine's Logger interface over Powertools' Logger (structured JSON in CloudWatch, the Lambda context's
 * request id, sampling). Every message and field is scrubbed first: registered secret values are masked and
 * secret-named fields redacted, exactly as the engine's own loggers do.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { maskSecrets, scrub, type LogFields, type Logger } from '../../shared/observability/logger.js';

export class PowertoolsLoggerAdapter implements Logger {
  constructor(readonly powertools: PowertoolsLogger) {}

  static create(serviceName: string): PowertoolsLoggerAdapter {
    return new PowertoolsLoggerAdapter(new PowertoolsLogger({ serviceName }));
  }

  debug(msg: string, fields?: LogFields): void {
    this.powertools.debug(maskSecrets(msg), clean(fields));
  }
  info(msg: string, fields?: LogFields): void {
    this.powertools.info(maskSecrets(msg), clean(fields));
  }
  warn(msg: string, fields?: LogFields): void {
    this.powertools.warn(maskSecrets(msg), clean(fields));
  }
  error(msg: string, fields?: LogFields): void {
    this.powertools.error(maskSecrets(msg), clean(fields));
  }
  child(bindings: LogFields): Logger {
    const child = this.powertools.createChild();
    child.appendPersistentKeys(clean(bindings));
    return new PowertoolsLoggerAdapter(child);
  }
}

function clean(fields: LogFields | undefined): Record<string, unknown> {
  return (fields ? scrub(fields) : {}) as Record<string, unknown>;
}
