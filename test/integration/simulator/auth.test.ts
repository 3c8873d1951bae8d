import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { startAuditedSimulator as startSimulator, type AuditedSimulator as RunningSimulator } from '../../support/wire-audit.js';
import { KeyRing, generateApiKey } from '../../../containers/simulator/server/auth.js';
import { call, signHeaders, TestSocket, upgradeStatus } from './helpers.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ liquidity: false, rateLimits: false });
});
afterAll(async () => {
  await sim.close();
});

describe('REST authentication', () => {
  it('accepts a request signed with node:crypto over timestamp + METHOD + path (query excluded)', async () => {
    const r = await call(sim.baseUrl, 'GET', '/v1/portfolio/positions?limit=5', { creds: sim.credentials });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ positions: {}, eof: true });
  });

  it('rejects missing headers, unknown key, bad signature and stale timestamps with 401 { message }', async () => {
    const path = '/v1/account/balances';
    const missing = await call(sim.baseUrl, 'GET', path);
    expect(missing.status).toBe(401);
    expect(typeof missing.body.message).toBe('string');

    const unknown = await call(sim.baseUrl, 'GET', path, { creds: { ...generateApiKey(), keyId: randomUUID() } });
    expect(unknown.status).toBe(401);

    // Right key id, wrong secret: the signature does not verify.
    const wrongSecret = await call(sim.baseUrl, 'GET', path, { creds: { keyId: sim.credentials.keyId, secretBase64: generateApiKey().secretBase64 } });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.message).toMatch(/signature/);

    // Signed for another path.
    const headers = signHeaders(sim.credentials, 'GET', '/v1/orders/open');
    const otherPath = await call(sim.baseUrl, 'GET', path, { headers });
    expect(otherPath.status).toBe(401);

    // Signed for another method.
    const postHeaders = signHeaders(sim.credentials, 'POST', path);
    expect((await call(sim.baseUrl, 'GET', path, { headers: postHeaders })).status).toBe(401);

    const stale = await call(sim.baseUrl, 'GET', path, { creds: sim.credentials, timestamp: Date.now() - 31_000 });
    expect(stale.status).toBe(401);
    expect(stale.body.message).toMatch(/timestamp/);
    const future = await call(sim.baseUrl, 'GET', path, { creds: sim.credentials, timestamp: Date.now() + 31_000 });
    expect(future.status).toBe(401);
    const withinWindow = await call(sim.baseUrl, 'GET', path, { creds: sim.credentials, timestamp: Date.now() - 20_000 });
    expect(withinWindow.status).toBe(200);

    const garbageSig = await call(sim.baseUrl, 'GET', path, {
      headers: { 'X-PM-Access-Key': sim.credentials.keyId, 'X-PM-Timestamp': String(Date.now()), 'X-PM-Signature': '!!not base64!!' },
    });
    expect(garbageSig.status).toBe(401);
    const garbageTs = await call(sim.baseUrl, 'GET', path, {
      headers: { ...signHeaders(sim.credentials, 'GET', path), 'X-PM-Timestamp': 'yesterday' },
    });
    expect(garbageTs.status).toBe(401);
  });

  it('public paths need no authentication', async () => {
    const r = await call(sim.baseUrl, 'GET', '/v1/events');
    expect(r.status).toBe(200);
    expect(r.headers.get('date')).toBeTruthy();
  });
});

describe('WebSocket authentication', () => {
  it('accepts a signed upgrade on both sockets and refuses bad ones with 401', async () => {
    for (const path of ['/v1/ws/markets', '/v1/ws/private']) {
      expect(await upgradeStatus(sim.wsBaseUrl, path, signHeaders(sim.credentials, 'GET', path))).toBe(101);
      expect(await upgradeStatus(sim.wsBaseUrl, path, {})).toBe(401);
      expect(await upgradeStatus(sim.wsBaseUrl, path, signHeaders(sim.credentials, 'GET', path, Date.now() - 60_000))).toBe(401);
      const other = path === '/v1/ws/markets' ? '/v1/ws/private' : '/v1/ws/markets';
      expect(await upgradeStatus(sim.wsBaseUrl, path, signHeaders(sim.credentials, 'GET', other))).toBe(401);
    }
    expect(await upgradeStatus(sim.wsBaseUrl, '/v1/ws/nothing', signHeaders(sim.credentials, 'GET', '/v1/ws/nothing'))).toBe(404);
  });

  it('opens an authenticated socket that then stays open', async () => {
    const s = await TestSocket.open(sim.wsBaseUrl, '/v1/ws/private', sim.credentials);
    expect(s.closed).toBeNull();
    s.close();
  });
});

describe('keys', () => {
  it('accepts 32-byte seeds as well as 64-byte seed+public key secrets, with several keys mapping to separate accounts', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const seed32 = { keyId: randomUUID(), secretBase64: Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url').toString('base64') };
    const seed64 = generateApiKey();
    const s2 = await startSimulator({ liquidity: false, rateLimits: false, keys: [seed32, seed64] });
    try {
      for (const creds of [seed32, seed64]) {
        expect((await call(s2.baseUrl, 'GET', '/v1/account/balances', { creds })).status).toBe(200);
      }
      expect(s2.accountOf(seed32.keyId)).not.toBe(s2.accountOf(seed64.keyId));
    } finally {
      await s2.close();
    }
  });

  it('refuses a 64-byte secret whose public half does not match its seed', () => {
    const a = Buffer.from(generateApiKey().secretBase64, 'base64');
    const b = Buffer.from(generateApiKey().secretBase64, 'base64');
    const mixed = Buffer.concat([a.subarray(0, 32), b.subarray(32)]).toString('base64');
    expect(() => new KeyRing().add({ keyId: 'k', secretBase64: mixed })).toThrow(/does not match/);
  });
});
