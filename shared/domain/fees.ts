/**
 * The exchange's fee rule (docs/venue-rules.md, "Fees"; venue page "Fees", effective 2026-09-25):
 *
 *     fee = Θ × C × p × (1 − p)
 *
 * C contracts at the YES price p (dollars), the same for buyer and seller. Takers pay Θ = 0.0695; makers are
 * credited a rebate at Θ = 0.0125 at the fill. Each fill is rounded to the cent, half to even, with no
 * minimum; a taker order's running total never exceeds the rounded cumulative exact fee (three fills of 40 at
 * 0.50, exact 0.695 each, are charged 0.70, 0.69, 0.69). Θ varies by market (`market.feeCoefficient`) and by
 * date (scheduled per-sport changes).
 *
 * This module is the one implementation of the rule: the simulator, the paper exchange, the order tracker,
 * PnL and the reports all call it, so paper and live agree to the cent.
 *
 * Units: prices in micros (USD × 1e6), Θ in parts per million (0.0695 → 69_500), fees in micros (always a
 * whole number of cents). Quantities are Qty, hundredths of a contract (shared/domain/quantity.ts): 0.5
 * contract at 0.50 is Θ × 0.5 × 0.25, exact like any other size.
 */
import { Decimal } from 'decimal.js';
import { addNumerator, centsHalfEven, formatNumerator, numeratorInto, numeratorToBigInt, parseNumerator, type FeeNumerator } from './fee-numerator.js';
import { CENT, ONE_DOLLAR, divRoundHalfEven, type Micros, type PriceMicros } from './money.js';
import { qtyTimesMicros, type MicrosRounding, type Qty } from './quantity.js';

/** Θ in parts per million: 0.0695 → 69_500. */
export type ThetaPpm = number;

export const PPM = 1_000_000;
/** The venue's taker coefficient since 2026-09-25. */
export const DEFAULT_TAKER_THETA_PPM: ThetaPpm = 69_500;
/** The venue's maker rebate coefficient since 2026-09-25. */
export const DEFAULT_MAKER_THETA_PPM: ThetaPpm = 12_500;

/** The coefficients that apply to one market at one time. */
export interface FeeRates {
  takerThetaPpm: ThetaPpm;
  makerThetaPpm: ThetaPpm;
}

export const DEFAULT_FEE_RATES: FeeRates = Object.freeze({
  takerThetaPpm: DEFAULT_TAKER_THETA_PPM,
  makerThetaPpm: DEFAULT_MAKER_THETA_PPM,
});

/** A scheduled change: from `effectiveFrom` (epoch ms) on, markets of `sport` (or every market) use these. */
export interface FeeOverride {
  /** Sport key as the product names it (e.g. "table_tennis"); absent = every sport. */
  sport?: string;
  effectiveFrom: number;
  takerThetaPpm?: ThetaPpm;
  makerThetaPpm?: ThetaPpm;
}

/** The fee schedule of the product: defaults plus dated overrides (config `fees`). */
export interface FeeSchedule {
  defaults: FeeRates;
  overrides: readonly FeeOverride[];
}

export const DEFAULT_FEE_SCHEDULE: FeeSchedule = Object.freeze({ defaults: DEFAULT_FEE_RATES, overrides: [] });

/** What is known of a market for fee purposes. */
export interface FeeMarket {
  /** The market's own taker Θ, as the venue reports it (`market.feeCoefficient`), in ppm. */
  feeCoefficientPpm?: ThetaPpm | null;
  sport?: string | null;
}

/**
 * The rates for a market at a time: the market's own coefficient when the venue reports one, else the
 * schedule's default; then the latest override in force for its sport (or for every sport), which wins
 * because the venue updates its market data only when a scheduled change takes effect.
 * The answer is shared (frozen) between calls that would compute the same: read it, never change it.
 */
export function feeRatesFor(schedule: FeeSchedule, market: FeeMarket, atMs: number): FeeRates {
  const m = ratesMemo.get(market);
  if (
    m !== undefined &&
    m.schedule === schedule &&
    m.coefficient === market.feeCoefficientPpm &&
    m.sport === market.sport &&
    atMs >= m.from &&
    atMs < m.until
  ) {
    return m.rates;
  }
  const rates = Object.freeze(feeRatesUncached(schedule, market, atMs));
  // The overrides in force are the same from the latest effectiveFrom at or before atMs up to the next one
  // after it: so are the rates.
  const from = segmentStart(schedule, atMs);
  const until = segmentEnd(schedule, atMs);
  if (m === undefined) ratesMemo.set(market, { schedule, coefficient: market.feeCoefficientPpm, sport: market.sport, from, until, rates });
  else {
    m.schedule = schedule;
    m.coefficient = market.feeCoefficientPpm;
    m.sport = market.sport;
    m.from = from;
    m.until = until;
    m.rates = rates;
  }
  return rates;
}

/**
 * A market's last rates and what they were found from: the schedule (object), the market's coefficient and
 * sport, and the span of time over which the schedule's overrides in force do not change. Schedules are
 * configuration (never changed once made); the market's fields are compared on every call.
 */
interface RatesMemo {
  schedule: FeeSchedule;
  coefficient: ThetaPpm | null | undefined;
  sport: string | null | undefined;
  from: number;
  until: number;
  rates: FeeRates;
}
const ratesMemo = new WeakMap<FeeMarket, RatesMemo>();

/**
 * The span of time around `atMs` over which the schedule's overrides in force stay the same (so do every
 * market's rates): from the latest effectiveFrom at or before atMs (-Infinity if none) ...
 */
export function segmentStart(schedule: FeeSchedule, atMs: number): number {
  let from = -Infinity;
  for (const o of schedule.overrides) if (o.effectiveFrom <= atMs) from = Math.max(from, o.effectiveFrom);
  return from;
}

/** ... up to, not including, the first effectiveFrom after atMs (Infinity if none). */
export function segmentEnd(schedule: FeeSchedule, atMs: number): number {
  let until = Infinity;
  for (const o of schedule.overrides) if (!(o.effectiveFrom <= atMs)) until = Math.min(until, o.effectiveFrom);
  return until;
}

/**
 * How many of the schedule's overrides are in force at `atMs`: it changes whenever the clock crosses a
 * scheduled change, so any market's rates can differ between two times only if this does.
 */
export function overridesInForce(schedule: FeeSchedule, atMs: number): number {
  let n = 0;
  for (const o of schedule.overrides) if (o.effectiveFrom <= atMs) n++;
  return n;
}

/** feeRatesFor computed afresh (the reference its memo is tested against). */
export function feeRatesUncached(schedule: FeeSchedule, market: FeeMarket, atMs: number): FeeRates {
  let taker = market.feeCoefficientPpm ?? schedule.defaults.takerThetaPpm;
  let maker = schedule.defaults.makerThetaPpm;
  let latestTaker = -Infinity;
  let latestMaker = -Infinity;
  for (const o of schedule.overrides) {
    if (o.effectiveFrom > atMs) continue;
    if (o.sport !== undefined && o.sport !== market.sport) continue;
    if (o.takerThetaPpm !== undefined && o.effectiveFrom >= latestTaker) {
      taker = o.takerThetaPpm;
      latestTaker = o.effectiveFrom;
    }
    if (o.makerThetaPpm !== undefined && o.effectiveFrom >= latestMaker) {
      maker = o.makerThetaPpm;
      latestMaker = o.effectiveFrom;
    }
  }
  return { takerThetaPpm: taker, makerThetaPpm: maker };
}

/** A coefficient given as a number (config, `market.feeCoefficient`) in ppm, exactly; refuses what is not one. */
export function thetaToPpm(theta: number): ThetaPpm {
  if (!Number.isFinite(theta) || theta < 0 || theta >= 1) throw new RangeError(`fee coefficient must be in [0, 1): ${theta}`);
  const ppm = new Decimal(theta).times(PPM);
  if (!ppm.isInteger()) throw new RangeError(`fee coefficient has more than 6 decimal places: ${theta}`);
  return ppm.toNumber();
}

/** Θ in ppm as the decimal the venue writes (69_500 → 0.0695). */
export function ppmToTheta(ppm: ThetaPpm): number {
  return new Decimal(ppm).div(PPM).toNumber();
}

// The exact fee Θ·C·p·(1−p) in dollars is thetaPpm·Q·p·(1e6−p) / 1e20 (p in micros, Q = C in hundredths of
// a contract); in cents, / 1e18; in micros, / 1e14.
const EXACT_PER_CENT = 10n ** 18n;
const EXACT_PER_MICRO = 1e14;

function exactNumerator(thetaPpm: ThetaPpm, qty: Qty, price: PriceMicros): bigint {
  if (!Number.isSafeInteger(qty) || qty < 0) throw new RangeError(`quantity must be a whole number of hundredths of a contract ≥ 0: ${qty}`);
  if (!Number.isSafeInteger(price) || price < 0 || price > ONE_DOLLAR) throw new RangeError(`price out of range: ${price}`);
  return BigInt(thetaPpm) * BigInt(qty) * BigInt(price) * BigInt(ONE_DOLLAR - price);
}

/** Θ·C·p·(1−p) in micros before any rounding (for estimates and edge arithmetic, not for charging). */
export function exactFeeMicros(thetaPpm: ThetaPpm, qty: Qty, price: PriceMicros): Decimal {
  return new Decimal(exactNumerator(thetaPpm, qty, price).toString()).div(EXACT_PER_MICRO);
}

// The charging functions below take a fast path in plain numbers (shared/domain/fee-numerator.ts) whenever
// the operands are in its exact range, and fall back to the BigInt reference otherwise: same results, same
// errors. Scratch numerators, reused (every function here runs to completion before another starts).
const nScratch: FeeNumerator = { hi: 0, lo: 0 };
const accScratch: FeeNumerator = { hi: 0, lo: 0 };

/** One fill's fee at Θ, in micros, rounded to the cent half to even (no cap). */
export function roundedFee(thetaPpm: ThetaPpm, qty: Qty, price: PriceMicros): Micros {
  if (numeratorInto(nScratch, thetaPpm, qty, price)) return centsHalfEven(nScratch) * CENT;
  return roundedFeeReference(thetaPpm, qty, price);
}

/** roundedFee in BigInt arithmetic: the reference the fast path is tested against. */
export function roundedFeeReference(thetaPpm: ThetaPpm, qty: Qty, price: PriceMicros): Micros {
  return Number(divRoundHalfEven(exactNumerator(thetaPpm, qty, price), EXACT_PER_CENT)) * CENT;
}

/** A fill's taker fee (a cost ≥ 0), standing alone (the first fill of an order, or an estimate). */
export function takerFee(qty: Qty, price: PriceMicros, rates: FeeRates = DEFAULT_FEE_RATES): Micros {
  return roundedFee(rates.takerThetaPpm, qty, price);
}

/** A fill's maker rebate (a credit ≥ 0): per fill, uncapped. */
export function makerRebate(qty: Qty, price: PriceMicros, rates: FeeRates = DEFAULT_FEE_RATES): Micros {
  return roundedFee(rates.makerThetaPpm, qty, price);
}

/**
 * The signed fee of one fill: positive = paid (taker), negative = rebate received (maker). Taker fills of one
 * order must go through a {@link TakerFeeAccumulator} for the cumulative cap; this is the uncapped figure.
 */
export function signedFee(liquidity: 'MAKER' | 'TAKER', qty: Qty, price: PriceMicros, rates: FeeRates): Micros {
  return liquidity === 'TAKER' ? takerFee(qty, price, rates) : -makerRebate(qty, price, rates);
}

/** The state of one order's taker fees: what lets the next fill be capped. Plain data, storable. */
export interface TakerFeeState {
  /** Σ thetaPpm·Q·p·(1e6−p) over the order's taker fills (Q in hundredths of a contract), as a decimal string (exact). */
  exactNumerator: string;
  /** Fees charged so far, micros. */
  charged: Micros;
}

export const EMPTY_TAKER_FEE_STATE: TakerFeeState = Object.freeze({ exactNumerator: '0', charged: 0 });

/**
 * The per-order cumulative cap: the fill is charged its own rounded fee, reduced so that the order's running
 * total never exceeds round-half-even(cumulative exact fee). Returns the fee of this fill and the new state.
 */
export function chargeTakerFill(
  state: TakerFeeState,
  qty: Qty,
  price: PriceMicros,
  thetaPpm: ThetaPpm,
): { fee: Micros; state: TakerFeeState } {
  if (numeratorInto(nScratch, thetaPpm, qty, price) && parseNumerator(accScratch, state.exactNumerator) && addNumerator(accScratch, nScratch)) {
    const own = centsHalfEven(nScratch) * CENT;
    const cap = centsHalfEven(accScratch) * CENT;
    const fee = Math.max(0, Math.min(own, cap - state.charged));
    return { fee, state: { exactNumerator: formatNumerator(accScratch), charged: state.charged + fee } };
  }
  return chargeTakerFillReference(state, qty, price, thetaPpm);
}

/** chargeTakerFill in BigInt arithmetic: the reference the fast path is tested against. */
export function chargeTakerFillReference(
  state: TakerFeeState,
  qty: Qty,
  price: PriceMicros,
  thetaPpm: ThetaPpm,
): { fee: Micros; state: TakerFeeState } {
  const n = exactNumerator(thetaPpm, qty, price);
  const own = Number(divRoundHalfEven(n, EXACT_PER_CENT)) * CENT;
  const cumulative = BigInt(state.exactNumerator) + n;
  const cap = Number(divRoundHalfEven(cumulative, EXACT_PER_CENT)) * CENT;
  const fee = Math.max(0, Math.min(own, cap - state.charged));
  return { fee, state: { exactNumerator: cumulative.toString(), charged: state.charged + fee } };
}

/**
 * The most an order's taker fills can be charged in total, however the venue splits them: every fill is
 * capped so that the running total never exceeds round-half-even(cumulative exact fee), and the cumulative
 * exact fee does not depend on the split. The conservative fee of a hypothetical order (an executable mark).
 */
export function takerFeeCap(state: TakerFeeState): Micros {
  if (parseNumerator(accScratch, state.exactNumerator)) return centsHalfEven(accScratch) * CENT;
  return takerFeeCapReference(state);
}

/** takerFeeCap in BigInt arithmetic: the reference the fast path is tested against. */
export function takerFeeCapReference(state: TakerFeeState): Micros {
  return Number(divRoundHalfEven(BigInt(state.exactNumerator), EXACT_PER_CENT)) * CENT;
}

/**
 * The fee cap of one hypothetical taker order built fill by fill: the same figure as
 * takerFeeCap(the state after chargeTakerFill of each fill) (round-half-even of the summed exact fee), without
 * the state's decimal string. For executable marks, which price a whole close as one order. Reusable: reset().
 */
export class OrderFeeCap {
  private readonly sum: FeeNumerator = { hi: 0, lo: 0 };
  private readonly part: FeeNumerator = { hi: 0, lo: 0 };
  /** The sum once it left the fast range (or a fill outside it), else null. */
  private big: bigint | null = null;

  reset(): this {
    this.sum.hi = 0;
    this.sum.lo = 0;
    this.big = null;
    return this;
  }

  /** Adds one fill (throws like chargeTakerFill on a quantity or price out of range). */
  add(qty: Qty, price: PriceMicros, thetaPpm: ThetaPpm): void {
    if (this.big === null && numeratorInto(this.part, thetaPpm, qty, price) && addNumerator(this.sum, this.part)) return;
    this.big = (this.big ?? numeratorToBigInt(this.sum)) + exactNumerator(thetaPpm, qty, price);
  }

  /** round-half-even(Σ exact fee) in micros: the most the order's fills can be charged in total. */
  micros(): Micros {
    if (this.big === null) return centsHalfEven(this.sum) * CENT;
    return Number(divRoundHalfEven(this.big, EXACT_PER_CENT)) * CENT;
  }
}

/** Per-order taker fee bookkeeping for a venue (simulator) or an account (paper): keyed by order id. */
export class TakerFeeAccumulator {
  private readonly byOrder = new Map<string, TakerFeeState>();

  /** The fee of one taker fill of `orderId`, capped by the order's cumulative exact fee. */
  charge(orderId: string, qty: Qty, price: PriceMicros, thetaPpm: ThetaPpm): Micros {
    const r = chargeTakerFill(this.byOrder.get(orderId) ?? EMPTY_TAKER_FEE_STATE, qty, price, thetaPpm);
    this.byOrder.set(orderId, r.state);
    return r.fee;
  }

  /** An order that can fill no more: its state is no longer needed. */
  forget(orderId: string): void {
    this.byOrder.delete(orderId);
  }

  stateOf(orderId: string): TakerFeeState | undefined {
    return this.byOrder.get(orderId);
  }

  restore(orderId: string, state: TakerFeeState): void {
    this.byOrder.set(orderId, state);
  }
}

/**
 * Θ·p·(1−p) for one contract in whole micros, rounded down or up, exactly and without BigInt or decimal.js
 * (the strategies and the risk manager ask for it on every signal). The exact value is
 * thetaPpm·p·(1e6 − p) / 1e12; the product can pass 2^53, so it is split into parts that stay exact.
 */
export function feePerContractMicros(thetaPpm: ThetaPpm, price: PriceMicros, rounding: 'down' | 'up'): Micros {
  if (!Number.isSafeInteger(thetaPpm) || thetaPpm < 0 || thetaPpm >= PPM) throw new RangeError(`fee coefficient out of range: ${thetaPpm} ppm`);
  if (!Number.isSafeInteger(price) || price < 0 || price > ONE_DOLLAR) throw new RangeError(`price out of range: ${price}`);
  const a = thetaPpm * price; // < 1e12
  const b = ONE_DOLLAR - price; // ≤ 1e6
  const aHi = Math.floor(a / 1e6);
  const u = aHi * b; // < 1e12
  const v = (a - aHi * 1e6) * b; // < 1e12
  const uHi = Math.floor(u / 1e6);
  const rest = (u - uHi * 1e6) * 1e6 + v; // < 2e12: numerator = uHi·1e12 + rest
  const whole = uHi + Math.floor(rest / 1e12);
  return rounding === 'up' && rest % 1e12 !== 0 ? whole + 1 : whole;
}

/**
 * The taker fee per contract at a price, in micros, unrounded (for edge arithmetic: "is the edge worth the
 * fee?"). 0.0695 × 0.5 × 0.5 = 0.017375 → 17_375 micros.
 */
export function takerFeePerContract(price: PriceMicros, rates: FeeRates = DEFAULT_FEE_RATES): number {
  return (rates.takerThetaPpm * price * (ONE_DOLLAR - price)) / 1e12;
}

/** The maker rebate per contract at a price, in micros, unrounded. */
export function makerRebatePerContract(price: PriceMicros, rates: FeeRates = DEFAULT_FEE_RATES): number {
  return (rates.makerThetaPpm * price * (ONE_DOLLAR - price)) / 1e12;
}

/**
 * The traded notional of a fill for volume figures: quantity × the price paid by the side that bought
 * (`buysLong`: the long price, else 1 − price), exact at a tick price (else rounded down). Not a fee base.
 */
export function tradedNotional(qty: Qty, longPrice: PriceMicros, buysLong: boolean): Micros {
  return qtyTimesMicros(qty, buysLong ? longPrice : ONE_DOLLAR - longPrice, 'down');
}

/**
 * A per-contract fee (feePerContractMicros, takerFeePerContract) times a quantity, in micros, rounded as asked
 * (the caller's safe side: 'up' for a cost, 'down' for a rebate). For estimates, never for charging.
 */
export function feeForQty(qty: Qty, perContract: number, rounding: MicrosRounding): Micros {
  const whole = rounding === 'up' ? Math.ceil(perContract) : Math.floor(perContract);
  return qtyTimesMicros(qty, whole, rounding);
}
