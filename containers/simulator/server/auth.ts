/**
 * Request authentication, exactly as the exchange does it: Ed25519 over `timestamp + METHOD + path` (no query),
 * headers X-PM-Access-Key / X-PM-Timestamp / X-PM-Signature, timestamps within 30 s of the server clock.
 *
 * Verification uses @noble/ed25519, deliberately NOT node:crypto (which the real client signs with), so two
 * independent implementations check each other.
 */
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import * as ed from '@noble/ed25519';

if (!ed.hashes.sha512) {
  ed.hashes.sha512 = (message) => {
    const digest = createHash('sha512').update(message).digest();
    const out = new Uint8Array(new ArrayBuffer(digest.length));
    out.set(digest);
    return out;
  };
}

export const MAX_TIMESTAMP_SKEW_MS = 30_000;

export interface ApiKeyCredentials {
  keyId: string;
  /** Base64 of the 32-byte seed, or of seed ‖ public key (64 bytes). */
  secretBase64: string;
}

export type AuthFailure = 'missing_headers' | 'unknown_key' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature';

export type AuthResult = { ok: true; keyId: string } | { ok: false; reason: AuthFailure; message: string };

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Decodes a secret key into its 32-byte seed; throws on any other length. */
export function seedOfSecret(secretBase64: string): Uint8Array {
  const raw = Buffer.from(secretBase64, 'base64');
  if (raw.length !== 32 && raw.length !== 64) throw new Error('secret key must decode to 32 or 64 bytes');
  return new Uint8Array(raw.subarray(0, 32));
}

/** A fresh throwaway key pair (node:crypto), as the sandbox hands out: key id (UUID) and base64 64-byte secret. */
export function generateApiKey(): ApiKeyCredentials {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  return { keyId: randomUUID(), secretBase64: Buffer.concat([seed, pub]).toString('base64') };
}

const TIMESTAMP_RE = /^\d{1,16}$/;
/** Standard base64 only (as the venue documents): a client sending base64url is wrong and should find out here. */
const SIGNATURE_B64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/** The set of known keys, each with its public key, and the check of one request. */
export class KeyRing {
  private readonly publicKeys = new Map<string, Uint8Array>();

  /** Registers a key; the public key is derived from the seed with @noble/ed25519. */
  add(credentials: ApiKeyCredentials): void {
    const seed = seedOfSecret(credentials.secretBase64);
    const pub = ed.getPublicKey(seed);
    const raw = Buffer.from(credentials.secretBase64, 'base64');
    if (raw.length === 64 && !Buffer.from(pub).equals(raw.subarray(32))) {
      throw new Error(`secret key for ${credentials.keyId} holds a public key that does not match its seed`);
    }
    this.publicKeys.set(credentials.keyId, pub);
  }

  has(keyId: string): boolean {
    return this.publicKeys.has(keyId);
  }

  keyIds(): string[] {
    return [...this.publicKeys.keys()];
  }

  /**
   * Verifies one request. `path` is the URL path without the query string; `serverNow` is the server clock
   * (epoch ms, including any injected skew).
   */
  verify(headers: HeaderBag, method: string, path: string, serverNow: number): AuthResult {
    const keyId = header(headers, 'x-pm-access-key');
    const ts = header(headers, 'x-pm-timestamp');
    const sig = header(headers, 'x-pm-signature');
    if (!keyId || !ts || !sig) {
      return { ok: false, reason: 'missing_headers', message: 'missing authentication headers (X-PM-Access-Key, X-PM-Timestamp, X-PM-Signature)' };
    }
    const pub = this.publicKeys.get(keyId);
    if (!pub) return { ok: false, reason: 'unknown_key', message: 'invalid api key' };
    if (!TIMESTAMP_RE.test(ts)) return { ok: false, reason: 'bad_timestamp', message: 'invalid timestamp' };
    if (Math.abs(Number(ts) - serverNow) > MAX_TIMESTAMP_SKEW_MS) {
      return { ok: false, reason: 'stale_timestamp', message: 'timestamp outside the allowed window (30 s); check clock skew' };
    }
    if (!SIGNATURE_B64_RE.test(sig)) return { ok: false, reason: 'bad_signature', message: 'invalid signature' };
    const sigBytes = Buffer.from(sig, 'base64');
    if (sigBytes.length !== 64) return { ok: false, reason: 'bad_signature', message: 'invalid signature' };
    const message = new TextEncoder().encode(`${ts}${method.toUpperCase()}${path}`);
    let valid = false;
    try {
      valid = ed.verify(new Uint8Array(sigBytes), message, pub);
    } catch {
      valid = false;
    }
    return valid ? { ok: true, keyId } : { ok: false, reason: 'bad_signature', message: 'invalid signature' };
  }
}
