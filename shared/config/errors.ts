/** Typed configuration errors: every problem names the field path and, where there is one, the fix. */
import { maskSecrets } from '../observability/logger.js';

export interface ConfigIssue {
  /** Dotted path of the offending field as written in the YAML, e.g. `risk.kelly_fraction`. */
  path: string;
  message: string;
  /** The file the value came from, when known. */
  file?: string;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[], headline = 'invalid configuration') {
    // A message may echo a value (e.g. a section that is not a mapping): registered secrets are masked.
    const masked = issues.map((i) => ({ ...i, message: maskSecrets(i.message) }));
    super(`${headline}:\n${masked.map((i) => `  - ${i.path ? i.path + ' ' : ''}${i.message}${i.file ? ` [${i.file}]` : ''}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = masked;
  }
}
