/**
 * Secrets behind a small interface: Secrets Manager on AWS, environment variables or a JSON file locally.
 * Every value fetched is registered with the logger so it is masked wherever it might appear.
 */
import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { registerSecret } from '../observability/logger.js';
import { SecretNotFoundError } from './errors.js';

export interface SecretStore {
  /** The secret's string value; throws SecretNotFoundError if absent. */
  getSecret(id: string): Promise<string>;
}

/** Parses a JSON secret (e.g. the exchange key pair) into an object of strings. */
export async function getJsonSecret(store: SecretStore, id: string): Promise<Record<string, string>> {
  const raw = await store.getSecret(id);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Never echo the raw value.
    throw new SecretNotFoundError(id);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SecretNotFoundError(id);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
  for (const v of Object.values(out)) registerSecret(v);
  return out;
}

export class SecretsManagerSecretStore implements SecretStore {
  private readonly cache = new Map<string, { value: string; at: number }>();
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly options: { maxAgeMs?: number; now?: () => number } = {},
  ) {}

  async getSecret(id: string): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(id);
    if (hit && (this.options.maxAgeMs ?? 0) > 0 && now - hit.at < (this.options.maxAgeMs ?? 0)) return hit.value;
    try {
      const r = await this.client.send(new GetSecretValueCommand({ SecretId: id }));
      if (typeof r.SecretString !== 'string' || r.SecretString.length === 0) throw new SecretNotFoundError(id);
      registerSecret(r.SecretString);
      this.cache.set(id, { value: r.SecretString, at: now });
      return r.SecretString;
    } catch (err) {
      if (err instanceof ResourceNotFoundException) throw new SecretNotFoundError(id, { cause: err });
      throw err;
    }
  }
}

/** Local: secret id → environment variable name (e.g. { exchangeKey: 'PMUS_KEY_JSON' }). */
export class EnvSecretStore implements SecretStore {
  constructor(private readonly mapping: Record<string, string>, private readonly env: NodeJS.ProcessEnv = process.env) {}
  async getSecret(id: string): Promise<string> {
    const variable = this.mapping[id];
    const v = variable ? this.env[variable] : undefined;
    if (!v) throw new SecretNotFoundError(id);
    registerSecret(v);
    return v;
  }
}

/** Local: a JSON file `{ "<id>": "<value>" }` (keep it out of git). */
export class FileSecretStore implements SecretStore {
  constructor(private readonly path: string) {}
  async getSecret(id: string): Promise<string> {
    const data = JSON.parse(await readFile(this.path, 'utf8')) as Record<string, unknown>;
    const v = data[id];
    if (typeof v !== 'string' || !v) throw new SecretNotFoundError(id);
    registerSecret(v);
    return v;
  }
}
