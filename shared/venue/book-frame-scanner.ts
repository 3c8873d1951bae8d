/**
 * The book frame read straight from the socket's text, without JSON.parse: the hot path of the markets
 * socket (docs/venue-rules.md, "WebSockets": `marketData` is the full top of book each time). JSON.parse
 * builds every level as objects and strings that are thrown away a microsecond later; this scanner walks the
 * text once and keeps only the numbers.
 *
 * It accepts exactly the frames it can answer for with certainty and gives up (undefined) on anything else,
 * leaving those to the general parser (ws-messages.ts), which then answers as it always did: a frame with
 * another key (an `error`, `stats`, a heartbeat), a string with an escape, a value of an unexpected type,
 * a decimal or out-of-range quantity, a price that is not a plain decimal inside (0, 1), levels not strictly
 * best-first, a duplicate key, text after the frame, malformed JSON. Key order and JSON whitespace are free.
 * What it returns is what the general parser returns for the same text (a property test holds the two equal
 * over generated frames: test/unit/venue/book-frame-scanner.test.ts).
 */
import type { BookLevel } from '../domain/market.js';
import { QTY_SCALE } from '../domain/quantity.js';
import { MARKET_STATES, type VenueMarketState } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import { fastIntIn, fastMicrosIn } from './fast-decimal.js';
import { readMarketState } from './wire-convert.js';
import type { WireDrift } from './wire-drift.js';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;

export interface ScannedBook {
  event: Extract<VenueEvent, { type: 'book' }>;
  requestId: string | null;
}

class Scanner {
  pos = 0;
  /** Start and end (exclusive) of the last string read, without its quotes. */
  strStart = 0;
  strEnd = 0;

  constructor(readonly text: string) {}

  /** Skips JSON whitespace; returns the next character code (NaN at the end). */
  peek(): number {
    const t = this.text;
    let i = this.pos;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else {
        this.pos = i;
        return c;
      }
    }
  }

  /** Consumes `code` (after whitespace) or fails. */
  expect(code: number): boolean {
    if (this.peek() !== code) return false;
    this.pos++;
    return true;
  }

  /** Reads a string without escapes or control characters into strStart/strEnd. */
  string(): boolean {
    if (this.peek() !== QUOTE) return false;
    const t = this.text;
    const start = this.pos + 1;
    for (let i = start; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === QUOTE) {
        this.strStart = start;
        this.strEnd = i;
        this.pos = i + 1;
        return true;
      }
      if (c === BACKSLASH || c < 32) return false;
    }
    return false;
  }

  /** Whether the last string read is `s`. */
  is(s: string): boolean {
    return this.strEnd - this.strStart === s.length && this.text.startsWith(s, this.strStart);
  }

  slice(): string {
    return this.text.slice(this.strStart, this.strEnd);
  }

  /** After a member: true when another follows (a comma), false at `close`, null for anything else. */
  next(close: number): boolean | null {
    const c = this.peek();
    this.pos++;
    if (c === COMMA) return true;
    if (c === close) return false;
    return null;
  }
}

const LEVEL_HEAD = '{"px":{"value":"';
const LEVEL_MIDDLE = '","currency":"USD"},"qty":"';
/** The end (exclusive) of a string's content starting at `i`, or -1 at an escape, a control character or the end. */
function stringEnd(t: string, i: number): number {
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 32) return -1;
  }
  return -1;
}

const ZERO = 48;
const DOT = 46;
/** Micros per unit of the last fractional digit, by number of fractional digits (1–6). */
const FRACTION_SCALE = [0, 100_000, 10_000, 1_000, 100, 10, 1];

/**
 * The commonest level, whole: a price `0.d…` (1 to 6 decimals) and a whole-number quantity of at most 13
 * digits (× QTY_SCALE stays a safe integer). Matched by the regular-expression engine (native code, about
 * 2.5× faster than comparing the 43 fixed characters one by one in a loop); sticky, so it reads at lastIndex.
 */
const TIGHT_LEVEL = /\{"px":\{"value":"0\.[0-9]{1,6}","currency":"USD"\},"qty":"[0-9]{1,13}"\}/y;

/**
 * A level of the TIGHT_LEVEL form at `i`: pushes it and returns the position after it, or -1 for anything
 * else (left to the general reading in `compactLevel`, which gives the same answer for what this one takes:
 * the same digits make the same integers). A zero price is left to it too (it is out of range).
 */
function tightLevel(t: string, i: number, out: BookLevel[]): number {
  TIGHT_LEVEL.lastIndex = i;
  if (!TIGHT_LEVEL.test(t)) return -1;
  const end = TIGHT_LEVEL.lastIndex;
  i += LEVEL_HEAD.length + 2; // past `0.`
  const fracStart = i;
  let frac = 0;
  let c = t.charCodeAt(i);
  while (c !== QUOTE) {
    frac = frac * 10 + (c - ZERO);
    c = t.charCodeAt(++i);
  }
  if (frac === 0) return -1;
  const price = frac * (FRACTION_SCALE[i - fracStart] as number);
  i += LEVEL_MIDDLE.length;
  let qty = 0;
  c = t.charCodeAt(i);
  while (c !== QUOTE) {
    qty = qty * 10 + (c - ZERO);
    c = t.charCodeAt(++i);
  }
  out.push({ price, qty: qty * QTY_SCALE });
  return end;
}

/**
 * A level exactly as the venue writes it (compact, keys in its order): read without the general key
 * handling. Anything else (or anything out of range) → false with the position untouched, for `level`.
 */
function compactLevel(s: Scanner, out: BookLevel[]): boolean {
  const t = s.text;
  let i = s.pos;
  const end = tightLevel(t, i, out);
  if (end >= 0) {
    s.pos = end;
    return true;
  }
  if (!t.startsWith(LEVEL_HEAD, i)) return false;
  i += LEVEL_HEAD.length;
  const valueEnd = stringEnd(t, i);
  if (valueEnd < 0 || !t.startsWith(LEVEL_MIDDLE, valueEnd)) return false;
  const price = fastMicrosIn(t, i, valueEnd);
  i = valueEnd + LEVEL_MIDDLE.length;
  const qtyEnd = stringEnd(t, i);
  if (qtyEnd < 0 || t.charCodeAt(qtyEnd + 1) !== RBRACE) return false;
  const qty = fastIntIn(t, i, qtyEnd) * QTY_SCALE;
  if (!Number.isSafeInteger(qty) || qty < 0 || !(price > 0 && price < 1_000_000)) return false;
  out.push({ price, qty });
  s.pos = qtyEnd + 2;
  return true;
}

/** `{"px":{"value":"0.48","currency":"USD"},"qty":"100"}` → pushes the level; false to give up. */
function level(s: Scanner, out: BookLevel[]): boolean {
  if (s.peek() === LBRACE && compactLevel(s, out)) return true;
  if (!s.expect(LBRACE)) return false;
  let price = NaN;
  let qty = NaN;
  let seenPx = false;
  let seenQty = false;
  if (s.peek() === RBRACE) return false;
  for (;;) {
    if (!s.string() || !s.expect(COLON)) return false;
    if (s.is('px') && !seenPx) {
      seenPx = true;
      price = amount(s);
      if (Number.isNaN(price)) return false;
    } else if (s.is('qty') && !seenQty) {
      seenQty = true;
      if (!s.string()) return false;
      qty = fastIntIn(s.text, s.strStart, s.strEnd) * QTY_SCALE;
      if (!Number.isSafeInteger(qty) || qty < 0) return false;
    } else return false;
    const more = s.next(RBRACE);
    if (more === null) return false;
    if (!more) break;
  }
  if (!seenPx || !seenQty || !(price > 0 && price < 1_000_000)) return false;
  out.push({ price, qty });
  return true;
}

/** `{"value":"0.48","currency":"USD"}` (currency optional) → micros, NaN to give up. */
function amount(s: Scanner): number {
  if (!s.expect(LBRACE)) return NaN;
  let value = NaN;
  let seenValue = false;
  let seenCurrency = false;
  if (s.peek() === RBRACE) return NaN;
  for (;;) {
    if (!s.string() || !s.expect(COLON)) return NaN;
    if (s.is('value') && !seenValue) {
      seenValue = true;
      if (!s.string()) return NaN;
      value = fastMicrosIn(s.text, s.strStart, s.strEnd);
    } else if (s.is('currency') && !seenCurrency) {
      seenCurrency = true;
      if (!s.string() || !s.is('USD')) return NaN;
    } else return NaN;
    const more = s.next(RBRACE);
    if (more === null) return NaN;
    if (!more) break;
  }
  return seenValue ? value : NaN;
}

/** A side's levels, strictly best first (bids descending, offers ascending); false to give up. */
function levels(s: Scanner, descending: boolean, out: BookLevel[]): boolean {
  if (!s.expect(LBRACKET)) return false;
  if (s.peek() === RBRACKET) {
    s.pos++;
    return true;
  }
  for (;;) {
    if (!level(s, out)) return false;
    const n = out.length;
    if (n > 1) {
      const prev = (out[n - 2] as BookLevel).price;
      const cur = (out[n - 1] as BookLevel).price;
      if (descending ? cur >= prev : cur <= prev) return false;
    }
    const more = s.next(RBRACKET);
    if (more === null) return false;
    if (!more) return true;
  }
}

/**
 * The book event of a market-data frame, or undefined when the frame is not one this scanner answers for
 * (the caller then parses it in full). Never throws.
 */
export function scanBookFrame(text: string, receivedAt: number, drift: WireDrift): ScannedBook | undefined {
  const s = new Scanner(text);
  if (!s.expect(LBRACE)) return undefined;
  let requestId: string | null = null;
  let seenRequestId = false;
  let seenType = false;
  let book: RawBook | undefined;
  if (s.peek() === RBRACE) return undefined;
  for (;;) {
    if (!s.string() || !s.expect(COLON)) return undefined;
    if (s.is('marketData') && !book) {
      book = marketData(s);
      if (!book) return undefined;
    } else if (s.is('requestId') && !seenRequestId) {
      seenRequestId = true;
      if (!s.string()) return undefined;
      requestId = s.slice();
    } else if (s.is('subscriptionType') && !seenType) {
      seenType = true;
      if (!s.string()) return undefined;
    } else return undefined;
    const more = s.next(RBRACE);
    if (more === null) return undefined;
    if (!more) break;
  }
  // Nothing but whitespace may follow the frame.
  if (!book || !Number.isNaN(s.peek())) return undefined;
  // The state is read (and an unknown one counted as drift) only once the whole frame is accepted: a frame
  // given up goes to the general parser, which reads it again.
  const { marketSlug, bids, asks, rawState, transactTime } = book;
  // A known state (read by knownState) is what readMarketState would return for it.
  const state = book.state ?? readMarketState(rawState, drift);
  return { event: { type: 'book', marketSlug, bids, asks, state, transactTime, snapshot: false, receivedAt }, requestId };
}

/** The market state the last string read names, as the MARKET_STATES constant (no new string), or undefined. */
function knownState(s: Scanner): VenueMarketState | undefined {
  for (let k = 0; k < MARKET_STATES.length; k++) {
    const name = MARKET_STATES[k] as VenueMarketState;
    if (s.is(name)) return name;
  }
  return undefined;
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (month 1–12). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Two decimal digits at `i`, or NaN. */
function twoDigits(t: string, i: number): number {
  const a = t.charCodeAt(i) - ZERO;
  const b = t.charCodeAt(i + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.f…]Z` (year 1000–9999, day ≤ 28, 1–9 fraction digits, milliseconds truncated) →
 * epoch ms, exactly what Date.parse gives for it; NaN for any other text (the caller then asks Date.parse).
 */
export function isoUtcMs(t: string, start: number, end: number): number {
  const len = end - start;
  if (len < 20 || t.charCodeAt(end - 1) !== 90 /* Z */) return NaN;
  if (t.charCodeAt(start + 4) !== 45 || t.charCodeAt(start + 7) !== 45 || t.charCodeAt(start + 10) !== 84) return NaN;
  if (t.charCodeAt(start + 13) !== COLON || t.charCodeAt(start + 16) !== COLON) return NaN;
  const year = twoDigits(t, start) * 100 + twoDigits(t, start + 2);
  const month = twoDigits(t, start + 5);
  const day = twoDigits(t, start + 8);
  const hour = twoDigits(t, start + 11);
  const minute = twoDigits(t, start + 14);
  const second = twoDigits(t, start + 17);
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59)) return NaN;
  let ms = 0;
  if (len !== 20) {
    // A fraction: `.` then 1–9 digits before the Z.
    const digits = len - 21;
    if (t.charCodeAt(start + 19) !== DOT || digits < 1 || digits > 9) return NaN;
    for (let k = 0; k < digits; k++) {
      const c = t.charCodeAt(start + 20 + k) - ZERO;
      if (c < 0 || c > 9) return NaN;
      if (k < 3) ms += c * (k === 0 ? 100 : k === 1 ? 10 : 1);
    }
  }
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

interface RawBook {
  marketSlug: string;
  bids: BookLevel[];
  asks: BookLevel[];
  /** The state when it is one this build knows; otherwise `rawState` holds the text. */
  state: VenueMarketState | undefined;
  rawState: string | undefined;
  transactTime: number | null;
}

function marketData(s: Scanner): RawBook | undefined {
  if (!s.expect(LBRACE)) return undefined;
  let marketSlug: string | undefined;
  let state: VenueMarketState | undefined;
  let rawState: string | undefined;
  let transactTime: number | null = null;
  let seenTime = false;
  let bids: BookLevel[] | undefined;
  let asks: BookLevel[] | undefined;
  if (s.peek() === RBRACE) return undefined;
  for (;;) {
    if (!s.string() || !s.expect(COLON)) return undefined;
    if (s.is('marketSlug') && marketSlug === undefined) {
      if (!s.string() || s.strEnd === s.strStart) return undefined;
      marketSlug = s.slice();
    } else if (s.is('bids') && !bids) {
      bids = [];
      if (!levels(s, true, bids)) return undefined;
    } else if (s.is('offers') && !asks) {
      asks = [];
      if (!levels(s, false, asks)) return undefined;
    } else if (s.is('state') && rawState === undefined) {
      if (!s.string()) return undefined;
      state = knownState(s);
      rawState = state ?? s.slice();
    } else if (s.is('transactTime') && !seenTime) {
      seenTime = true;
      if (!s.string()) return undefined;
      let ms = isoUtcMs(s.text, s.strStart, s.strEnd);
      if (Number.isNaN(ms)) ms = Date.parse(s.slice());
      if (!Number.isFinite(ms)) return undefined;
      transactTime = ms;
    } else return undefined;
    const more = s.next(RBRACE);
    if (more === null) return undefined;
    if (!more) break;
  }
  if (marketSlug === undefined || !bids || !asks) return undefined;
  return { marketSlug, bids, asks, state, rawState, transactTime };
}
