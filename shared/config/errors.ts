/** Typed configuration errors: every problem names the field path and, where there is one, the fix. */

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
    super(`${headline}:\n${issues.map((i) => `  - ${i.path ? i.path + ' ' : ''}${i.message}${i.file ? ` [${i.file}]` : ''}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
