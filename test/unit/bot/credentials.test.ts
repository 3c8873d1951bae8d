/** The placeholder the stack writes is recognised, real credentials are classified ready, nothing leaks. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPlaceholderSecret, readTradingCredentials } from '../../../shared/aws/credentials.js';
import { SecretNotFoundError } from '../../../shared/aws/errors.js';
import type { SecretStore } from '../../../shared/aws/secret-store.js';

const ids = { exchangeKey: 'ex', dataProviderKey: 'data' };
const store = (values: Record<string, string | Error>): SecretStore => ({
  async getSecret(id) {
    const v = values[id];
    if (v instanceof Error) throw v;
    if (v === undefined) throw new SecretNotFoundError(id);
    return v;
  },
});
const seed = (): string => {
  const der = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' });
  return der.subarray(der.length - 32).toString('base64');
};
const placeholder = JSON.stringify({ placeholder: 'not set', random: 'abc' });

describe('trading credentials', () => {
  it('recognises the stack placeholder and empty values, not a real key', () => {
    expect(isPlaceholderSecret(placeholder)).toBe(true);
    expect(isPlaceholderSecret('')).toBe(true);
    expect(isPlaceholderSecret('sk_live_123')).toBe(false);
    expect(isPlaceholderSecret(JSON.stringify({ keyId: 'k', privateKey: 'p' }))).toBe(false);
  });

  it('is not-set while either secret holds the placeholder or an unusable key, ready once both are real', async () => {
    const real = JSON.stringify({ keyId: 'key-1', privateKey: seed() });
    expect((await readTradingCredentials(store({ ex: placeholder, data: placeholder }), ids)).state).toBe('not-set');
    expect((await readTradingCredentials(store({ ex: real, data: placeholder }), ids)).state).toBe('not-set');
    expect((await readTradingCredentials(store({ ex: JSON.stringify({ keyId: 'k', privateKey: 'not-base64!' }), data: 'odds' }), ids)).state).toBe('not-set');
    expect((await readTradingCredentials(store({ data: 'odds' }), ids)).state).toBe('not-set');
    expect((await readTradingCredentials(store({ ex: new Error('throttled'), data: 'odds' }), ids)).state).toBe('unreadable');
    const ready = await readTradingCredentials(store({ ex: real, data: 'odds' }), ids);
    expect(ready.state).toBe('ready');
    if (ready.state !== 'ready') return;
    expect(ready.credentials.keyId).toBe('key-1');
    expect(ready.credentials.keyFingerprint).toMatch(/^[0-9a-f]{24}$/);
    expect(ready.credentials.keyFingerprint).not.toContain('key-1');
    // A rotation changes the fingerprint; the same values keep it.
    const again = await readTradingCredentials(store({ ex: real, data: 'odds' }), ids);
    const rotated = await readTradingCredentials(store({ ex: real, data: 'odds-2' }), ids);
    expect(again.state === 'ready' && again.credentials.fingerprint).toBe(ready.credentials.fingerprint);
    expect(rotated.state === 'ready' && rotated.credentials.fingerprint).not.toBe(ready.credentials.fingerprint);
  });
});
