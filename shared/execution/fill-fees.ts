/**
 * The fee of each fill the order tracker books: the venue's own figure (`commissionNotionalCollected`) when
 * the execution carries one, else the exchange's rule computed here with the shared fee module
 * (docs/venue-rules.md, "Fees"): taker fills of one order go through a {@link TakerFeeAccumulator} keyed by
 * the order, so the order's running total never exceeds the rounded cumulative exact fee; maker fills are
 * credited their rebate per fill. Reported taker fees still advance the order's cumulative state, so an order
 * whose later fills arrive without a figure is capped against everything it paid.
 */
import type { Qty } from '../domain/quantity.js';
import { DEFAULT_FEE_SCHEDULE, TakerFeeAccumulator, chargeTakerFill, feeRatesFor, makerRebate, type FeeRates, type FeeSchedule } from '../domain/fees.js';
import type { Micros, PriceMicros } from '../domain/money.js';

/** The fee rates of a market at a time (the market's coefficient, dated overrides). */
export type FeeRatesLookup = (marketSlug: string, atMs: number) => FeeRates;

/** Rates from a schedule alone (markets whose coefficient is not known here). */
export function scheduleRates(schedule: FeeSchedule = DEFAULT_FEE_SCHEDULE): FeeRatesLookup {
  return (_marketSlug, atMs) => feeRatesFor(schedule, {}, atMs);
}

export interface FillFeeInput {
  orderId: string;
  marketSlug: string;
  liquidity: 'MAKER' | 'TAKER';
  /** Contracts booked (may be fewer than the execution's own quantity when clamped). */
  qty: Qty;
  /** The execution's own quantity (what a reported fee covers). */
  executionQty: Qty;
  price: PriceMicros;
  /** The venue's signed fee for the execution, when it sent one. */
  reported: Micros | null;
  at: number;
}

export class FillFees {
  private readonly taker = new TakerFeeAccumulator();

  constructor(private readonly rates: FeeRatesLookup) {}

  /** The signed fee of one fill (positive paid, negative rebate). */
  feeOf(f: FillFeeInput): Micros {
    const rates = this.rates(f.marketSlug, f.at);
    if (f.reported !== null && Number.isSafeInteger(f.reported)) {
      const fee = f.qty === f.executionQty ? f.reported : Math.round((f.reported * f.qty) / f.executionQty);
      if (f.liquidity === 'TAKER') {
        const prev = this.taker.stateOf(f.orderId);
        const next = chargeTakerFill(prev ?? { exactNumerator: '0', charged: 0 }, f.qty, f.price, rates.takerThetaPpm).state;
        this.taker.restore(f.orderId, { exactNumerator: next.exactNumerator, charged: (prev?.charged ?? 0) + fee });
      }
      return fee;
    }
    return f.liquidity === 'TAKER' ? this.taker.charge(f.orderId, f.qty, f.price, rates.takerThetaPpm) : -makerRebate(f.qty, f.price, rates);
  }

  /** An order that can fill no more. */
  forget(orderId: string): void {
    this.taker.forget(orderId);
  }
}
