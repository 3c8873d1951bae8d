/**
 * The lease keeper's timing rules with fake timers and a scripted repository: renewals failing (errors,
 * hangs) make it give the lease up BEFORE the stored lease expires — never held past the expiry — while a
 * transient failure is retried and kept; and the owner id from the ECS task metadata endpoint (served on
 * loopback) or the process fallback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { TradingLeaseKeeper, type LeaseLostError } from '../../../shared/store/trading-lease-keeper.js';
import type { LeaseAcquireResult, TradingLease } from '../../../shared/store/trading-lease-repository.js';
import { ecsTaskIdOf, resolveLeaseOwner } from '../../../shared/store/lease-owner.js';

type Outcome = 'ok' | 'error' | 'hang' | 'refused';

/** A repository whose renewals follow a script; it tracks the stored expiry as DynamoDB would. */
function scriptedRepo(script: Outcome[], fallback: Outcome = 'ok') {
  const stored: { lease?: TradingLease } = {};
  let i = 0;
  return {
    stored,
    renewCalls: () => i,
    repo: {
      leaseKey: 'trading#acct',
      async acquire(owner: string, ttlMs: number, now: number): Promise<LeaseAcquireResult> {
        stored.lease = { leaseKey: 'trading#acct', owner, expiresAt: now + ttlMs, acquiredAt: now, renewedAt: now, generation: 1 };
        return { acquired: true, lease: stored.lease };
      },
      renew(owner: string, ttlMs: number, now: number): Promise<TradingLease | undefined> {
        const o = script[i++] ?? fallback;
        if (o === 'error') return Promise.reject(new Error('ECONNRESET'));
        if (o === 'hang') return new Promise(() => {});
        if (o === 'refused') return Promise.resolve(undefined);
        stored.lease = { ...stored.lease!, owner, expiresAt: now + ttlMs, renewedAt: now };
        return Promise.resolve(stored.lease);
      },
      async release(): Promise<boolean> {
        stored.lease = undefined;
        return true;
      },
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TradingLeaseKeeper renewal timing (fake timers)', () => {
  it('renews every TTL / 3 while renewals succeed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(1_000_000);
    const s = scriptedRepo([]);
    const k = new TradingLeaseKeeper({ repo: s.repo, owner: 'me', ttlMs: 30_000 });
    expect(k.renewMs).toBe(10_000);
    await k.acquire();
    await vi.advanceTimersByTimeAsync(95_000);
    expect(s.renewCalls()).toBe(9);
    expect(k.isHeld()).toBe(true);
    expect(s.stored.lease!.expiresAt).toBe(1_000_000 + 90_000 + 30_000);
    k.stop();
  });

  it('keeps the lease through a transient renewal error (retried after renewMs / 4)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const s = scriptedRepo(['error', 'ok']);
    const k = new TradingLeaseKeeper({ repo: s.repo, owner: 'me', ttlMs: 30_000 });
    await k.acquire();
    await vi.advanceTimersByTimeAsync(10_000 + 2_500);
    expect(s.renewCalls()).toBe(2);
    expect(k.isHeld()).toBe(true);
    k.stop();
  });

  it('gives the lease up before it expires when renewals keep failing or hang, and reports it once', async () => {
    for (const failing of ['error', 'hang'] as const) {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const s = scriptedRepo([], failing);
      const k = new TradingLeaseKeeper({ repo: s.repo, owner: 'me', ttlMs: 30_000 });
      const lease = await k.acquire();
      const lost: { at: number; err: LeaseLostError }[] = [];
      k.onLost((err) => lost.push({ at: Date.now(), err }));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(lost, failing).toHaveLength(1);
      expect(lost[0]!.err.reason).toBe('renewal-failing');
      expect(lost[0]!.at, failing).toBeLessThan(lease.expiresAt);
      expect(k.isHeld()).toBe(false);
      expect(s.renewCalls(), failing).toBeGreaterThan(1);
      vi.useRealTimers();
    }
  });

  it('reports a refused renewal as taken at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const s = scriptedRepo(['ok', 'refused']);
    const k = new TradingLeaseKeeper({ repo: s.repo, owner: 'me', ttlMs: 3_000, renewMs: 1_000 });
    await k.acquire();
    const reasons: string[] = [];
    k.onLost((e) => reasons.push(e.reason));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reasons).toEqual(['taken']);
    expect(s.renewCalls()).toBe(2);
  });

  it('property: whatever the renewal outcomes, the keeper never counts itself holder at or after the stored expiry', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Outcome>('ok', 'ok', 'ok', 'error', 'hang'), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 2, max: 60 }).map((s) => s * 1_000),
        async (script, ttlMs) => {
          vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
          try {
            const s = scriptedRepo(script);
            const k = new TradingLeaseKeeper({ repo: s.repo, owner: 'me', ttlMs });
            await k.acquire();
            for (let t = 0; t < 40 && (k.isHeld() || t === 0); t++) {
              await vi.advanceTimersByTimeAsync(Math.ceil(ttlMs / 7));
              if (k.isHeld()) expect(Date.now()).toBeLessThan(s.stored.lease!.expiresAt);
            }
            k.stop();
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a renewal period that leaves no room for a retry', () => {
    const s = scriptedRepo([]);
    expect(() => new TradingLeaseKeeper({ repo: s.repo, owner: 'me', ttlMs: 30_000, renewMs: 20_000 })).toThrow(RangeError);
  });
});

describe('lease owner id', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  it('is the ECS task id from the task metadata endpoint v4', async () => {
    server = createServer((req, res) => {
      if (req.url === '/v4/abc/task') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ TaskARN: 'arn:aws:ecs:us-east-1:123456789012:task/PmusTrader-prod-Cluster/0f1e2d3c4b5a69788796a5b4c3d2e1f0' }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const owner = await resolveLeaseOwner({ env: { ECS_CONTAINER_METADATA_URI_V4: `http://127.0.0.1:${port}/v4/abc` } });
    expect(owner).toEqual({ owner: 'ecs-task/0f1e2d3c4b5a69788796a5b4c3d2e1f0', source: 'ecs-task' });
  });

  it('falls back to hostname, pid and a random suffix (different per process) when there is no usable metadata', async () => {
    const errors: unknown[] = [];
    const a = await resolveLeaseOwner({ env: {}, hostname: () => 'ip-10-0-0-1', pid: 42 });
    const b = await resolveLeaseOwner({ env: {}, hostname: () => 'ip-10-0-0-1', pid: 42 });
    expect(a.source).toBe('process');
    expect(a.owner).toMatch(/^ip-10-0-0-1:42:[0-9a-f]{8}$/);
    expect(a.owner).not.toBe(b.owner);
    // Metadata endpoint refusing connections: fallback, error reported.
    const c = await resolveLeaseOwner({ env: { ECS_CONTAINER_METADATA_URI_V4: 'http://127.0.0.1:1/v4/x' }, onMetadataError: (e) => errors.push(e) });
    expect(c.source).toBe('process');
    expect(errors).toHaveLength(1);
  });

  it('parses task ARNs with and without the cluster segment, and nothing else', () => {
    expect(ecsTaskIdOf('arn:aws:ecs:eu-west-1:123456789012:task/cluster-1/abc123')).toBe('abc123');
    expect(ecsTaskIdOf('arn:aws:ecs:eu-west-1:123456789012:task/abc123')).toBe('abc123');
    expect(ecsTaskIdOf('arn:aws:ecs:eu-west-1:123456789012:container/abc123')).toBeUndefined();
    expect(ecsTaskIdOf('task/abc')).toBeUndefined();
  });
});
