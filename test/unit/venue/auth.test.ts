import { generateKeyPairSync, verify as cryptoVerify, createPublicKey } from 'node:crypto';
import { inspect } from 'node:util';
import * as ed from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/domain/clock.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import {
  CredentialError,
  RequestSigner,
  offsetFromDateHeader,
  privateKeyFromSecret,
  signingMessage,
} from '../../../shared/venue/auth.js';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function makeKeyPair(): { seed: Buffer; pub: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { seed: pkcs8.subarray(pkcs8.length - 32), pub: spki.subarray(spki.length - 32) };
}

function publicKeyObject(pub: Buffer) {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pub]), format: 'der', type: 'spki' });
}

describe('signing message', () => {
  it('is timestamp + upper-case method + path without the query', () => {
    expect(signingMessage('1705420800000', 'get', '/v1/portfolio/positions?limit=10&cursor=x')).toBe(
      '1705420800000GET/v1/portfolio/positions',
    );
    expect(signingMessage('1', 'POST', '/v1/orders')).toBe('1POST/v1/orders');
  });
});

describe('RequestSigner', () => {
  const { seed, pub } = makeKeyPair();
  const secret32 = seed.toString('base64');
  const secret64 = Buffer.concat([seed, pub]).toString('base64');

  for (const [name, secret] of [
    ['32-byte seed', secret32],
    ['64-byte seed + public key', secret64],
  ] as const) {
    it(`signs verifiably with node:crypto and @noble/ed25519 (${name})`, async () => {
      const clock = new ManualClock(1_705_420_800_000);
      const signer = new RequestSigner({ keyId: 'key-1', secretBase64: secret }, clock);
      expect(signer.publicKey().equals(pub)).toBe(true);
      const h = signer.headers('get', '/v1/portfolio/positions?limit=5');
      expect(h['X-PM-Access-Key']).toBe('key-1');
      expect(h['X-PM-Timestamp']).toBe('1705420800000');
      const message = Buffer.from('1705420800000GET/v1/portfolio/positions', 'utf8');
      const sig = Buffer.from(h['X-PM-Signature'], 'base64');
      expect(sig.length).toBe(64);
      expect(cryptoVerify(null, message, publicKeyObject(pub), sig)).toBe(true);
      expect(await ed.verifyAsync(sig, message, pub)).toBe(true);
      // a different path does not verify
      expect(await ed.verifyAsync(sig, Buffer.from('1705420800000GET/v1/orders'), pub)).toBe(false);
    });
  }

  it('matches @noble/ed25519 byte for byte (Ed25519 is deterministic)', async () => {
    const signer = new RequestSigner({ keyId: 'k', secretBase64: secret32 }, new ManualClock(0));
    const msg = '42POST/v1/orders';
    const nobleSig = await ed.signAsync(Buffer.from(msg), seed);
    expect(signer.signMessage(msg)).toBe(Buffer.from(nobleSig).toString('base64'));
  });

  it('applies the clock offset to the timestamp', () => {
    const clock = new ManualClock(1_000_000);
    const signer = new RequestSigner({ keyId: 'k', secretBase64: secret32 }, clock);
    signer.clockOffsetMs = -45_000;
    expect(signer.headers('GET', '/x')['X-PM-Timestamp']).toBe('955000');
  });

  it('rejects a 64-byte secret whose public half does not match its seed', () => {
    const other = makeKeyPair();
    const bad = Buffer.concat([seed, other.pub]).toString('base64');
    expect(() => privateKeyFromSecret(bad)).toThrow(CredentialError);
    try {
      privateKeyFromSecret(bad);
    } catch (err) {
      expect(String((err as Error).message)).not.toContain(bad);
    }
  });

  it('rejects wrong lengths and non-base64 without echoing the secret', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(() => privateKeyFromSecret(short)).toThrow(/16 bytes/);
    const garbage = 'not*base64*at*all!!';
    try {
      privateKeyFromSecret(garbage);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CredentialError);
      expect((err as Error).message).not.toContain(garbage);
    }
  });

  it('never shows the secret in toString, inspect, JSON or a log line', () => {
    const signer = new RequestSigner({ keyId: 'key-xyz', secretBase64: secret64 }, new ManualClock(0));
    const texts = [String(signer), inspect(signer, { depth: 10, showHidden: true }), JSON.stringify(signer), JSON.stringify({ signer })];
    for (const t of texts) {
      expect(t).not.toContain(secret64);
      expect(t).not.toContain(secret32);
      expect(t).toContain('key-xyz');
    }
    const log = new MemoryLogger();
    log.info(`secret is ${secret64}`, { note: `x${secret64}y` });
    expect(JSON.stringify(log.lines)).not.toContain(secret64);
  });
});

describe('offsetFromDateHeader', () => {
  it('estimates server minus local from a Date header (mid-second)', () => {
    const local = Date.parse('2024-01-16T16:00:00.000Z');
    expect(offsetFromDateHeader('Tue, 16 Jan 2024 16:01:00 GMT', local)).toBe(60_500);
    expect(offsetFromDateHeader(undefined, local)).toBeNull();
    expect(offsetFromDateHeader('garbage', local)).toBeNull();
  });
});
