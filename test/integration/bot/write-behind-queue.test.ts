import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { WriteBehindQueue } from '../../../containers/bot/persistence/write-behind-queue.js';

function queue(opts: Partial<ConstructorParameters<typeof WriteBehindQueue>[0]> = {}) {
  const metrics = new MetricsRegistry();
  const logger = new MemoryLogger();
  const q = new WriteBehindQueue({ logger, metrics, baseDelayMs: 1, maxDelayMs: 5, ...opts });
  return { q, metrics, logger };
}

describe('WriteBehindQueue', () => {
  it('enqueue never waits for the write; flush drains everything', async () => {
    const { q, metrics } = queue();
    const written: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    q.start();
    const accepted = q.enqueue({ key: 'a', kind: 'fill', run: async () => { await gate; written.push('a'); } });
    q.enqueue({ key: 'b', kind: 'fill', run: async () => void written.push('b') });
    expect(accepted).toBe(true);
    expect(written).toEqual([]);
    release();
    const r = await q.flush(5_000);
    expect(r).toEqual({ drained: true, remaining: 0 });
    expect(written.sort()).toEqual(['a', 'b']);
    expect(metrics.counter('persistence.writes', { kind: 'fill' })).toBe(2);
    await q.stop();
  });

  it('coalesces writes of one key: the newest snapshot is written', async () => {
    const { q } = queue();
    const written: number[] = [];
    for (let v = 1; v <= 5; v++) q.enqueue({ key: 'order#1', kind: 'order', run: async () => void written.push(v) });
    expect(q.depth()).toBe(1);
    await q.flush();
    expect(written).toEqual([5]);
    await q.stop();
  });

  it('retries a failing write with backoff while the others go through', async () => {
    // A backoff long enough that the write behind it is always picked first: with 1 ms, a thread descheduled
    // for half a millisecond between the failure and the next pick (a loaded machine) saw the retry due first.
    const { q, metrics } = queue({ baseDelayMs: 250, maxDelayMs: 500 });
    let attempts = 0;
    const order: string[] = [];
    q.enqueue({ key: 'flaky', kind: 'order', run: async () => { attempts++; if (attempts < 3) throw new Error('throttled'); order.push('flaky'); } });
    q.enqueue({ key: 'ok', kind: 'fill', run: async () => void order.push('ok') });
    await q.flush(5_000);
    expect(attempts).toBe(3);
    expect(order).toEqual(['ok', 'flaky']);
    expect(metrics.counter('persistence.retries', { kind: 'order' })).toBe(2);
    await q.stop();
  });

  it('drops a permanently failing write once, logged and counted', async () => {
    const { q, metrics, logger } = queue({ isPermanent: (e) => (e as Error).message === 'conflict' });
    q.enqueue({ key: 'x', kind: 'fill', run: async () => { throw new Error('conflict'); } });
    await q.flush(5_000);
    expect(q.depth()).toBe(0);
    expect(metrics.counter('persistence.dropped', { kind: 'fill' })).toBe(1);
    expect(logger.lines.some((l) => l.msg === 'write given up')).toBe(true);
    await q.stop();
  });

  it('is bounded: a new key beyond the limit is refused and counted', async () => {
    const { q, metrics } = queue({ maxPending: 2 });
    expect(q.enqueue({ key: 'a', kind: 'k', run: async () => {} })).toBe(true);
    expect(q.enqueue({ key: 'b', kind: 'k', run: async () => {} })).toBe(true);
    expect(q.enqueue({ key: 'c', kind: 'k', run: async () => {} })).toBe(false);
    expect(q.enqueue({ key: 'a', kind: 'k', run: async () => {} })).toBe(true); // coalesces
    expect(metrics.counter('persistence.dropped', { kind: 'k' })).toBe(1);
    await q.stop();
  });

  it('reports lag as the age of the oldest pending write', () => {
    let now = 1_000;
    const { q } = queue({ now: () => now });
    q.enqueue({ key: 'a', kind: 'k', run: async () => {} });
    now = 1_250;
    q.enqueue({ key: 'b', kind: 'k', run: async () => {} });
    now = 1_400;
    expect(q.lagMs()).toBe(400);
    expect(q.depth()).toBe(2);
  });
});
