/**
 * The SecretStore and ParameterStore interfaces (shared/aws) over Powertools Parameters: values are cached
 * across warm invocations for `maxAgeSeconds` (one Secrets Manager / SSM call per cold start and per expiry,
 * not per invocation). Secrets are read by ARN, registered for masking the moment they arrive, and never logged.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ParameterNotFoundError, SecretNotFoundError } from '../../shared/aws/errors.js';
import type { ParameterStore } from '../../shared/aws/parameter-store.js';
import type { SecretStore } from '../../shared/aws/secret-store.js';
import { registerSecret } from '../../shared/observability/logger.js';

function isNotFound(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const name = (e as { name?: string }).name;
    if (name === 'ResourceNotFoundException' || name === 'ParameterNotFound') return true;
  }
  return false;
}

export class PowertoolsSecretStore implements SecretStore {
  private readonly provider: SecretsProvider;
  constructor(client: SecretsManagerClient, private readonly maxAgeSeconds = 300) {
    this.provider = new SecretsProvider({ awsSdkV3Client: client });
  }

  async getSecret(id: string): Promise<string> {
    let value: unknown;
    try {
      value = await this.provider.get(id, { maxAge: this.maxAgeSeconds });
    } catch (err) {
      if (isNotFound(err)) throw new SecretNotFoundError(id, { cause: err });
      throw err;
    }
    if (typeof value !== 'string' || value.length === 0) throw new SecretNotFoundError(id);
    registerSecret(value);
    return value;
  }
}

export class PowertoolsParameterStore implements ParameterStore {
  private readonly provider: SSMProvider;
  constructor(client: SSMClient, private readonly maxAgeSeconds = 30) {
    this.provider = new SSMProvider({ awsSdkV3Client: client });
  }

  async get(name: string): Promise<string> {
    let value: unknown;
    try {
      value = await this.provider.get(name, { maxAge: this.maxAgeSeconds, decrypt: true });
    } catch (err) {
      if (isNotFound(err)) throw new ParameterNotFoundError(name, { cause: err });
      throw err;
    }
    if (typeof value !== 'string') throw new ParameterNotFoundError(name);
    return value;
  }
}
