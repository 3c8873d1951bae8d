/**
 * The unit of the quantities a store item carries. Items written since quantities became exact hundredths of a
 * contract (shared/domain/quantity.ts) carry `qtyScale: 100`; items written before carry no marker and count
 * whole contracts. Every store reader passes its items through {@link readStoredQuantities}, so an old item's
 * `qty: 5` is read as 5 contracts (500 hundredths), never as 0.05.
 */
import { QTY_SCALE, type Qty } from '../domain/quantity.js';
import { StoreError } from './errors.js';

/** The attribute naming how many units make one contract in the item's quantity fields. */
export const QTY_SCALE_ATTRIBUTE = 'qtyScale';
/** Scale of items without the marker: whole contracts. */
export const LEGACY_QTY_SCALE = 1;

/** A stored item's quantity attribute is not a whole number in the unit its marker (or its absence) names. */
export class StoredQuantityError extends StoreError {
  constructor(readonly field: string, readonly detail: string) {
    super(`stored ${field}: ${detail}`);
    this.name = 'StoredQuantityError';
  }
}

/** The marker to add to every item written with quantities in hundredths. */
export function qtyScaleMarker(): { [QTY_SCALE_ATTRIBUTE]: typeof QTY_SCALE } {
  return { [QTY_SCALE_ATTRIBUTE]: QTY_SCALE };
}

function scaleOf(item: Record<string, unknown>): number {
  const s = item[QTY_SCALE_ATTRIBUTE];
  if (s === undefined) return LEGACY_QTY_SCALE;
  if (typeof s !== 'number' || !Number.isSafeInteger(s) || s <= 0 || QTY_SCALE % s !== 0) {
    throw new StoredQuantityError(QTY_SCALE_ATTRIBUTE, `unknown quantity scale ${String(s)} (expected ${QTY_SCALE} or none)`);
  }
  return s;
}

function toQty(field: string, value: unknown, factor: number): Qty {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new StoredQuantityError(field, `not a whole number (${typeof value === 'number' ? value : typeof value})`);
  }
  const q = value * factor;
  if (!Number.isSafeInteger(q)) throw new StoredQuantityError(field, `out of range after scaling (${value} × ${factor})`);
  return q === 0 ? 0 : q;
}

/**
 * A raw store item with its quantity fields in hundredths (Qty) and the marker removed. `paths` names the
 * quantity fields, dotted for a nested one ('request.quantity'); an absent field stays absent. Copies, never
 * mutates. Throws StoredQuantityError on an unknown marker or a non-integer quantity (a corrupt item).
 */
export function readStoredQuantities(item: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const factor = QTY_SCALE / scaleOf(item);
  const { [QTY_SCALE_ATTRIBUTE]: _marker, ...out } = item;
  for (const path of paths) {
    const keys = path.split('.');
    let parent: Record<string, unknown> = out;
    let ok = true;
    for (const k of keys.slice(0, -1)) {
      const child = parent[k];
      if (typeof child !== 'object' || child === null) {
        ok = false;
        break;
      }
      const copy = { ...(child as Record<string, unknown>) };
      parent[k] = copy;
      parent = copy;
    }
    const last = keys[keys.length - 1]!;
    if (!ok || parent[last] === undefined) continue;
    parent[last] = toQty(path, parent[last], factor);
  }
  return out;
}
