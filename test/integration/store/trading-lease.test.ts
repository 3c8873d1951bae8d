/**
 * The trading lease over dynalite: conditional acquire / renew / release, expiry, a competing owner refused,
 * and a model-based property (any interleaving of owners and times: at most one owner, exactly the model's
 * answers). The keeper over the same table: a second keeper waits until the first releases (or its lease
 * expires after a crash), and a keeper whose lease is taken reports the loss.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startStoreHarness, type StoreHarness } from '../../support/emulators.js';
import { InvalidLeaseArgumentError, TradingLeaseRepository, tradingLeaseKey } from '../../../shared/store/trading-lease-repository.js';
import { LeaseWaitAbortedError, TradingLeaseKeeper, type LeaseLostError } from '../../../shared/store/trading-lease-keeper.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';

let h: StoreHarness;
beforeAll(async () => {
  h = await startStoreHarness();
});
afterAll(async () => {
  await h?.stop();
});

const repoFor = (key = randomUUID()): TradingLeaseRepository => new TradingLeaseRepository(h.doc, h.tables.leases, tradingLeaseKey(key));
const T0 = 1_764_000_000_000;

describe('TradingLeaseRepository over dynalite', () => {
  it('acquires an absent lease, refuses a competing owner until expiry, then lets it take over', async () => {
    const repo = repoFor();
    const a = await repo.acquire('task-a', 30_000, T0);
    expect(a).toMatchObject({ acquired: true, lease: { owner: 'task-a', expiresAt: T0 + 30_000, generation: 1 } });
    expect(await repo.get()).toMatchObject({ owner: 'task-a', expiresAt: T0 + 30_000, acquiredAt: T0, renewedAt: T0, generation: 1 });

    // Competing owner, lease not expired (one ms before expiry): refused, told who holds it until when.
    const refused = await repo.acquire('task-b', 30_000, T0 + 29_999);
    expect(refused).toEqual({ acquired: false, holder: expect.objectContaining({ owner: 'task-a', expiresAt: T0 + 30_000 }) });
    expect((await repo.get())?.owner).toBe('task-a');

    // At expiry it is free: the new owner takes it, and the previous owner is reported.
    const taken = await repo.acquire('task-b', 30_000, T0 + 30_000);
    expect(taken).toMatchObject({ acquired: true, lease: { owner: 'task-b', expiresAt: T0 + 60_000, generation: 2 }, previousOwner: 'task-a', previousExpiresAt: T0 + 30_000 });
    // The old owner can neither renew nor release it any more.
    expect(await repo.renew('task-a', 30_000, T0 + 30_001)).toBeUndefined();
    expect(await repo.release('task-a')).toBe(false);
    expect(await repo.get()).toMatchObject({ owner: 'task-b', expiresAt: T0 + 60_000 });
  });

  it('re-acquires its own unexpired lease (same logical task) and renews only its own', async () => {
    const repo = repoFor();
    await repo.acquire('task-a', 10_000, T0);
    const again = await repo.acquire('task-a', 10_000, T0 + 1_000);
    expect(again).toMatchObject({ acquired: true, lease: { owner: 'task-a', expiresAt: T0 + 11_000, generation: 2 } });
    expect(again.acquired && again.previousOwner).toBeFalsy();

    const renewed = await repo.renew('task-a', 10_000, T0 + 5_000);
    expect(renewed).toMatchObject({ owner: 'task-a', expiresAt: T0 + 15_000, renewedAt: T0 + 5_000, generation: 2 });
    expect(await repo.renew('task-b', 10_000, T0 + 5_000)).toBeUndefined();
    expect((await repo.get())?.expiresAt).toBe(T0 + 15_000);
    // A renewal of a lapsed lease nobody took is still ours (the item names us).
    expect(await repo.renew('task-a', 10_000, T0 + 20_000)).toMatchObject({ expiresAt: T0 + 30_000 });
  });

  it('releases with a conditional delete: only the owner deletes it, then anyone may acquire', async () => {
    const repo = repoFor();
    await repo.acquire('task-a', 30_000, T0);
    expect(await repo.release('task-b')).toBe(false);
    expect((await repo.get())?.owner).toBe('task-a');
    expect(await repo.release('task-a')).toBe(true);
    expect(await repo.get()).toBeUndefined();
    expect(await repo.release('task-a')).toBe(false);
    expect(await repo.renew('task-a', 30_000, T0 + 1)).toBeUndefined();
    expect(await repo.acquire('task-b', 30_000, T0 + 1)).toMatchObject({ acquired: true, lease: { owner: 'task-b' } });
  });

  it('lets exactly one of many concurrent owners acquire a free lease', async () => {
    const repo = repoFor();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => repo.acquire(`task-${i}`, 30_000, T0)));
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const owner = winners[0]!.acquired ? winners[0]!.lease.owner : '';
    for (const r of results) if (!r.acquired) expect(r.holder?.owner).toBe(owner);
    expect((await repo.get())?.owner).toBe(owner);
  });

  it('keys the lease by a hash of the account (the API key id never lands in the table or a log line)', () => {
    const key = tradingLeaseKey('pk_live_ABCDEF123456');
    expect(key).toMatch(/^trading#[0-9a-f]{24}$/);
    expect(key).not.toContain('ABCDEF');
    expect(tradingLeaseKey('pk_live_ABCDEF123456')).toBe(key);
    expect(tradingLeaseKey('pk_live_ABCDEF123457')).not.toBe(key);
    expect(() => tradingLeaseKey('')).toThrow(InvalidLeaseArgumentError);
  });

  it('rejects an empty owner or a non-integer TTL / time before writing', async () => {
    const repo = repoFor();
    await expect(repo.acquire('', 30_000, T0)).rejects.toBeInstanceOf(InvalidLeaseArgumentError);
    await expect(repo.acquire('task-a', 0, T0)).rejects.toBeInstanceOf(InvalidLeaseArgumentError);
    await expect(repo.acquire('task-a', 1.5, T0)).rejects.toBeInstanceOf(InvalidLeaseArgumentError);
    await expect(repo.renew('task-a', 30_000, Number.NaN)).rejects.toBeInstanceOf(InvalidLeaseArgumentError);
    expect(await repo.get()).toBeUndefined();
  });

  it('property: any sequence of acquire/renew/release by three owners matches the single-owner model', async () => {
    type Op = { kind: 'acquire' | 'renew' | 'release'; owner: 'a' | 'b' | 'c'; advance: number; ttl: number };
    const op = fc.record({
      kind: fc.constantFrom('acquire' as const, 'renew' as const, 'release' as const),
      owner: fc.constantFrom('a' as const, 'b' as const, 'c' as const),
      advance: fc.integer({ min: 0, max: 400 }),
      ttl: fc.integer({ min: 1, max: 500 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops: Op[]) => {
        const repo = repoFor();
        let model: { owner: string; expiresAt: number } | undefined;
        let now = T0;
        for (const o of ops) {
          now += o.advance;
          if (o.kind === 'acquire') {
            const free = !model || model.expiresAt <= now || model.owner === o.owner;
            const r = await repo.acquire(o.owner, o.ttl, now);
            expect(r.acquired).toBe(free);
            if (free) model = { owner: o.owner, expiresAt: now + o.ttl };
            else expect(r.acquired ? undefined : r.holder?.owner).toBe(model?.owner);
          } else if (o.kind === 'renew') {
            const ours = model?.owner === o.owner;
            const r = await repo.renew(o.owner, o.ttl, now);
            expect(r !== undefined).toBe(ours);
            if (ours) model = { owner: o.owner, expiresAt: now + o.ttl };
          } else {
            const ours = model?.owner === o.owner;
            expect(await repo.release(o.owner)).toBe(ours);
            if (ours) model = undefined;
          }
          const stored = await repo.get();
          expect(stored ? { owner: stored.owner, expiresAt: stored.expiresAt } : undefined).toEqual(model);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('TradingLeaseKeeper over dynalite', () => {
  it('a second keeper waits (logging the holder and until when) until the first releases, then acquires', async () => {
    const repo = repoFor();
    const logger = new MemoryLogger();
    const metrics = new MetricsRegistry();
    const first = new TradingLeaseKeeper({ repo, owner: 'task-1', ttlMs: 5_000, retryMs: 20 });
    const second = new TradingLeaseKeeper({ repo, owner: 'task-2', ttlMs: 5_000, retryMs: 20, logger, metrics });
    await first.acquire();
    expect(first.isHeld()).toBe(true);

    let secondAcquired = false;
    const waiting = second.acquire().then((l) => {
      secondAcquired = true;
      return l;
    });
    // Event-driven: wait until the second has been refused at least once (its "waiting" log line).
    await until(() => logger.lines.some((l) => l.msg.startsWith('trading lease held by another bot')));
    const waitLine = logger.lines.find((l) => l.msg.startsWith('trading lease held by another bot'))!;
    expect(waitLine.fields).toMatchObject({ owner: 'task-2', holder: 'task-1' });
    expect(waitLine.fields.until).toBe(new Date(first.current()!.expiresAt).toISOString());
    expect(secondAcquired).toBe(false);
    expect((await repo.get())?.owner).toBe('task-1');

    expect(await first.release()).toBe(true);
    const lease = await waiting;
    expect(lease.owner).toBe('task-2');
    expect(second.isHeld()).toBe(true);
    expect(metrics.histogram('bot.lease_wait_ms')?.count).toBe(1);
    expect(metrics.gaugeValue('bot.lease_held')).toBe(1);
    expect(await second.release()).toBe(true);
    expect(await repo.get()).toBeUndefined();
  });

  it('a crashed holder (never released) is taken over once its lease expires, never before', async () => {
    const repo = repoFor();
    const crashed = new TradingLeaseKeeper({ repo, owner: 'task-dead', ttlMs: 300, retryMs: 20 });
    const held = await crashed.acquire();
    crashed.stop(); // SIGKILL: no renewal, no release
    const logger = new MemoryLogger();
    const next = new TradingLeaseKeeper({ repo, owner: 'task-next', ttlMs: 300, retryMs: 20, logger });
    const lease = await next.acquire();
    expect(lease.acquiredAt).toBeGreaterThanOrEqual(held.expiresAt);
    const line = logger.lines.find((l) => l.msg === 'trading lease acquired');
    expect(line?.fields).toMatchObject({ owner: 'task-next', takenOverFrom: 'task-dead' });
    next.stop();
  });

  it('renews well inside the TTL, and a keeper whose lease is taken reports it lost (once) and stops renewing', async () => {
    const repo = repoFor();
    const metrics = new MetricsRegistry();
    const keeper = new TradingLeaseKeeper({ repo, owner: 'task-1', ttlMs: 600, renewMs: 100, metrics });
    const first = await keeper.acquire();
    await until(() => metrics.counter('bot.lease_renewals') >= 2);
    expect((await repo.get())!.expiresAt).toBeGreaterThan(first.expiresAt);

    const lost: LeaseLostError[] = [];
    const gotLost = new Promise<void>((resolve) => keeper.onLost((e) => (lost.push(e), resolve())));
    // Another owner takes it over (as if our renewals had stopped reaching DynamoDB past the expiry).
    const stored = await repo.get();
    expect(await repo.acquire('task-2', 60_000, stored!.expiresAt)).toMatchObject({ acquired: true });
    await gotLost;
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBe('taken');
    expect(keeper.isHeld()).toBe(false);
    expect(keeper.lost()).toBe(lost[0]);
    expect(metrics.counter('bot.lease_lost', { reason: 'taken' })).toBe(1);
    // The release of a lost lease deletes nothing.
    expect(await keeper.release()).toBe(false);
    expect((await repo.get())?.owner).toBe('task-2');
  });

  it('gives up waiting when aborted or after maxWaitMs', async () => {
    const repo = repoFor();
    await repo.acquire('holder', 60_000, Date.now());
    const controller = new AbortController();
    const k = new TradingLeaseKeeper({ repo, owner: 'waiter', ttlMs: 1_000, retryMs: 20 });
    const p = k.acquire(controller.signal);
    controller.abort();
    await expect(p).rejects.toBeInstanceOf(LeaseWaitAbortedError);
    const bounded = new TradingLeaseKeeper({ repo, owner: 'waiter-2', ttlMs: 1_000, retryMs: 20, maxWaitMs: 100 });
    await expect(bounded.acquire()).rejects.toThrow(/held by holder/);
    expect((await repo.get())?.owner).toBe('holder');
  });
});

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
