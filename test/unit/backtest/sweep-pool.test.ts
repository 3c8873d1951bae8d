/**
 * The sweep pool's own mechanics, with a stand-in worker (test/support/echo-sweep-worker.mjs): workers start
 * once and serve every run, outcomes come back in job-id order whatever the completion order, a free worker
 * takes the job on data it already holds first, and a dying worker fails only its job and is replaced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BacktestJob } from '../../../shared/backtest/backtest-job.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { longestFirst, SweepWorkerPool, YOUNG_GENERATION_MB } from '../../../shared/backtest/sweep-pool.js';
import type { WorkerEntry } from '../../../shared/backtest/sweep-worker-entry.js';

const entry: WorkerEntry = { kind: 'js', url: new URL('../../support/echo-sweep-worker.mjs', import.meta.url) };
const job = (id: number, data: string, overrides: Record<string, number | boolean> = {}): BacktestJob => ({ id, dataPaths: [data], configSource: 'config', overrides });

let pool: SweepWorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('SweepWorkerPool', () => {
  it('starts its workers once and serves several runs with them, outcomes in job-id order', async () => {
    pool = await SweepWorkerPool.start({ workers: 2, entry });
    // Later ids finish first: the order still comes back by id.
    const first = await pool.run([0, 1, 2, 3].map((id) => job(id, 'a', { delayMs: 40 - id * 10 })));
    expect(first.map((o) => o.id)).toEqual([0, 1, 2, 3]);
    const second = await pool.run([5, 4].map((id) => job(id, 'a')));
    expect(second.map((o) => o.id)).toEqual([4, 5]);
    expect(pool.spawned).toBe(2);
    const threads = new Set([...first, ...second].map((o) => o.events));
    expect(threads.size).toBeLessThanOrEqual(2);
  });

  it("starts its workers with the entry's Node options when it names them, else with this process's", async () => {
    const argv = async (e: WorkerEntry): Promise<unknown> => {
      const p = await SweepWorkerPool.start({ workers: 1, entry: e });
      try {
        return JSON.parse((await p.run([job(0, 'a', { argv: true })]))[0]?.error ?? 'null');
      } finally {
        await p.close();
      }
    };
    expect(await argv({ ...entry, execArgv: ['--no-warnings'] })).toEqual(['--no-warnings']);
    expect(await argv(entry)).toEqual(process.execArgv);
    // A V8 option Node refuses in a worker's options: the worker inherits this process's instead.
    expect(await argv({ ...entry, execArgv: ['--no-warnings', '--stack-trace-limit=20'] })).toEqual(process.execArgv);
  });

  it('a worker holds the next job while it runs one, except the last ones, which wait for a free worker', async () => {
    pool = await SweepWorkerPool.start({ workers: 1, entry });
    const out = await pool.run([job(0, 'a', { received: true, delayMs: 200 }), job(1, 'a', { received: true, delayMs: 200 }), job(2, 'a', { received: true })]);
    // Job 1 was posted with job 0; job 2, the queue's last, only once job 1 was all the worker had left.
    expect(out.map((o) => JSON.parse(o.error ?? 'null'))).toEqual([
      [0, 1],
      [0, 1],
      [0, 1, 2],
    ]);
  });

  it("gives each worker the young generation asked for (default YOUNG_GENERATION_MB)", async () => {
    const young = async (opts: { youngGenerationMb?: number }): Promise<unknown> => {
      const p = await SweepWorkerPool.start({ workers: 1, entry, ...opts });
      try {
        return (JSON.parse((await p.run([job(0, 'a', { limits: true })]))[0]?.error ?? '{}') as { maxYoungGenerationSizeMb?: number }).maxYoungGenerationSizeMb;
      } finally {
        await p.close();
      }
    };
    expect(await young({})).toBe(YOUNG_GENERATION_MB);
    expect(await young({ youngGenerationMb: 48 })).toBe(48);
  });

  it('two runs at once on one pool each get their own outcomes', async () => {
    pool = await SweepWorkerPool.start({ workers: 2, entry });
    const [a, b] = await Promise.all([pool.run([job(0, 'a', { delayMs: 20 }), job(1, 'a')]), pool.run([job(0, 'b'), job(1, 'b', { delayMs: 10 })])]);
    expect(a.map((o) => [o.id, o.overrides.delayMs])).toEqual([
      [0, 20],
      [1, undefined],
    ]);
    expect(b.map((o) => [o.id, o.overrides.delayMs])).toEqual([
      [0, undefined],
      [1, 10],
    ]);
  });

  it('a free worker takes the queued job on the data it last ran first', async () => {
    pool = await SweepWorkerPool.start({ workers: 1, entry });
    await pool.run([job(0, 'day-2')]);
    const order: number[] = [];
    await pool.run([job(0, 'day-1'), job(1, 'day-1'), job(2, 'day-2'), job(3, 'day-1')], (o) => order.push(o.id));
    expect(order).toEqual([2, 0, 1, 3]);
  });

  it('queues the jobs on the largest recording first, equal sizes in their order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-pool-'));
    try {
      const small = join(dir, 'small.ndjson');
      const big = join(dir, 'big.ndjson');
      writeFileSync(small, 'x'.repeat(10));
      writeFileSync(big, 'x'.repeat(1000));
      pool = await SweepWorkerPool.start({ workers: 1, entry });
      const order: number[] = [];
      const out = await pool.run([job(0, small), job(1, big), job(2, small), job(3, big)], (o) => order.push(o.id));
      expect(order).toEqual([1, 3, 0, 2]);
      expect(out.map((o) => o.id)).toEqual([0, 1, 2, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('longestFirst is a stable sort by data size, largest first (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 30 }), (days) => {
        const jobs = days.map((d, id) => job(id, `day-${d}`));
        const sized = (paths: readonly string[]) => Number(String(paths[0]).slice(-1)) * 100;
        const out = longestFirst(jobs, sized);
        expect(out.map((j) => j.id).sort((a, b) => a - b)).toEqual(jobs.map((j) => j.id));
        for (let i = 1; i < out.length; i++) {
          const a = sized((out[i - 1] as BacktestJob).dataPaths);
          const b = sized((out[i] as BacktestJob).dataPaths);
          expect(a > b || (a === b && (out[i - 1] as BacktestJob).id < (out[i] as BacktestJob).id)).toBe(true);
        }
      }),
    );
  });

  it('a worker that dies fails its job only and is replaced; the rest of the run completes', async () => {
    pool = await SweepWorkerPool.start({ workers: 1, entry });
    const out = await pool.run([job(0, 'a'), job(1, 'a', { crash: true }), job(2, 'a'), job(3, 'a')]);
    expect(out.map((o) => o.error)).toEqual([undefined, 'crashed on job 1', undefined, undefined]);
    expect(pool.spawned).toBe(2);
    expect(pool.size).toBe(1);
  });

  it('when no worker is left, the queued jobs fail with the reason instead of hanging', async () => {
    pool = await SweepWorkerPool.start({ workers: 1, entry, maxRestarts: 0 });
    const out = await pool.run([job(0, 'a', { crash: true }), job(1, 'a'), job(2, 'a')]);
    expect(out[0]?.error).toBe('crashed on job 0');
    expect(out.slice(1).map((o) => o.error)).toEqual(['every sweep worker died (last: crashed on job 0)', 'every sweep worker died (last: crashed on job 0)']);
    await expect(pool.run([job(3, 'a')])).resolves.toEqual([{ id: 3, overrides: {}, error: 'no sweep worker is running' }]);
  });

  it('a closed pool refuses new runs', async () => {
    const p = await SweepWorkerPool.start({ workers: 1, entry });
    await p.close();
    await expect(p.run([job(0, 'a')])).rejects.toThrow(/closed/);
  });
});
