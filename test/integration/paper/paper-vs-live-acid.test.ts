/**
 * The acid test (issue 13): paper mode must not look better than live mode on the same market.
 *
 * For each seed, two identical simulators run in lockstep (same sports world, same background makers and
 * takers); the bot trades LIVE against one and in PAPER mode on the other's public feeds, at the same time, for
 * a bounded time (test/support/acid-harness.ts). Then both bots' own PnL trackers are compared per strategy and
 * in total: fills, volume (contracts), fees and net PnL (realized + marked − fees). Paper may be more
 * pessimistic than live by any amount; it may be more optimistic only within ACID_TOLERANCE — per seed for the
 * totals, and per strategy over the seeds together (one strategy's few fills in one short run are mostly the
 * two bots' decisions drifting apart: the live bot's orders are in its book, its bankroll moves differently).
 * The measured gaps and the tolerance are in the README ("Paper vs live"); `npm run acid` prints them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { acidLines, acidViolations, formatAcid, runAcid, sumAcid, TOTAL, type AcidRun } from '../../support/acid-harness.js';
import { ACID_RUN } from './acid-settings.js';

describe('paper vs live: the acid test', () => {
  const runs: AcidRun[] = [];

  afterAll(() => {
    // The figures of this run, for the log (the README quotes such runs).
    for (const run of runs) console.log(formatAcid(run));
    if (runs.length > 1) console.log(formatAcid(sumAcid(runs)));
  });

  it('the two simulators of a seed send the same background flow, order for order (the lockstep holds)', async () => {
    const run = await runAcid({ ...ACID_RUN.options, seed: ACID_RUN.seeds[0]!, durationMs: 2_500, noBots: true });
    expect(run.flowMatch.a).toBeGreaterThan(10);
    expect(run.flowMatch).toEqual({ a: run.flowMatch.a, b: run.flowMatch.a, common: run.flowMatch.a });
  }, 30_000);

  it.each(ACID_RUN.seeds)(
    'seed %i: both bots trade the same flow, and paper is not more optimistic than live in total beyond the tolerance',
    async (seed) => {
      const run = await runAcid({ ...ACID_RUN.options, seed, durationMs: ACID_RUN.durationMs });
      runs.push(run);
      expect(run.errors).toEqual([]);
      // With the live bot trading in A, the takers still send the same orders in both simulators, but for those
      // that met a side of A's book the bot had emptied.
      expect(run.flowMatch.common).toBe(run.flowMatch.a);
      expect(run.flowMatch.b - run.flowMatch.a).toBeLessThanOrEqual(Math.max(3, run.flowMatch.b / 10));
      // Both sides traded enough for the comparison to mean something.
      expect(run.live[TOTAL]?.fills ?? 0).toBeGreaterThanOrEqual(5);
      expect(run.paper[TOTAL]?.fills ?? 0).toBeGreaterThanOrEqual(5);
      expect(acidViolations(run, { lines: [TOTAL] })).toEqual([]);
    },
    60_000,
  );

  it('over the seeds together, no strategy looks more optimistic in paper than live beyond the tolerance', () => {
    expect(runs.length).toBe(ACID_RUN.seeds.length);
    const all = sumAcid(runs);
    expect(acidLines(all).length).toBeGreaterThan(1);
    expect(acidViolations(all)).toEqual([]);
  });
});
