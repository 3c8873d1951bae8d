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
  type FeeMarket,
  type FeeRates,
  type FeeSchedule,
} from '../domain/fees.js';
import { ONE_DOLLAR, type PriceMicros } from '../domain/money.js';

export type Liquidity = 'MAKER' | 'TAKER';

/** The fee coefficients of one market at one time. */
export interface FeeModel {
  ratesFor(marketSlug: string, nowMs: number): FeeRates;
}

/** What the fee model reads of a market (the market directory's MarketInfo satisfies it). */
export type FeeMarketLookup = (marketSlug: string) => FeeMarket | undefined;

/** A market the lookup does not know (one shared object: feeRatesFor remembers its last answer per market object). */
const UNKNOWN_MARKET: FeeMarket = Object.freeze({});

/** The schedule's rates, with each market's own coefficient and sport where the lookup knows them. */
export class ScheduleFeeModel implements FeeModel {
  constructor(
    private readonly schedule: FeeSchedule,
    private readonly lookup: FeeMarketLookup = () => undefined,
  ) {}

  ratesFor(marketSlug: string, nowMs: number): FeeRates {
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
