/**
 * A first deploy: the secrets hold the stack's placeholder. The production entry point (containers/bot/main.ts
 * as a child process; crash-harness.ts: simulator + dynalite here, file-backed secret store at the client
 * edge) must start, stay healthy and idle ("waiting for credentials" logged once, however many polls), send
 * nothing to the exchange — and begin trading by itself once the secret store returns real keys, with no
 * restart of the process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/engine-fixtures.js';
import { startCrashHarness, type CrashHarness, parseLogLines } from './crash-harness.js';

let h: CrashHarness;

beforeAll(async () => {
  // A long lease: nothing waits on it here, and renewals must not time out on a busy machine.
  h = await startCrashHarness({ seed: 29, orphanPolicy: 'cancel', leaseTtlMs: 15_000 });
}, 30_000);

afterAll(async () => {
  await h?.close();
});

describe('bot process on a first deploy (placeholder secrets)', () => {
  it('waits healthy and idle, then trades once the secret store holds real keys', async () => {
    const secretsFile = join(h.dir, 'secrets.json');
    const real = readFileSync(secretsFile, 'utf8');
    const placeholder = JSON.stringify({ placeholder: 'not set: put the real value with aws secretsmanager put-secret-value', random: 'Xy12' });
    const ids = Object.keys(JSON.parse(real) as Record<string, string>);
    writeFileSync(secretsFile, JSON.stringify(Object.fromEntries(ids.map((id) => [id, placeholder]))));

    const run = h.startBot('first-deploy', { CREDENTIALS_POLL_MS: '200' });
    await waitFor(() => parseLogLines(run.lines()).some((l) => l.msg === 'waiting for credentials'), 'the waiting line', 20_000);
    const port = Number(parseLogLines(run.lines()).find((l) => l.msg === 'health endpoint')?.port);
    expect(port).toBeGreaterThan(0);
    // Several polls later: still healthy and idle, the line logged once, nothing sent to the exchange.
    await new Promise((r) => setTimeout(r, 1_500));
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, phase: 'waiting-for-credentials' });
    expect(parseLogLines(run.lines()).filter((l) => l.msg === 'waiting for credentials')).toHaveLength(1);
    expect(parseLogLines(run.lines()).find((l) => l.msg === 'waiting for credentials')).toMatchObject({ reason: expect.stringContaining('placeholder') });
    expect(h.executions).toHaveLength(0);
    expect(run.process.exitCode).toBeNull();
    // No secret value ever reaches the log.
    expect(run.lines().join('\n')).not.toContain('Xy12');

    // The operator puts the real keys: the same process starts trading by itself.
    writeFileSync(secretsFile, real);
    await run.trading;
    expect(parseLogLines(run.lines()).some((l) => l.msg === 'credentials found: starting')).toBe(true);
    await waitFor(() => h.executions.length > 0, 'an order reaches the exchange', 30_000);
    const trading = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    expect(trading).toMatchObject({ ok: true, phase: 'trading', mode: 'live' });

    run.process.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  }, 90_000);
});
