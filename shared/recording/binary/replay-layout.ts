/**
 * The container of the replay form (docs/replay-format.md): a fixed header, a JSON directory (string
 * table, column list, the source's facts) and 8-byte-aligned typed-array columns, all little-endian.
 *
 *   0   "PMRB"                 magic
 *   4   u32  format version    REPLAY_FORMAT_VERSION
 *   8   u32  directory length  D (bytes of UTF-8 JSON)
 *   12  u32  crc32             of every byte from 16 to the end
 *   16  D    directory JSON
 *   …   columns, each starting at a multiple of 8 (offsets in the directory are from byte 0)
 *
 * Reading checks the magic, the version and the checksum, then trusts the content (no per-event checks).
 */
import { crc32 } from 'node:zlib';
import type { QuantityUnit } from './quantity-encoding.js';

/**
 * Bump with any change of the layout or of the schema (replay-schema.ts), or of what the reader gives.
 * 2: the `own` line kind (recording format 3; derived for older recordings when they are read).
 * 3: number and quantity columns whose values are all int32 are stored as i32 (replay-encoder.ts).
 * 4: interned lists (a book's levels): distinct elements and distinct lists stored once (replay-schema.ts).
 * 5: odds in the feed adapter's current key order (shape 7, `oddsByIds`): until then they were stored as JSON.
 */
export const REPLAY_FORMAT_VERSION = 5;
export const REPLAY_MAGIC = 'PMRB';
const HEADER_BYTES = 16;

export type ColumnType = 'f64' | 'i32' | 'u8';
export type ColumnArray = Float64Array | Int32Array | Uint8Array;

export interface ColumnEntry {
  name: string;
  type: ColumnType;
  offset: number;
  length: number;
}

export interface ReplayDirectory {
  quantityUnit: QuantityUnit;
  lineCount: number;
  strings: string[];
  columns: ColumnEntry[];
  /** Facts about the source that are not lines (read issues), as JSON. */
  meta: unknown;
}

export class ReplayFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayFormatError';
  }
}

const BYTES: Record<ColumnType, number> = { f64: 8, i32: 4, u8: 1 };
const align8 = (n: number): number => (n + 7) & ~7;

export function typeOfArray(a: ColumnArray): ColumnType {
  return a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : 'u8';
}

/** Lays out the directory and the columns into one buffer, with the header and the checksum. */
export function writeContainer(dir: Omit<ReplayDirectory, 'columns'>, columns: ReadonlyMap<string, ColumnArray>): Uint8Array {
  // The column offsets depend on the directory's length, which depends on the offsets: place the columns
  // after a directory measured with placeholder offsets, then pad the real directory to that length.
  const entries: ColumnEntry[] = [...columns].map(([name, a]) => ({ name, type: typeOfArray(a), offset: 0, length: a.length }));
  const measure = (es: ColumnEntry[]): number => Buffer.byteLength(JSON.stringify({ ...dir, columns: es }));
  const widest = entries.map((e) => ({ ...e, offset: 2 ** 31 }));
  const dirBytes = measure(widest);
  let at = align8(HEADER_BYTES + dirBytes);
  for (const e of entries) {
    e.offset = at;
    at = align8(at + e.length * BYTES[e.type]);
  }
  const out = new Uint8Array(at);
  const text = Buffer.from(JSON.stringify({ ...dir, columns: entries }));
  const dirText = Buffer.concat([text, Buffer.alloc(dirBytes - text.length, 0x20)]);
  out.set(dirText, HEADER_BYTES);
  for (const e of entries) {
    const a = columns.get(e.name) as ColumnArray;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), e.offset);
  }
  const view = new DataView(out.buffer);
  out.set(Buffer.from(REPLAY_MAGIC, 'latin1'), 0);
  view.setUint32(4, REPLAY_FORMAT_VERSION, true);
  view.setUint32(8, dirBytes, true);
  view.setUint32(12, crc32(out.subarray(HEADER_BYTES)), true);
  return out;
}

/** The format version a buffer says it has, or null when it is not a replay file. */
export function peekVersion(buf: Uint8Array): number | null {
  if (buf.byteLength < HEADER_BYTES || Buffer.from(buf.buffer, buf.byteOffset, 4).toString('latin1') !== REPLAY_MAGIC) return null;
  return new DataView(buf.buffer, buf.byteOffset, HEADER_BYTES).getUint32(4, true);
}

/** Checks and opens a buffer: the directory and a typed-array view of every column (no copy when aligned). */
export function readContainer(input: Uint8Array): { dir: ReplayDirectory; columns: Map<string, ColumnArray> } {
  const version = peekVersion(input);
  if (version === null) throw new ReplayFormatError('not a replay file (bad magic)');
  if (version !== REPLAY_FORMAT_VERSION) throw new ReplayFormatError(`replay format version ${version}, this build reads ${REPLAY_FORMAT_VERSION}`);
  // Typed arrays need their alignment: copy a buffer that does not start on a multiple of 8.
  const buf = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
  const view = new DataView(buf.buffer, buf.byteOffset, HEADER_BYTES);
  const dirBytes = view.getUint32(8, true);
  if (HEADER_BYTES + dirBytes > buf.byteLength) throw new ReplayFormatError('truncated replay file (directory)');
  if (crc32(buf.subarray(HEADER_BYTES)) !== view.getUint32(12, true)) throw new ReplayFormatError('replay file checksum mismatch');
  let dir: ReplayDirectory;
  try {
    dir = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + HEADER_BYTES, dirBytes).toString('utf8')) as ReplayDirectory;
  } catch {
    throw new ReplayFormatError('replay file directory is not JSON');
  }
  const columns = new Map<string, ColumnArray>();
  for (const e of dir.columns) {
    if (e.offset + e.length * BYTES[e.type] > buf.byteLength) throw new ReplayFormatError(`truncated replay file (column ${e.name})`);
    const at = buf.byteOffset + e.offset;
    columns.set(e.name, e.type === 'f64' ? new Float64Array(buf.buffer, at, e.length) : e.type === 'i32' ? new Int32Array(buf.buffer, at, e.length) : new Uint8Array(buf.buffer, at, e.length));
  }
  return { dir, columns };
}
