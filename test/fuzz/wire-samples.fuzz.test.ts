/**
 * Fuzzed variants of the venue contract's valid samples through the client parsers (fast-check):
 * - optional fields dropped anywhere: never an exception (a refusal is fine);
 * - unknown fields added anywhere: the very same result (unknown fields are ignored);
 * - enum values replaced by values nobody knows: never an exception, never a refusal of the message; each
 *   injected value the parser reads is counted, and logged once per (field, value) however often it recurs;
 *   nothing else is reported;
 * - legacy frame keys and bare (unwrapped) bodies: the same result as today's;
 * - numbers as strings where the contract's numbers are decimals (balances, order quantities, market
 *   sizes): the same result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../shared/observability/logger.js';
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { WireDrift } from '../../shared/venue/wire-drift.js';
import { PARSERS, loadSamples, type Outcome } from '../contract/venue/sample-parsers.js';

const valid = loadSamples().filter((s) => s.expect && PARSERS[s.def]);
const RUNS = 300;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Paths of every object key in a document (depth-first). */
function keyPaths(doc: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(doc)) doc.forEach((v, i) => keyPaths(v, [...prefix, i], out));
  else if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      out.push([...prefix, k]);
      keyPaths(v, [...prefix, k], out);
    }
  }
  return out;
}

/** Maps keyed by data (a key added there is a new entry, not an unknown field). */
const MAP_KEYS = new Set(['positions']);

/** Paths of every object with declared fields (where an unknown field can be added). */
function objectPaths(doc: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(doc)) doc.forEach((v, i) => objectPaths(v, [...prefix, i], out));
  else if (doc !== null && typeof doc === 'object') {
    if (!MAP_KEYS.has(String(prefix[prefix.length - 1]))) out.push(prefix);
    for (const [k, v] of Object.entries(doc)) objectPaths(v, [...prefix, k], out);
  }
  return out;
}

function at(doc: Json, path: (string | number)[]): Json {
  let cur: Json = doc;
  for (const p of path) cur = (cur as Record<string | number, Json>)[p] as Json;
  return cur;
}

const clone = (d: unknown): Json => JSON.parse(JSON.stringify(d)) as Json;
const ENUM_LIKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

function run(def: string, doc: unknown, drift = new WireDrift()): Outcome {
  let out: Outcome | undefined;
  expect(() => (out = PARSERS[def]!(doc, drift))).not.toThrow();
  return out!;
}

/** The result minus the activities' `raw` (the wire object kept verbatim for audit, extra fields included). */
function withoutRaw(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutRaw);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'raw').map(([k, x]) => [k, withoutRaw(x)]));
  return v;
}

const sampleArb = fc.constantFrom(...valid);

describe('contract samples, fuzzed', () => {
  it(`dropped fields: never an exception (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(sampleArb, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (s, picks) => {
        const doc = clone(s.doc);
        for (const pick of picks) {
          const paths = keyPaths(doc);
          if (paths.length === 0) break;
          const path = paths[pick % paths.length]!;
          delete (at(doc, path.slice(0, -1)) as Record<string, Json>)[path[path.length - 1] as string];
        }
        run(s.def, doc);
      }),
      { numRuns: RUNS },
    );
  });

  it(`extra unknown fields: the same result (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(sampleArb, fc.array(fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 4 }), (s, adds) => {
        const base = run(s.def, s.doc);
        const doc = clone(s.doc);
        for (const [pick, name, value] of adds) {
          const paths = objectPaths(doc);
          const target = at(doc, paths[pick % paths.length]!) as Record<string, Json>;
          // A name no version of the contract uses (and never a prototype name).
          target[`zz_future_${name.replace(/[^a-zA-Z0-9]/g, '')}`] = value as Json;
        }
        expect(withoutRaw(run(s.def, doc))).toEqual(withoutRaw(base));
      }),
      { numRuns: RUNS },
    );
  });

  it(`unknown enum values: never refused, counted per value, logged once per value (${RUNS} runs)`, () => {
    let reported = 0;
    fc.assert(
      fc.property(sampleArb, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 3 }), (s, picks, repeats) => {
        const doc = clone(s.doc);
        const injected = new Set<string>();
        const enumPaths = keyPaths(doc).filter((p) => {
          const v = at(doc, p);
          return typeof v === 'string' && ENUM_LIKE.test(v) && p[p.length - 1] !== 'subscriptionType';
        });
        for (const pick of picks) {
          if (enumPaths.length === 0) break;
          const path = enumPaths[pick % enumPaths.length]!;
          const value = `${String(at(doc, path)).split('_')[0]}_FROM_THE_FUTURE_${pick % 7}`;
          (at(doc, path.slice(0, -1)) as Record<string, Json>)[path[path.length - 1] as string] = value;
          injected.add(value);
        }
        const metrics = new MetricsRegistry();
        const logger = new MemoryLogger();
        const drift = new WireDrift({ metrics, logger });
        for (let i = 0; i < repeats; i++) expect(run(s.def, doc, drift)).toMatchObject({ ok: true });
        const seen = drift.unknownSeen();
        reported += seen.length;
        for (const u of seen) {
          expect(injected.has(u.value), `reported ${u.field}=${u.value}, which was not injected`).toBe(true);
          expect(u.count % repeats).toBe(0);
          expect(metrics.counter('venue.unknown_enum', { field: u.field, value: u.value })).toBe(u.count);
        }
        const distinct = Object.entries(metrics.snapshot().counters)
          .filter(([k]) => k.startsWith('venue.unknown_enum.distinct'))
          .reduce((n, [, v]) => n + v, 0);
        expect(distinct).toBe(seen.length);
        expect(logger.lines.filter((l) => l.msg.startsWith('venue sent an enum value'))).toHaveLength(seen.length);
      }),
      { numRuns: RUNS },
    );
    // The injections really reach fields the parsers read.
    expect(reported).toBeGreaterThan(RUNS / 4);
  });

  it('legacy frame keys and bare bodies read the same as today\'s', () => {
    const aliases: Record<string, string[]> = {
      orderSubscriptionSnapshot: ['ordersSnapshot'],
      orderSubscriptionUpdate: ['orderUpdate'],
    };
    for (const s of valid) {
      for (const alias of aliases[s.def] ?? []) {
        const doc = clone(s.doc) as Record<string, Json>;
        doc[alias] = doc[s.def]!;
        delete doc[s.def];
        expect(run(s.def, doc), `${s.def} → ${alias}`).toEqual(run(s.def, s.doc));
      }
      if (s.def === 'GetMarketBookResponse' || s.def === 'GetMarketBBOResponse') {
        expect(run(s.def, (s.doc as { marketData: unknown }).marketData), `${s.def} bare`).toEqual(run(s.def, s.doc));
      }
    }
  });

  it(`numbers as strings where the contract's numbers are decimals: the same result (${RUNS} runs)`, () => {
    const DECIMAL_NUMBER_FIELDS = new Set([
      'currentBalance',
      'buyingPower',
      'openOrders',
      'quantity',
      'cumQuantity',
      'leavesQuantity',
      'orderPriceMinTickSize',
      'minimumTradeQty',
      'settlement',
    ]);
    const withNumbers = valid.filter((s) => keyPaths(clone(s.doc)).some((p) => DECIMAL_NUMBER_FIELDS.has(String(p[p.length - 1])) && typeof at(clone(s.doc), p) === 'number'));
    expect(withNumbers.length).toBeGreaterThan(4);
    fc.assert(
      fc.property(fc.constantFrom(...withNumbers), fc.nat(), (s, pick) => {
        const doc = clone(s.doc);
        const paths = keyPaths(doc).filter((p) => DECIMAL_NUMBER_FIELDS.has(String(p[p.length - 1])) && typeof at(doc, p) === 'number');
        const path = paths[pick % paths.length]!;
        const parent = at(doc, path.slice(0, -1)) as Record<string, Json>;
        const key = path[path.length - 1] as string;
        parent[key] = String(parent[key]);
        expect(run(s.def, doc)).toEqual(run(s.def, s.doc));
      }),
      { numRuns: RUNS },
    );
  });
});
