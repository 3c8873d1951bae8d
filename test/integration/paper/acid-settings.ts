/**
 * The acid test's run settings, shared by the suite (paper-vs-live-acid.test.ts) and `npm run acid`: which
 * seeds, how long each side trades, and how slow the live venue is.
 */
import type { AcidOptions } from '../../support/acid-harness.js';
import { engineConfig } from '../../support/engine-fixtures.js';

const paperSettings = engineConfig({ mode: 'paper' }).trading.paper;

export const ACID_RUN = {
  seeds: [1, 2, 3],
  durationMs: 12_000,
  options: {
    // The live venue answers as slowly as paper assumes (trading.paper.order_latency_ms, 50 ms as configured):
    // the test compares the fill model, not two latencies (loopback is ~1 ms).
    venueLatencyMs: paperSettings.orderLatencyMs,
  } satisfies Omit<AcidOptions, 'seed'>,
};
