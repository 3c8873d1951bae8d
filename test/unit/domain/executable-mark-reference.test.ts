/**
 * executableMark (which sums the close's exact fee in plain numbers, OrderFeeCap) against the original
 * formulation kept here as the oracle: the close charged fill by fill through the fee module's BigInt
 * reference (chargeTakerFillReference), its fee the cap of the resulting order state (takerFeeCapReference).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { executableMark, levelsOf, type ExecutableMark, type ExecutableMarkInput } from '../../../shared/domain/executable-mark.js';
import { EMPTY_TAKER_FEE_STATE, chargeTakerFillReference, takerFeeCapReference, type TakerFeeState } from '../../../shared/domain/fees.js';
import type { BookLevel } from '../../../shared/domain/market.js';

const proceeds = (qty: number, longPrice: number, long: boolean) => qty * Math.floor((long ? longPrice : 1_000_000 - longPrice) / 100);

function referenceMark(input: ExecutableMarkInput): ExecutableMark {
  const { netQty, closeLevels, takerThetaPpm } = input;
  if (netQty === 0) return { value: 0, source: 'book', beyondVisibleDepth: false, fee: 0 };
  const long = netQty > 0;
  const size = Math.abs(netQty);
  let left = size;
  let cash = 0;
  let fees: TakerFeeState = EMPTY_TAKER_FEE_STATE;
  let worst: number | null = null;
  for (let i = 0; left > 0; i++) {
    const level = closeLevels(i);
    if (level === undefined) break;
    worst = level.price;
    const take = Math.min(left, level.qty);
    if (take <= 0) continue;
    cash += proceeds(take, level.price, long);
    fees = chargeTakerFillReference(fees, take, level.price, takerThetaPpm).state;
    left -= take;
  }
  if (worst !== null) {
    if (left > 0) {
      cash += proceeds(left, worst, long);
      fees = chargeTakerFillReference(fees, left, worst, takerThetaPpm).state;
    }
    const fee = takerFeeCapReference(fees);
    return { value: cash - fee, source: 'book', beyondVisibleDepth: left > 0, fee };
  }
  if (input.lastTrade === null) return { value: null, source: 'none', beyondVisibleDepth: false, fee: 0 };
  const opp = input.oppositeBest;
  const price = opp === null ? input.lastTrade : long ? Math.min(input.lastTrade, opp) : Math.max(input.lastTrade, opp);
  const fee = takerFeeCapReference(chargeTakerFillReference(EMPTY_TAKER_FEE_STATE, size, price, takerThetaPpm).state);
  return { value: proceeds(size, price, long) - fee, source: 'last_trade', beyondVisibleDepth: false, fee };
}

const level = fc.record({ price: fc.integer({ min: 1, max: 999_999 }), qty: fc.oneof(fc.integer({ min: 0, max: 50_000 }), fc.constant(0), fc.integer({ min: 0, max: 2_000_000_000 })) });
const price = fc.option(fc.integer({ min: 1, max: 999_999 }), { nil: null });

describe('executableMark against its BigInt formulation', () => {
  it('property: the same mark for any position, levels (sizes unknown or past the fast range included), last trade and Θ', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: -5_000_000_000, max: 5_000_000_000 })),
        fc.array(level, { maxLength: 8 }),
        price,
        price,
        fc.oneof(fc.constantFrom(0, 12_500, 69_500, 999_999), fc.integer({ min: 0, max: 999_999 })),
        (netQty, levels: BookLevel[], oppositeBest, lastTrade, takerThetaPpm) => {
          const input = { netQty, closeLevels: levelsOf(levels), oppositeBest, lastTrade, takerThetaPpm };
          expect(executableMark(input)).toEqual(referenceMark(input));
        },
      ),
      { numRuns: 4000 },
    );
  });
});
