/**
 * Field builders of the configuration schema: each validates one YAML value (with a message naming the fix)
 * and, where the engine uses another unit, converts it right there in a `.transform()` — USD to integer
 * micros, Θ to ppm, seconds to ms, display names to OpticOdds ids. A transform runs only on a value that
 * passed its checks (zod stops a pipe at the first issue), so none of them can throw on bad input.
 *
 * Numbers may arrive as strings after ${ENV} interpolation, so numeric strings are coerced.
 */
import { Decimal } from 'decimal.js';
import * as z from 'zod';
import { usdToMicros, type Micros, type PriceMicros } from '../domain/money.js';
import { thetaToPpm, type ThetaPpm } from '../domain/fees.js';
import { parseClockTime } from '../domain/maintenance-calendar.js';
import { contracts as toQty, type Qty } from '../domain/quantity.js';
import { toOpticOddsId, toOpticOddsIds, type OpticOddsIdKind } from '../feeds/opticodds-ids.js';

function coerceNumber(v: unknown): unknown {
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}
function coerceBoolean(v: unknown): unknown {
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return v;
}
function emptyToUndefined(v: unknown): unknown {
  return typeof v === 'string' && v.trim() === '' ? undefined : v;
}

export interface Range {
  /** Lower bound and whether it is included. */
  min?: number;
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
  int?: boolean;
  /** Suggestion appended to the message, e.g. "0.25 (quarter Kelly) is a common choice". */
  hint?: string;
  /** At most this many decimals (6 for USD amounts: micros). */
  decimals?: number;
}

function describeRange(r: Range): string {
  if (r.min !== undefined && r.max !== undefined) {
    return `in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
  }
  if (r.min !== undefined) return r.minOpen ? `greater than ${r.min}` : `at least ${r.min}`;
  if (r.max !== undefined) return r.maxOpen ? `less than ${r.max}` : `at most ${r.max}`;
  return 'a number';
}

/** A plain number in a range, kept as written (ratios, weights, counts, ms). */
export function num(r: Range = {}) {
  return z.preprocess(
    coerceNumber,
    z
      .number({ error: (iss) => `must be a number — got ${JSON.stringify(iss.input) ?? 'nothing'}` })
      .superRefine((v, ctx) => {
        const bad =
          !Number.isFinite(v) ||
          (r.min !== undefined && (r.minOpen ? v <= r.min : v < r.min)) ||
          (r.max !== undefined && (r.maxOpen ? v >= r.max : v > r.max));
        const hint = r.hint ? `; ${r.hint}` : '';
        if (bad) {
          ctx.addIssue({ code: 'custom', message: `must be ${r.int ? 'an integer ' : ''}${describeRange(r)} — got ${v}${hint}` });
          return;
        }
        if (r.int && !Number.isInteger(v)) ctx.addIssue({ code: 'custom', message: `must be a whole number — got ${v}${hint}` });
        if (r.decimals !== undefined && new Decimal(v).decimalPlaces() > r.decimals) {
          ctx.addIssue({ code: 'custom', message: `must have at most ${r.decimals} decimal places — got ${v}` });
        }
      }),
  );
}

/** Integer micros are exact below 2^53: about 9 billion USD (shared/domain/money.ts). */
const MAX_USD = 9_000_000_000;
/** Node clamps a timer delay above 2^31 − 1 ms to 1 ms: a larger timeout would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A USD amount (≤ 6 decimals) → integer micros. */
export const usd = (r: Range = {}) =>
  num({ decimals: 6, ...r })
    .superRefine((v, ctx) => {
      if (Math.abs(v) > MAX_USD) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_USD} USD in size (beyond, micros are not exact) — got ${v}` });
    })
    .transform((v): Micros => usdToMicros(v));

/** A price or price difference in USD per contract (≤ 6 decimals) → integer micros of price. */
export const price = (r: Range = {}) => num({ decimals: 6, ...r }).transform((v): PriceMicros => usdToMicros(v));

/** A long-side price or price difference strictly inside (0, 1) → micros of price. */
export const priceDelta = (r: Range = {}) => price({ min: 0, minOpen: true, max: 1, maxOpen: true, ...r });

/** A fee coefficient Θ (fee = Θ × contracts × p × (1 − p)), ≤ 6 decimals → ppm. */
export const theta = (hint: string) => num({ min: 0, max: 1, maxOpen: true, decimals: 6, hint }).transform((v): ThetaPpm => thetaToPpm(v));

/** A duration written in seconds → ms (rounded to the ms). */
export const seconds = (r: Range = {}) => num(r).transform((s) => Math.round(s * 1000));

/** The largest quantity a setting may hold: hundredths × a price in micros stays an exact safe integer. */
export const MAX_CONFIG_CONTRACTS = 90_000_000;

/**
 * A quantity written in contracts, to hundredths (0.01 is the venue's finest size) → the engine's Qty
 * (hundredths of a contract, shared/domain/quantity.ts). Used by trading.default_min_qty and
 * market_maker.max_inventory.
 */
export const contracts = (r: Range = {}) => num({ decimals: 2, max: MAX_CONFIG_CONTRACTS, ...r }).transform((v): Qty => toQty(v));

export const bool = () => z.preprocess(coerceBoolean, z.boolean({ error: (iss) => `must be true or false — got ${JSON.stringify(iss.input)}` }));
export const str = () => z.string({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a string — got ${JSON.stringify(iss.input)}`) });
/** A secret: its value is never echoed in an error message. */
export const optionalSecret = () =>
  z.preprocess(emptyToUndefined, z.string({ error: 'must be a string (value not shown: it is a secret)' }).optional());
export const optionalStr = () => z.preprocess(emptyToUndefined, str().optional());

const url = (protocols: string[]) =>
  str().superRefine((v, ctx) => {
    let ok = false;
    try {
      ok = protocols.includes(new URL(v).protocol);
    } catch {
      ok = false;
    }
    if (!ok) ctx.addIssue({ code: 'custom', message: `must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL — got ${JSON.stringify(v)}` });
  });
const httpUrl = () => url(['http:', 'https:']);
export const wsUrl = () => url(['ws:', 'wss:']);
/** A base URL paths are appended to: trailing slashes dropped. */
export const trimSlash = (u: string): string => u.replace(/\/+$/, '');
export const baseUrl = () => httpUrl().transform(trimSlash);

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, normalise: (s: string) => string = (s) => s) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? normalise(v) : v),
    z.enum(values, { error: (iss) => `must be one of ${values.join(', ')} — got ${JSON.stringify(iss.input)}` }),
  );
}

/** An ISO-8601 instant with its offset, e.g. 2026-10-01T03:59:00Z → epoch ms. */
export const instant = () =>
  str()
    .superRefine((v, ctx) => {
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || !Number.isFinite(Date.parse(v))) {
        ctx.addIssue({ code: 'custom', message: `must be an ISO-8601 instant with a zone, e.g. 2026-10-01T03:59:00Z — got ${JSON.stringify(v)}` });
      }
    })
    .transform((v) => Date.parse(v));

/** A local time of day, "HH:MM" (kept as written: the maintenance window converts it with its neighbours). */
export const clockTime = () =>
  str().superRefine((v, ctx) => {
    if (parseClockTime(v) === null) ctx.addIssue({ code: 'custom', message: `must be a local time HH:MM between 00:00 and 24:00, e.g. "02:00" — got ${JSON.stringify(v)}` });
  });

/**
 * A list of OpticOdds ids or known display names (shared/feeds/opticodds-ids.ts) → the ids, de-duplicated.
 * An unknown name is an issue at its index.
 */
export const opticOddsIds = (kind: OpticOddsIdKind) =>
  z
    .array(str())
    .superRefine((values, ctx) => {
      values.forEach((v, i) => {
        try {
          toOpticOddsId(kind, v);
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: [i], message: (e as Error).message });
        }
      });
    })
    .transform((values) => toOpticOddsIds(kind, values));
