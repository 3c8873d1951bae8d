/**
 * Recorded lines → the replay form (docs/replay-format.md). Each line gets its time, its kind and where its
 * event is: a row of its shape's tables (replay-schema.ts) when the event fits the shape exactly, else the
 * JSON text of the event in the string table. Strings (slugs, ids, names) are interned once.
 */
import type { RecordLine } from '../record-format.js';
import { ENGINE_QUANTITY_UNIT, encodeQuantity, isStorableQuantity } from './quantity-encoding.js';
import { writeContainer, type ColumnArray, type ColumnType } from './replay-layout.js';
import { EVENT_SHAPES, JSON_SHAPE, LINE_KINDS, type Shape } from './replay-schema.js';

/** Column name of a field of a shape table (`book.marketSlug`, `book.bids[].price`). */
export const columnName = (table: string, key: string): string => `${table}.${key}`;
/** Table name of a list's or an object's elements. */
export const childTable = (table: string, key: string): string => `${table}.${key}[]`;

/** Whether an Int32Array holds the number exactly (NaN, the null of a number column, and -0 do not fit). */
const isInt32 = (v: number): boolean => (v | 0) === v && !Object.is(v, -0);

class ColumnSet {
  private readonly cols = new Map<string, { type: ColumnType; values: number[] }>();
  private readonly rows = new Map<string, number>();

  col(name: string, type: ColumnType): number[] {
    let c = this.cols.get(name);
    if (!c) this.cols.set(name, (c = { type, values: [] }));
    return c.values;
  }

  nextRow(table: string): number {
    const r = this.rows.get(table) ?? 0;
    this.rows.set(table, r + 1);
    return r;
  }

  rowCount(table: string): number {
    return this.rows.get(table) ?? 0;
  }

  /**
   * The columns as typed arrays. A number column whose values are all int32 (no null, no -0) is stored as
   * i32: a reader then gets small integers (as JSON.parse gives them) instead of boxed float64 values.
   */
  arrays(): Map<string, ColumnArray> {
    const out = new Map<string, ColumnArray>();
    for (const [name, c] of [...this.cols].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const type = c.type === 'f64' && c.values.every(isInt32) ? 'i32' : c.type;
      out.set(name, type === 'f64' ? Float64Array.from(c.values) : type === 'i32' ? Int32Array.from(c.values) : Uint8Array.from(c.values));
    }
    return out;
  }
}

class StringTable {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.ids.set(s, i);
    }
    return i;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a value has exactly the shape's keys, in its order, with values of the field types. */
export function fitsShape(shape: Shape, v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  let i = 0;
  for (const f of shape.fields) {
    if (keys[i] !== f.key) {
      if (f.optional) continue;
      return false;
    }
    i++;
    const x = v[f.key];
    if (x === null) {
      if (!f.nullable) return false;
      continue;
    }
    switch (f.type) {
      case 'num':
        if (typeof x !== 'number' || Number.isNaN(x)) return false;
        break;
      case 'qty':
        if (!isStorableQuantity(x)) return false;
        break;
      case 'str':
        if (typeof x !== 'string') return false;
        break;
      case 'bool':
        if (typeof x !== 'boolean') return false;
        break;
      case 'const':
        if (x !== f.value) return false;
        break;
      case 'list':
        if (!Array.isArray(x) || !x.every((e) => fitsShape(f.of as Shape, e))) return false;
        break;
      case 'obj':
        if (!fitsShape(f.of as Shape, x)) return false;
        break;
    }
  }
  return i === keys.length;
}

/** Appends a value that fits the shape as one row of its table; returns the row. */
function writeRow(cols: ColumnSet, strings: StringTable, table: string, shape: Shape, v: Record<string, unknown>): number {
  const row = cols.nextRow(table);
  for (const f of shape.fields) {
    const name = columnName(table, f.key);
    const present = Object.prototype.hasOwnProperty.call(v, f.key);
    if (f.optional) cols.col(`${name}?`, 'u8').push(present ? 1 : 0);
    const x = present ? v[f.key] : undefined;
    switch (f.type) {
      case 'const':
        break;
      case 'num':
        cols.col(name, 'f64').push(x === null || x === undefined ? NaN : (x as number));
        break;
      case 'qty':
        cols.col(name, 'f64').push(x === null || x === undefined ? NaN : encodeQuantity(x as number));
        break;
      case 'str':
        cols.col(name, 'i32').push(x === null || x === undefined ? -1 : strings.id(x as string));
        break;
      case 'bool':
        cols.col(name, 'u8').push(x === null ? 2 : x === true ? 1 : 0);
        break;
      case 'list': {
        const child = childTable(table, f.key);
        const start = cols.rowCount(child);
        const items = x as Record<string, unknown>[] | null | undefined;
        cols.col(name, 'i32').push(items ? start : -1);
        cols.col(`${name}#`, 'i32').push(items ? items.length : 0);
        for (const e of items ?? []) writeRow(cols, strings, child, f.of as Shape, e);
        break;
      }
      case 'obj':
        cols.col(name, 'i32').push(x === null || x === undefined ? -1 : writeRow(cols, strings, childTable(table, f.key), f.of as Shape, x as Record<string, unknown>));
        break;
    }
  }
  return row;
}

/** Encodes lines (in replay order) and the facts that are not lines (`meta`, JSON) into the replay form. */
export function encodeReplay(lines: readonly RecordLine[], meta: unknown = null): Uint8Array {
  const cols = new ColumnSet();
  const strings = new StringTable();
  const t = new Float64Array(lines.length);
  const k = new Uint8Array(lines.length);
  const shapeCol = new Uint8Array(lines.length);
  const rowCol = new Int32Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as RecordLine;
    t[i] = line.t;
    k[i] = LINE_KINDS.indexOf(line.k);
    const es = EVENT_SHAPES.find((s) => s.k === line.k && fitsShape(s.shape, line.e));
    if (es) {
      shapeCol[i] = es.id;
      rowCol[i] = writeRow(cols, strings, es.shape.name, es.shape, line.e as unknown as Record<string, unknown>);
    } else {
      shapeCol[i] = JSON_SHAPE;
      rowCol[i] = strings.id(JSON.stringify(line.e));
    }
  }
  const arrays = cols.arrays();
  arrays.set('line.t', t);
  arrays.set('line.k', k);
  arrays.set('line.shape', shapeCol);
  arrays.set('line.row', rowCol);
  return writeContainer({ quantityUnit: ENGINE_QUANTITY_UNIT, lineCount: lines.length, strings: strings.list, meta }, arrays);
}
