/**
 * The trading credentials as the stack stores them: the exchange key pair (JSON {"keyId", "privateKey"}) and
 * the data-provider key (a plain string), each in a Secrets Manager secret. The stack creates both with a
 * placeholder (JSON with a `placeholder` field, infra/constructs/settings.ts) so a first deploy needs no key:
 * readers recognise it and wait, or skip their run, rather than fail.
 *
 * `readTradingCredentials` classifies what the store holds: ready (both keys usable), not set (placeholder,
 * empty, missing, malformed: the operator must act) or unreadable (a transient error: try again). The values
 * never appear in a reason; the `fingerprint` (SHA-256 of all three values) tells a rotation apart without
 * keeping or logging a value, and `keyFingerprint` (SHA-256 of the key id alone, 96 bits) names the exchange key
 * in lease records and logs.
 */
import { createHash } from 'node:crypto';
import { registerSecret } from '../observability/logger.js';
import { privateKeyFromSecret } from '../venue/auth.js';
import { SecretNotFoundError } from './errors.js';
import type { SecretStore } from './secret-store.js';

/** The field that marks a secret value as the stack's placeholder. */
export const PLACEHOLDER_FIELD = 'placeholder';

/** True when `raw` is the stack's placeholder (JSON object with a `placeholder` field) or empty. */
export function isPlaceholderSecret(raw: string | undefined): boolean {
  if (raw === undefined || raw.trim() === '') return true;
  if (!raw.trimStart().startsWith('{')) return false;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null && PLACEHOLDER_FIELD in parsed;
  } catch {
    return false;
  }
}

export interface TradingCredentials {
  keyId: string;
  privateKey: string;
  dataProviderKey: string;
  /** SHA-256 of the three values (hex): changes when any of them is rotated. */
  fingerprint: string;
  /** SHA-256 of the exchange key id, 24 hex digits: safe to store and log. */
  keyFingerprint: string;
}

export type CredentialsRead =
  | { state: 'ready'; credentials: TradingCredentials }
  | { state: 'not-set'; reason: string }
  | { state: 'unreadable'; reason: string };

export interface CredentialIds {
  exchangeKey: string;
  dataProviderKey: string;
}

/** The exchange key's public fingerprint (never the key id itself). */
export function keyFingerprint(keyId: string): string {
  return createHash('sha256').update(keyId).digest('hex').slice(0, 24);
}

async function read(store: SecretStore, id: string): Promise<{ value?: string; missing?: true; error?: string }> {
  try {
    return { value: await store.getSecret(id) };
  } catch (err) {
    if (err instanceof SecretNotFoundError) return { missing: true };
    return { error: (err as Error)?.name ?? 'Error' };
  }
}

export async function readTradingCredentials(store: SecretStore, ids: CredentialIds): Promise<CredentialsRead> {
  const [exchange, data] = await Promise.all([read(store, ids.exchangeKey), read(store, ids.dataProviderKey)]);
  if (exchange.error || data.error) return { state: 'unreadable', reason: `secret read failed (${exchange.error ?? data.error})` };
  if (exchange.missing || isPlaceholderSecret(exchange.value)) return { state: 'not-set', reason: 'the exchange key secret holds the placeholder (or nothing)' };
  if (data.missing || isPlaceholderSecret(data.value)) return { state: 'not-set', reason: 'the data-provider key secret holds the placeholder (or nothing)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(exchange.value as string);
  } catch {
    return { state: 'not-set', reason: 'the exchange key secret is not JSON {"keyId": "...", "privateKey": "..."}' };
  }
  const obj = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const keyId = typeof obj.keyId === 'string' ? obj.keyId : '';
  const privateKey = typeof obj.privateKey === 'string' ? obj.privateKey : typeof obj.secretBase64 === 'string' ? obj.secretBase64 : '';
  if (!keyId || !privateKey) return { state: 'not-set', reason: 'the exchange key secret must be JSON {"keyId": "...", "privateKey": "<base64 Ed25519 seed>"}' };
  try {
    privateKeyFromSecret(privateKey);
  } catch (err) {
    return { state: 'not-set', reason: `the exchange key secret's privateKey is unusable: ${(err as Error).message}` };
  }
  const dataProviderKey = (data.value as string).trim();
  for (const v of [keyId, privateKey, dataProviderKey]) registerSecret(v);
  const fingerprint = createHash('sha256').update(`${keyId}\n${privateKey}\n${dataProviderKey}`).digest('hex');
  return { state: 'ready', credentials: { keyId, privateKey, dataProviderKey, fingerprint, keyFingerprint: keyFingerprint(keyId) } };
}
