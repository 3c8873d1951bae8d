/**
 * Crash recovery, end to end: the bot runs as a child process (its production entry point, live mode) against
 * the simulator, with DynamoDB on dynalite in this process. It is SIGKILLed right after an order reaches the
 * exchange, inside an ambiguous create (the exchange committed the order and holds the answer), and at a
 * random moment; each restart rebuilds from DynamoDB and the exchange. After a last, graceful run:
 *  - the fills ledger holds every execution of the account exactly once, with the exchange's price and size;
 *  - every exchange order that acted on the account (traded, or still working) has exactly one order record
 *    (one engine decision; an order the dead process could not record is recorded once, as an orphan); an
 *    order sent in the instant before a kill that left the book unfilled may have none (the venue keeps no
 *    history of such orders, and it changed nothing), but only such an order;
 *  - fills made while the bot was down (a counterparty takes its resting quotes) are found by the restart;
 *  - orphans followed the policy (cancel): nothing is left open at the exchange.
 * The long form (≥ 20 kills) is scripts/crash-soak.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrashHarness, verify, type BotChild, type CrashHarness } from './crash-harness.js';

let h: CrashHarness;

beforeAll(async () => {
  h = await startCrashHarness({ seed: 11, orphanPolicy: 'cancel' });
}, 30_000);

afterAll(async () => {
  await h?.close();
});

/** SIGKILLs the bot synchronously when the next order of the account reaches the exchange. */
function killOnNextOrder(bot: BotChild): Promise<string> {
  return new Promise((resolve) => {
    const off = h.onNewOrder((orderId) => {
      off();
      bot.process.kill('SIGKILL');
      resolve(orderId);
    });
  });
}

describe('crash recovery (child process, SIGKILL, restart)', () => {
  it('loses no fill and sends no duplicate across kills right after an order, inside an ambiguous create and at random', async () => {
    const killed: string[] = [];
    const killTimes: number[] = [];
    let hits = 0;

    // 1. Killed the instant an order lands at the exchange (its record may not be written yet).
    const run1 = h.startBot('1-after-order');
    await run1.trading;
    killed.push(await killOnNextOrder(run1));
    killTimes.push(Date.now());
    expect((await run1.exited).signal).toBe('SIGKILL');
    // While it is down, a counterparty trades with its resting quotes: only the restart can find these fills.
    const downtimeHits = h.hitBotOrders();
    expect(downtimeHits).toBeGreaterThan(0);
    hits += downtimeHits;

    // 2. Killed inside an ambiguous create: committed at the exchange, the answer held back.
    const run2 = h.startBot('2-ambiguous');
    await run2.trading;
    h.sim.faults.ambiguousCreate({ count: 1, mode: 'timeout', holdMs: 4_000 });
    killed.push(await killOnNextOrder(run2));
    killTimes.push(Date.now());
    expect((await run2.exited).signal).toBe('SIGKILL');
    expect(h.sim.faults.stats().ambiguousCreates).toBeGreaterThanOrEqual(1);

    // 3. Killed at a random moment of trading.
    const run3 = h.startBot('3-random');
    await run3.trading;
    await new Promise((r) => setTimeout(r, 700 + Math.floor(Math.random() * 2_000)));
    run3.process.kill('SIGKILL');
    killTimes.push(Date.now());
    expect((await run3.exited).signal).toBe('SIGKILL');

    // 4. A last run that trades, then stops gracefully (cancel, flush, final pass).
    const run4 = h.startBot('4-graceful');
    await run4.trading;
    await new Promise((r) => setTimeout(r, 1_500));
    hits += h.hitBotOrders(); // fills the live bot hears on its order stream
    await new Promise((r) => setTimeout(r, 1_500));
    run4.process.kill('SIGTERM');
    expect((await run4.exited).code).toBe(0);

    const v = await verify(h);
    expect(killed).toHaveLength(2);
    expect(v.exchangeOrders).toBeGreaterThan(2);
    expect(hits).toBeGreaterThan(0);
    expect(v.fillExecutions).toBeGreaterThan(0);
    // No fill lost, none invented, each exactly once with the exchange's figures.
    expect(v.missingInLedger).toEqual([]);
    expect(v.unknownInLedger).toEqual([]);
    expect(v.mismatched).toEqual([]);
    expect(v.ledgerFills).toBe(v.fillExecutions);
    // One record per exchange order: no duplicate decision, no unrecorded order that acted on the account;
    // an unrecorded one that never did was sent in the instant before a kill (create in flight).
    expect(v.ordersWithoutRecord).toEqual([]);
    expect(v.ordersWithSeveralRecords).toEqual([]);
    for (const o of v.unrecordedUnfilled) expect(killTimes.some((k) => o.createdAt <= k + 1_000 && o.createdAt >= k - 15_000), JSON.stringify(o)).toBe(true);
    // Orphans were cancelled (policy), and nothing is left working at the exchange.
    // (an orphan the exchange rejected never worked: recorded closed, REJECTED)
    for (const o of v.orphanRecords) expect(['CANCELLED', 'FILLED', 'REJECTED']).toContain(o.status);
    expect(v.openAtExchange).toBe(0);
    // The orders killed in flight are recorded (claimed by their decision, or recorded once as orphans).
    for (const id of killed) expect(v.ordersWithoutRecord).not.toContain(id);
  }, 90_000);
});
