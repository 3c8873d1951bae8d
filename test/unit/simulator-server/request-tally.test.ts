import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestTally } from '../../../containers/simulator/server/request-tally.js';

describe('RequestTally', () => {
  it('peak = the most arrivals in any window (t > a − W, a], per key; 429s counted apart', () => {
    let now = 0;
    const tally = new RequestTally(() => now, 1_000);
    for (const t of [0, 10, 500, 999, 1_000, 1_010]) {
      now = t;
      tally.received('k1');
    }
    // At 999: 0, 10, 500, 999 → 4. At 1 000 the one at 0 has left (t ≤ a − W): 10, 500, 999, 1 000 → 4.
    expect(tally.forKey('k1')).toEqual({ requests: 6, rateLimited: 0, peakPerWindow: 4 });
    tally.refused('k1');
    expect(tally.forKey('k1').rateLimited).toBe(1);
    expect(tally.forKey('other')).toEqual({ requests: 0, rateLimited: 0, peakPerWindow: 0 });
  });

  it('agrees with a brute-force count over every window (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 80 }), (gaps) => {
        let now = 0;
        const tally = new RequestTally(() => now, 1_000);
        const times: number[] = [];
        for (const g of gaps) {
          now += g;
          times.push(now);
          tally.received('k');
        }
        const brute = Math.max(0, ...times.map((a) => times.filter((t) => t > a - 1_000 && t <= a).length));
        expect(tally.forKey('k').peakPerWindow).toBe(brute);
      }),
    );
  });
});
