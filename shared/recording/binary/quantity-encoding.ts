/**
 * The one place that decides how the replay form stores contract quantities (book levels, trade prints).
 *
 * The binary form stores quantities exactly as the engine's events carry them (a float64 column holds any
 * safe integer exactly, so both whole contracts and fixed-point hundredths fit) and names the unit in its
 * header. When the engine's quantity unit changes, change ENGINE_QUANTITY_UNIT here: every cached replay file whose header names another unit is then stale and rebuilt from its
 * recording, never read with the wrong scale.
 */

/** The engine's contract quantity unit: hundredths of a contract (Qty, shared/domain/quantity.ts). */
export type QuantityUnit = 'whole_contracts' | 'hundredths';

export const ENGINE_QUANTITY_UNIT: QuantityUnit = 'hundredths';

/** A quantity as stored in a quantity column (the engine's number, unchanged). */
export function encodeQuantity(qty: number): number {
  return qty;
}

/** A stored quantity back to the engine's number. */
export function decodeQuantity(stored: number): number {
  return stored;
}

/** Whether a value can be stored in a quantity column and read back identical. */
export function isStorableQuantity(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
