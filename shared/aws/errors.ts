/** Typed errors of the AWS adapters. They name the parameter or secret, never its value. */
export class ParameterNotFoundError extends Error {
  constructor(readonly parameterName: string, options?: { cause?: unknown }) {
    super(`parameter ${parameterName} not found`, options);
    this.name = 'ParameterNotFoundError';
  }
}

export class SecretNotFoundError extends Error {
  constructor(readonly secretId: string, options?: { cause?: unknown }) {
    super(`secret ${secretId} not found or has no string value`, options);
    this.name = 'SecretNotFoundError';
  }
}

export class InvalidSettingError extends Error {
  constructor(readonly setting: string, readonly allowed: readonly string[], actual: string) {
    super(`${setting} must be one of ${allowed.join('|')}, got ${JSON.stringify(actual.slice(0, 20))}`);
    this.name = 'InvalidSettingError';
  }
}
