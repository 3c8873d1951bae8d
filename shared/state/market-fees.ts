/**
 * The fee view of the engine: which fee coefficients apply to a market now, and what one contract costs
 * (or earns) in fees at a price. Built from the configured schedule (`trading.fees`) and what the market
 * directory knows of each market (its own `feeCoefficientPpm`, its sport), so strategies, the risk sizer and
 * the reports all price fees the same way (docs/venue-rules.md, "Fees").
 *
 * Per-contract figures are for edge arithmetic, not for charging: the exact Θ·p·(1 − p) rounded to a whole
 * micro on the safe side (a fee paid rounds up, a rebate earned rounds down). Charging (cent rounding, the
 * per-order cap) stays in shared/domain/fees.ts.
 */
import {
  DEFAULT_FEE_SCHEDULE,
  feeRatesFor,
  feePerContractMicros,
  overridesInForce,
  segmentEnd,
  segmentStart,
  type FeeMarket,
  type FeeRates,
  type FeeSchedule,
} from '../domain/fees.js';
import { ONE_DOLLAR, type PriceMicros } from '../domain/money.js';

export type Liquidity = 'MAKER' | 'TAKER';

/** The fee coefficients of one market at one time. */
export interface FeeModel {
  ratesFor(marketSlug: string, nowMs: number): FeeRates;
  /**
   * Optional: a market's handle (an opaque object, the same one at every call for that market), for
   * `ratesOfHandle`. A caller that keeps a record per market keeps it there and skips the model's lookup by slug.
   */
  handle?(marketSlug: string): FeeHandle;
  /** With `handle`: exactly ratesFor(the handle's market, nowMs). */
  ratesOfHandle?(handle: FeeHandle, nowMs: number): FeeRates;
}

/** A market's place in a fee model's memo (read only by the model that made it). */
export interface FeeHandle {
  readonly marketSlug: string;
}

/** What the fee model reads of a market (the market directory's MarketInfo satisfies it). */
export type FeeMarketLookup = (marketSlug: string) => FeeMarket | undefined;

/** A market the lookup does not know (one shared object: feeRatesFor remembers its last answer per market object). */
const UNKNOWN_MARKET: FeeMarket = Object.freeze({});

/**
 * A market's last rates: valid while the lookup's revision is `revision` and the time stays in [from, until),
 * the span over which the schedule's overrides in force do not change.
 */
interface SlugRates extends FeeHandle {
  revision: number;
  from: number;
  until: number;
  rates: FeeRates;
}

/**
 * The schedule's rates, with each market's own coefficient and sport where the lookup knows them.
 *
 * Given `revision` (the market directory's), the model remembers each market's last rates (asked on every
 * book message of a held market, and by every quote): the same answer as long as the revision stands and the
 * time stays inside the fee schedule segment the answer came from. Exact under the directory's contract: what
 * the lookup answers for a market changes only with the revision (every change goes through addMarket, which
 * moves it; a market's info is never changed in place).
 */
export class ScheduleFeeModel implements FeeModel {
  private readonly memo = new Map<string, SlugRates>();
  /** The market ratesFor last answered and its memo entry (the same object as in `memo`). */
  private lastSlug: string | undefined = undefined;
  private lastRates: SlugRates | undefined = undefined;
  /** epoch's last count of the overrides in force, the same at every time in [inForceFrom, inForceUntil). */
  private inForce = 0;
  private inForceFrom = NaN;
  private inForceUntil = NaN;

  constructor(
    private readonly schedule: FeeSchedule,
    private readonly lookup: FeeMarketLookup = () => undefined,
    private readonly revision?: () => number,
  ) {}

  ratesFor(marketSlug: string, nowMs: number): FeeRates {
    if (this.revision === undefined) return this.ratesUncached(marketSlug, nowMs);
    // The last market asked first (strategies and the risk check ask for the same market in one message): its
    // entry is the memo's own, updated in place below, so it is the one memo.get would find.
    const m = marketSlug === this.lastSlug ? this.lastRates : this.memo.get(marketSlug);
    return this.ratesOfEntry(m ?? this.entryOf(marketSlug), nowMs);
  }

  /** The market's memo entry (made on first use, never replaced: the memo only grows). */
  handle(marketSlug: string): FeeHandle {
    return this.memo.get(marketSlug) ?? this.entryOf(marketSlug);
  }

  ratesOfHandle(handle: FeeHandle, nowMs: number): FeeRates {
    if (this.revision === undefined) return this.ratesUncached(handle.marketSlug, nowMs);
    return this.ratesOfEntry(handle as SlugRates, nowMs);
  }

  /** A new memo entry of the market, valid nowhere (its revision is NaN). */
  private entryOf(marketSlug: string): SlugRates {
    const m: SlugRates = { marketSlug, revision: NaN, from: NaN, until: NaN, rates: DEFAULT_FEE_SCHEDULE.defaults };
    this.memo.set(marketSlug, m);
    return m;
  }

  /** The rates of the memo entry `m` at `nowMs` (the entry renewed in place when out of date), now the last asked. */
  private ratesOfEntry(m: SlugRates, nowMs: number): FeeRates {
    this.lastSlug = m.marketSlug;
    this.lastRates = m;
    const revision = (this.revision as () => number)();
    if (m.revision === revision && nowMs >= m.from && nowMs < m.until) return m.rates;
    const rates = this.ratesUncached(m.marketSlug, nowMs);
    m.revision = revision;
    m.from = segmentStart(this.schedule, nowMs);
    m.until = segmentEnd(this.schedule, nowMs);
    m.rates = rates;
    return rates;
  }

  /**
   * A number that stays the same only while every market's rates stay the same: the lookup's revision and
   * how many of the schedule's overrides are in force at `nowMs` (the overrides in force at two times differ
   * exactly when their counts do). NaN (equal to nothing, not even itself) where it cannot tell: no revision
   * given, or a time that is not a number.
   */
  epoch(nowMs: number): number {
    if (this.revision === undefined || Number.isNaN(nowMs)) return NaN;
    if (!(nowMs >= this.inForceFrom && nowMs < this.inForceUntil)) {
      this.inForce = overridesInForce(this.schedule, nowMs);
      this.inForceFrom = segmentStart(this.schedule, nowMs);
      this.inForceUntil = segmentEnd(this.schedule, nowMs);
    }
    return this.revision() * (this.schedule.overrides.length + 1) + this.inForce;
  }

  /** ratesFor computed from the lookup and the schedule, without this model's memo (its test reference). */
  ratesUncached(marketSlug: string, nowMs: number): FeeRates {
    return feeRatesFor(this.schedule, this.lookup(marketSlug) ?? UNKNOWN_MARKET, nowMs);
  }
}

/** The venue's default coefficients for every market (tests, and callers given no model). */
export const DEFAULT_FEE_MODEL: FeeModel = new ScheduleFeeModel(DEFAULT_FEE_SCHEDULE);

/**
 * The fee of one contract at `price` (long-side micros) in whole micros, signed: > 0 a taker fee paid,
 * < 0 a maker rebate earned. Rounded against us (fee up, rebate down) so an edge is never overstated.
 */
export function feePerContract(liquidity: Liquidity, price: PriceMicros, rates: FeeRates): number {
  if (!Number.isSafeInteger(price) || price <= 0 || price >= ONE_DOLLAR) return 0;
  if (liquidity === 'TAKER') return feePerContractMicros(rates.takerThetaPpm, price, 'up');
  const rebate = feePerContractMicros(rates.makerThetaPpm, price, 'down');
  return rebate === 0 ? 0 : -rebate;
}
