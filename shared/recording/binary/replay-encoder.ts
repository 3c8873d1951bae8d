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

/** Column of an interned list's element rows (`book.bids@`): each distinct list once, as a run. */
export const refColumnName = (listColumn: string): string => `${listColumn}@`;

/** Text that tells two values apart exactly as the columns do (-0 is not 0). */
const valueKey = (x: unknown): string => (Object.is(x, -0) ? '-0' : JSON.stringify(x));

/**
 * Interned lists (a field with `interned`, of flat elements): each distinct element is one row of the child
 * table, each distinct list one run of element rows in the list's `@` column; a list points at its run.
 */
class InternedLists {
  private readonly elements = new Map<string, Map<string, number>>();
  private readonly lists = new Map<string, Map<string, number>>();

  list(cols: ColumnSet, strings: StringTable, name: string, child: string, shape: Shape, items: readonly Record<string, unknown>[]): number {
    let elements = this.elements.get(child);
    if (!elements) this.elements.set(child, (elements = new Map()));
    const rows: number[] = [];
    for (const e of items) {
      const key = shape.fields.map((f) => valueKey(e[f.key])).join(',');
      let row = elements.get(key);
      if (row === undefined) elements.set(key, (row = writeRow(cols, strings, child, shape, e, this)));
      rows.push(row);
    }
    let lists = this.lists.get(name);
    if (!lists) this.lists.set(name, (lists = new Map()));
    const key = rows.join(',');
    let start = lists.get(key);
    if (start === undefined) {
      const refs = cols.col(refColumnName(name), 'i32');
      start = refs.length;
      refs.push(...rows);
      lists.set(key, start);
    }
    return start;
  }
}

/** Appends a value that fits the shape as one row of its table; returns the row. */
function writeRow(cols: ColumnSet, strings: StringTable, table: string, shape: Shape, v: Record<string, unknown>, interned: InternedLists): number {
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
        const items = x as Record<string, unknown>[] | null | undefined;
        if (f.interned) {
          cols.col(name, 'i32').push(items ? interned.list(cols, strings, name, child, f.of as Shape, items) : -1);
        } else {
          cols.col(name, 'i32').push(items ? cols.rowCount(child) : -1);
          for (const e of items ?? []) writeRow(cols, strings, child, f.of as Shape, e, interned);
        }
        cols.col(`${name}#`, 'i32').push(items ? items.length : 0);
        break;
      }
      case 'obj':
        cols.col(name, 'i32').push(x === null || x === undefined ? -1 : writeRow(cols, strings, childTable(table, f.key), f.of as Shape, x as Record<string, unknown>, interned));
        break;
    }
  }
  return row;
}

/** Encodes lines (in replay order) and the facts that are not lines (`meta`, JSON) into the replay form. */
export function encodeReplay(lines: readonly RecordLine[], meta: unknown = null): Uint8Array {
  const cols = new ColumnSet();
  const strings = new StringTable();
  const interned = new InternedLists();
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
      rowCol[i] = writeRow(cols, strings, es.shape.name, es.shape, line.e as unknown as Record<string, unknown>, interned);
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
