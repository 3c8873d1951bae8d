/**
 * The replay form → recorded lines, identical to the NDJSON reader's (same values, same key order).
 *
 * After the container's checks (magic, version, checksum, quantity unit) the content is trusted: each shape
 * table gets one reader function generated once per file from the schema (an object literal per row, keys
 * in the schema's order), so decoding a row is a few typed-array reads and one allocation per object.
 *
 * Interned lists (a book's levels) are shared: events decoded by one cursor may hold the same level objects
 * and the same level arrays (equal values, as the NDJSON reader gives them, but one object). Nothing on the
 * replay path changes an event it is given; whoever would must copy first.
 */
import type { RecordKind, RecordLine } from '../record-format.js';
import { ENGINE_QUANTITY_UNIT, decodeQuantity } from './quantity-encoding.js';
import { childTable, columnName, refColumnName } from './replay-encoder.js';
import { readContainer, ReplayFormatError, type ColumnArray } from './replay-layout.js';
import { EVENT_SHAPES, LINE_KINDS, type Field, type Shape } from './replay-schema.js';

export interface DecodedReplay {
  lines: RecordLine[];
  /** The facts stored beside the lines (the encoder's `meta`). */
  meta: unknown;
}

type RowReader = (row: number) => unknown;
interface BoundReader {
  read: RowReader;
}
type ReaderFactory = (columns: readonly ColumnArray[], strings: readonly string[], children: readonly BoundReader[], interned: readonly InternedList[]) => BoundReader;
const EMPTY = new Float64Array(0);

interface CompiledShape {
  factory: ReaderFactory;
  /** Column names, in the order the factory takes them. */
  columnNames: string[];
  children: { table: string; shape: Shape }[];
  /** The interned lists: their child's index in `children` and the index of their `@` column. */
  interned: { child: number; refs: number }[];
}

/** Slots of an interned list's cache of recent lists (a power of two). */
const LIST_CACHE_SLOTS = 1024;

/**
 * One interned list field over one file (replay-schema.ts `interned`): one object per distinct element and
 * one array per distinct list. Elements are made when the cursor opens, in one pass over their table (every
 * element row is in some list, and a replay reads them all; made there, a list is a few indexed reads, with
 * no per-element check or call); lists are made when first read and kept in a small direct-mapped cache by
 * their run's start, which keeps the recent ones (a book side usually repeats the previous frame's).
 */
class InternedList {
  private readonly elements: unknown[];
  private readonly starts = new Int32Array(LIST_CACHE_SLOTS).fill(-1);
  private readonly lists: unknown[][] = new Array<unknown[]>(LIST_CACHE_SLOTS).fill([]);
  constructor(
    read: RowReader,
    private readonly refs: Int32Array,
    elementRows: number,
  ) {
    const elements: unknown[] = [];
    for (let row = 0; row < elementRows; row++) elements.push(read(row));
    this.elements = elements;
  }

  get(start: number, count: number): unknown[] {
    if (count === 0) return [];
    const slot = start & (LIST_CACHE_SLOTS - 1);
    if (this.starts[slot] === start) {
      const hit = this.lists[slot] as unknown[];
      if (hit.length === count) return hit;
    }
    const out = packedRefs(this.elements, this.refs, start, count);
    this.starts[slot] = start;
    this.lists[slot] = out;
    return out;
  }
}

/** packed() for an interned list: the elements E[R[s]] … E[R[s + n - 1]] (n ≥ 1), by direct reads. */
function packedRefs(E: readonly unknown[], R: Int32Array, s: number, n: number): unknown[] {
  switch (n) {
    case 1:
      return [E[R[s] as number]];
    case 2:
      return [E[R[s] as number], E[R[s + 1] as number]];
    case 3:
      return [E[R[s] as number], E[R[s + 1] as number], E[R[s + 2] as number]];
    case 4:
      return [E[R[s] as number], E[R[s + 1] as number], E[R[s + 2] as number], E[R[s + 3] as number]];
    case 5:
      return [E[R[s] as number], E[R[s + 1] as number], E[R[s + 2] as number], E[R[s + 3] as number], E[R[s + 4] as number]];
    case 6:
      return [E[R[s] as number], E[R[s + 1] as number], E[R[s + 2] as number], E[R[s + 3] as number], E[R[s + 4] as number], E[R[s + 5] as number]];
    case 7:
      return [E[R[s] as number], E[R[s + 1] as number], E[R[s + 2] as number], E[R[s + 3] as number], E[R[s + 4] as number], E[R[s + 5] as number], E[R[s + 6] as number]];
    case 8:
      return [E[R[s] as number], E[R[s + 1] as number], E[R[s + 2] as number], E[R[s + 3] as number], E[R[s + 4] as number], E[R[s + 5] as number], E[R[s + 6] as number], E[R[s + 7] as number]];
    default: {
      const grown: unknown[] = [];
      for (let i = 0; i < n; i++) grown.push(E[R[s + i] as number]);
      return grown.slice();
    }
  }
}

/**
 * The list of the n elements `at(s)` … `at(s + n - 1)`, made the way JSON.parse makes an array: exactly n long,
 * packed elements (an array grown by push keeps room for 17; one made by `new Array(n)` is holey, which gives
 * consumers a second array map to handle). Up to 8 elements, one array literal; longer ones are rare.
 */
function packed(at: (j: number) => unknown, s: number, n: number): unknown[] {
  switch (n) {
    case 0:
      return [];
    case 1:
      return [at(s)];
    case 2:
      return [at(s), at(s + 1)];
    case 3:
      return [at(s), at(s + 1), at(s + 2)];
    case 4:
      return [at(s), at(s + 1), at(s + 2), at(s + 3)];
    case 5:
      return [at(s), at(s + 1), at(s + 2), at(s + 3), at(s + 4)];
    case 6:
      return [at(s), at(s + 1), at(s + 2), at(s + 3), at(s + 4), at(s + 5)];
    case 7:
      return [at(s), at(s + 1), at(s + 2), at(s + 3), at(s + 4), at(s + 5), at(s + 6)];
    case 8:
      return [at(s), at(s + 1), at(s + 2), at(s + 3), at(s + 4), at(s + 5), at(s + 6), at(s + 7)];
    default: {
      const grown: unknown[] = [];
      for (let i = 0; i < n; i++) grown.push(at(s + i));
      return grown.slice();
    }
  }
}

const compiled = new Map<string, CompiledShape>();
/** Up to this many optional keys, a reader makes each row with one object literal (one per combination). */
const MAX_LITERAL_OPTIONALS = 4;

const FLAT_TYPES = new Set<Field['type']>(['num', 'qty', 'str', 'bool', 'const']);
const isFlat = (shape: Shape): boolean => shape.fields.every((f) => FLAT_TYPES.has(f.type) && !f.optional);

/**
 * The reader factory of one shape table, generated once per process from the schema: an object literal per
 * row with the keys in the schema's order, absent optional keys left out (a literal per combination of the
 * optional keys present; with more than MAX_LITERAL_OPTIONALS of them, a literal up to the first optional
 * key, then assignments in order).
 */
function compileShape(table: string, shape: Shape): CompiledShape {
  const cached = compiled.get(table);
  if (cached) return cached;
  const columnNames: string[] = [];
  const children: CompiledShape['children'] = [];
  const interned: CompiledShape['interned'] = [];
  const col = (name: string): string => `c${columnNames.push(name) - 1}`;
  const child = (key: string): string => `k${children.push({ table: childTable(table, key), shape: shape.fields.find((f) => f.key === key)?.of as Shape }) - 1}`;
  const parts: { key: string; expr: string; presence?: string }[] = [];
  for (const f of shape.fields) {
    const c = columnName(table, f.key);
    let expr: string;
    switch (f.type) {
      case 'const':
        expr = JSON.stringify(f.value);
        break;
      case 'num':
        expr = f.nullable ? `((x = ${col(c)}[r]) !== x ? null : x)` : `${col(c)}[r]`;
        break;
      case 'qty':
        expr = f.nullable ? `((x = ${col(c)}[r]) !== x ? null : Q(x))` : `Q(${col(c)}[r])`;
        break;
      case 'str':
        expr = f.nullable ? `((x = ${col(c)}[r]) < 0 ? null : S[x])` : `S[${col(c)}[r]]`;
        break;
      case 'bool':
        expr = f.nullable ? `((x = ${col(c)}[r]) === 2 ? null : x === 1)` : `(${col(c)}[r] === 1)`;
        break;
      case 'list': {
        if (f.interned) {
          if (!isFlat(f.of as Shape)) throw new Error(`replay schema: interned list ${c} of elements that are not flat`);
          child(f.key);
          const i = interned.push({ child: children.length - 1, refs: columnNames.push(refColumnName(c)) - 1 }) - 1;
          expr = `((x = ${col(c)}[r]) < 0 ? null : I${i}.get(x, ${col(`${c}#`)}[r]))`;
        } else {
          expr = `L(${child(f.key)}.read, ${col(c)}[r], ${col(`${c}#`)}[r])`;
        }
        break;
      }
      case 'obj':
        expr = `((x = ${col(c)}[r]) < 0 ? null : ${child(f.key)}.read(x))`;
        break;
    }
    parts.push({ key: JSON.stringify(f.key), expr, ...(f.optional ? { presence: `${col(`${c}?`)}[r] === 1` } : {}) });
  }
  const optional = parts.filter((p) => p.presence !== undefined);
  const literalOf = (ps: readonly { key: string; expr: string }[]): string => `{ ${ps.map((p) => `${p.key}: ${p.expr}`).join(', ')} }`;
  let body: string;
  if (optional.length <= MAX_LITERAL_OPTIONALS) {
    // One object literal per combination of the optional keys present: every key in the object itself, in
    // order (a key added after the literal would live in a separate, regrown property store).
    const cases = Array.from({ length: 2 ** optional.length }, (_v, mask) => {
      const present = parts.filter((p) => p.presence === undefined || (mask & (1 << optional.indexOf(p))) !== 0);
      return `case ${mask}: return ${literalOf(present)};`;
    });
    const mask = optional.map((p, i) => `(${p.presence} ? ${1 << i} : 0)`).join(' | ') || '0';
    body = ['let x;', `switch (${mask}) {`, ...cases, '}'].join('\n');
  } else {
    const firstOptional = parts.findIndex((p) => p.presence !== undefined);
    body = [
      'let x;',
      `const o = ${literalOf(parts.slice(0, firstOptional))};`,
      ...parts.slice(firstOptional).map((p) => (p.presence ? `if (${p.presence}) o[${p.key}] = ${p.expr};` : `o[${p.key}] = ${p.expr};`)),
      'return o;',
    ].join('\n');
  }
  const bind = [
    ...columnNames.map((_n, i) => `const c${i} = C[${i}];`),
    ...children.map((_c, i) => `const k${i} = K[${i}];`),
    ...interned.map((_c, i) => `const I${i} = N[${i}];`),
  ].join('\n');
  // The code is built from the schema's constant keys only (JSON-quoted); no data reaches it.
  const make = new Function('Q', 'L', `return function (C, S, K, N) {\n${bind}\nreturn { read: function read_${shape.name}(r) {\n${body}\n} };\n};`) as (
    q: typeof decodeQuantity,
    l: typeof readList,
  ) => ReaderFactory;
  const out: CompiledShape = { factory: make(decodeQuantity, readList), columnNames, children, interned };
  compiled.set(table, out);
  return out;
}

/** A shape table's reader over one file's columns. */
function bindReader(table: string, shape: Shape, columns: ReadonlyMap<string, ColumnArray>, strings: readonly string[]): BoundReader {
  const c = compileShape(table, shape);
  const kids = c.children.map((k) => bindReader(k.table, k.shape, columns, strings));
  const cols = c.columnNames.map((n) => columns.get(n) ?? EMPTY);
  const interned = c.interned.map(({ child, refs }) => {
    const k = c.children[child] as CompiledShape['children'][number];
    const refCol = cols[refs];
    // A file without the column has no list with elements.
    return new InternedList((kids[child] as BoundReader).read, refCol instanceof Int32Array ? refCol : new Int32Array(0), tableRows(k.table, k.shape, columns));
  });
  return c.factory(cols, strings, kids, interned);
}

/** Rows of a flat shape table: the length of its first column (0 when it has none). */
function tableRows(table: string, shape: Shape, columns: ReadonlyMap<string, ColumnArray>): number {
  for (const f of shape.fields) {
    const col = columns.get(columnName(table, f.key));
    if (col) return col.length;
  }
  return 0;
}

function readList(read: RowReader, start: number, count: number): unknown[] | null {
  return start < 0 ? null : packed(read, start, count);
}

/**
 * An opened replay file: line times as a column, and each line decoded when asked (a replay asks once per
 * line, in order, so the objects die young instead of all living through the run).
 */
export class ReplayCursor {
  readonly length: number;
  /** Receive time of every line (epoch ms). */
  readonly times: Float64Array;
  readonly meta: unknown;
  private readonly kinds: Uint8Array;
  private readonly shapes: Uint8Array;
  private readonly rows: Int32Array;
  private readonly strings: readonly string[];
  private readonly readers: (RowReader | undefined)[] = [];

  constructor(buf: Uint8Array) {
    const { dir, columns } = readContainer(buf);
    if (dir.quantityUnit !== ENGINE_QUANTITY_UNIT) throw new ReplayFormatError(`replay file stores quantities in ${dir.quantityUnit}, the engine counts ${ENGINE_QUANTITY_UNIT}`);
    const t = columns.get('line.t');
    const k = columns.get('line.k');
    const shape = columns.get('line.shape');
    const row = columns.get('line.row');
    if (!(t instanceof Float64Array) || !(k instanceof Uint8Array) || !(shape instanceof Uint8Array) || !(row instanceof Int32Array) || t.length !== dir.lineCount) {
      throw new ReplayFormatError('replay file has no line table');
    }
    this.length = dir.lineCount;
    this.times = t;
    this.kinds = k;
    this.shapes = shape;
    this.rows = row;
    this.meta = dir.meta;
    this.strings = dir.strings;
    for (const es of EVENT_SHAPES) this.readers[es.id] = bindReader(es.shape.name, es.shape, columns, dir.strings).read;
  }

  /** Receive time of line i (epoch ms). */
  timeAt(i: number): number {
    return this.times[i] as number;
  }

  /** The kind of line i, without decoding its event. */
  kindAt(i: number): RecordKind {
    return LINE_KINDS[this.kinds[i] as number] as RecordKind;
  }

  /**
   * The event of line i, decoded (a new object each call; its interned lists may be shared with other
   * events: read them, never change them).
   */
  event(i: number): RecordLine['e'] {
    const read = this.readers[this.shapes[i] as number];
    return (read ? read(this.rows[i] as number) : JSON.parse(this.strings[this.rows[i] as number] as string)) as RecordLine['e'];
  }

  /** Line i, decoded (a new object each call). */
  line(i: number): RecordLine {
    return { t: this.times[i] as number, k: LINE_KINDS[this.kinds[i] as number] as RecordKind, e: this.event(i) } as RecordLine;
  }
}

/** Decodes a whole replay buffer. Throws ReplayFormatError when it is not one this build reads. */
export function decodeReplay(buf: Uint8Array): DecodedReplay {
  const cursor = new ReplayCursor(buf);
  const lines: RecordLine[] = new Array<RecordLine>(cursor.length);
  for (let i = 0; i < cursor.length; i++) lines[i] = cursor.line(i);
  return { lines, meta: cursor.meta };
}
