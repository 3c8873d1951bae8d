/**
 * The book frame read straight from the socket's text, without JSON.parse: the hot path of the markets
 * socket (docs/venue-rules.md, "WebSockets": `marketData` is the full top of book each time). JSON.parse
 * builds every level as objects and strings that are thrown away a microsecond later; this scanner walks the
 * text once and keeps only the numbers.
 *
 * Three readings, fastest first, each giving the next one anything it does not take:
 * - the frame exactly as the venue writes it (compact, the venue's key order, optional `stats`), matched
 *   whole by one regular expression (native code) and then read at known places (`canonicalFrame`);
 * - any key order and JSON whitespace, a side matched whole by one regular expression when it is written
 *   compactly (`tightSide`), else level by level (`level`);
 * - the general parser (ws-messages.ts, JSON.parse), for everything the scanner does not answer for with
 *   certainty: a frame with another top-level key (an `error`, a heartbeat), a string with an escape, a value
 *   of an unexpected type, a quantity finer than 0.01 or signed, a price that is not a plain decimal inside
 *   (0, 1), levels not strictly best-first, a duplicate key, an extra key in a level, text after the frame,
 *   malformed JSON. Other keys of `marketData` (`stats`) are ignored by the general parser too: the scanner
 *   checks that they are well-formed JSON and skips them.
 * What it returns is what the general parser returns for the same text (a property test holds the two equal
 * over generated frames: test/unit/venue/book-frame-scanner.test.ts).
 */
import type { BookLevel } from '../domain/market.js';
import { QTY_SCALE } from '../domain/quantity.js';
import { MARKET_STATES, type VenueMarketState } from '../domain/venue-enums.js';
import type { VenueEvent } from '../domain/venue-events.js';
import { fastHundredthsIn, fastMicrosIn } from './fast-decimal.js';
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

/**
 * A level as the scanner makes it: the same two fields, in the same order, as the general parser's `{ price,
 * qty }`, but made by a constructor rather than an object literal. V8 decides per object-literal site whether
 * to allocate its objects straight in the old generation ("allocation-site pretenuring", from how many of them
 * survive a young collection while the code is still being warmed up); the books keep a message's levels until
 * that market's next message, so that early sample can see nearly all of them alive, and every later level
 * would then be made old and die old (major collections, write barriers: a hot loop ran ~1.7x slower in that
 * state). Objects made by `new` have no allocation site and are always made young.
 */
class ScannedLevel implements BookLevel {
  constructor(
    readonly price: number,
    readonly qty: number,
  ) {}
}

/** A scanned book frame, already in the shape of ws-messages.ts's ParsedMessage (no second wrapper per frame). */
export interface ScannedBook {
  kind: 'event';
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

  /**
   * Skips one well-formed JSON value (strings without escapes, at most MAX_SKIP_DEPTH nested containers);
   * false for anything else, which the caller leaves to JSON.parse.
   */
  skipValue(depth: number): boolean {
    const c = this.peek();
    if (c === QUOTE) return this.string();
    if (c === LBRACE || c === LBRACKET) {
      if (depth >= MAX_SKIP_DEPTH) return false;
      const close = c === LBRACE ? RBRACE : RBRACKET;
      this.pos++;
      if (this.peek() === close) {
        this.pos++;
        return true;
      }
      for (;;) {
        if (close === RBRACE && (!this.string() || !this.expect(COLON))) return false;
        if (!this.skipValue(depth + 1)) return false;
        const more = this.next(close);
        if (more === null) return false;
        if (!more) return true;
      }
    }
    for (const word of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return true;
      }
    }
    return this.number();
  }

  /** Skips a JSON number (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`); false if there is none. */
  private number(): boolean {
    const t = this.text;
    let i = this.pos;
    if (t.charCodeAt(i) === MINUS) i++;
    const first = t.charCodeAt(i);
    if (first === ZERO) i++;
    else if (first > ZERO && first <= NINE) i = digitsEnd(t, i);
    else return false;
    if (t.charCodeAt(i) === DOT) {
      const j = digitsEnd(t, i + 1);
      if (j === i + 1) return false;
      i = j;
    }
    const e = t.charCodeAt(i);
    if (e === 101 || e === 69 /* e E */) {
      i++;
      const sign = t.charCodeAt(i);
      if (sign === 43 || sign === MINUS) i++;
      const j = digitsEnd(t, i);
      if (j === i) return false;
      i = j;
    }
    this.pos = i;
    return true;
  }
}

const LITERALS = ['true', 'false', 'null'];

/** The position after the decimal digits starting at `i`. */
function digitsEnd(t: string, i: number): number {
  for (;;) {
    const c = t.charCodeAt(i);
    if (!(c >= ZERO && c <= NINE)) return i; // NaN past the end
    i++;
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
const NINE = 57;
const DOT = 46;
const MINUS = 45;
/** The most price decimals and whole quantity digits the fast readings take (× QTY_SCALE stays a safe integer). */
const MAX_PRICE_DECIMALS = 6;
const MAX_WHOLE_QTY_DIGITS = 13;
/** Micros per unit of the last fractional digit, by number of fractional digits (1–6). */
const FRACTION_SCALE = [0, 100_000, 10_000, 1_000, 100, 10, 1];
/** Nesting allowed inside a skipped value (`stats` has two levels); deeper is left to the general parser. */
const MAX_SKIP_DEPTH = 8;

// ------------------------------------------------------------------------------------- the venue's own layout

/** A JSON string without escapes or control characters (any other code unit is taken as JSON.parse takes it). */
const STRING = String.raw`"[^"\\\x00-\x1f]*"`;
/**
 * A level as the venue writes it: a price `0.d…` and a quantity of decimal digits with decimals. The digit
 * counts (1 to 6 price decimals, at most 13 whole digits and 2 decimals of quantity, × QTY_SCALE a safe
 * integer) are checked by readSide, which reads those digits anyway: unbounded runs match faster here.
 */
const LEVEL = String.raw`\{"px":\{"value":"0\.[0-9]+","currency":"USD"\},"qty":"[0-9]+(?:\.[0-9]+)?"\}`;
const SIDE = String.raw`\[(?:${LEVEL}(?:,${LEVEL})*)?\]`;
/** Members of `stats`: strings, true/false/null and objects of those, two levels deep (Amount, PriceSample). */
const member = (value: string): string => String.raw`\{(?:${STRING}:${value}(?:,${STRING}:${value})*)?\}`;
const SCALAR = `(?:${STRING}|true|false|null)`;
const STATS = member(`(?:${SCALAR}|${member(`(?:${SCALAR}|${member(SCALAR)})`)})`);
const FRAME_HEAD = '{"requestId":"';
const FRAME_MIDDLE = '","subscriptionType":"SUBSCRIPTION_TYPE_MARKET_DATA","marketData":{"marketSlug":"';
const BIDS = '","bids":';
const OFFERS = ',"offers":';
const STATE = ',"state":"';
/**
 * The whole frame as the venue sends it (docs/venue-rules.md, "WebSockets"), with its key order; the
 * transactTime's text is checked by `isoUtcMs` / Date.parse. Matched by the regular-expression engine in one
 * native pass (calling it per level, or comparing fixed text with startsWith, costs more than the whole match).
 */
const CANONICAL_FRAME = new RegExp(
  String.raw`^\{"requestId":${STRING},"subscriptionType":"SUBSCRIPTION_TYPE_MARKET_DATA","marketData":\{"marketSlug":"[^"\\\x00-\x1f]+","bids":${SIDE},"offers":${SIDE},"state":"[A-Z_]{1,64}"(?:,"stats":${STATS})?,"transactTime":"[0-9][0-9TZ:.+-]{0,40}"\}\}$`,
);
/** A side written compactly, levels as the venue writes them, in a frame of another layout. */
const TIGHT_SIDE = new RegExp(SIDE, 'y');

/**
 * The end of a string's content starting at `i` when it is known to be a STRING (no escapes): indexOf, a
 * native search, not a charCodeAt loop (~2–3 ns a code unit).
 */
function quoteAt(t: string, i: number): number {
  return t.indexOf('"', i);
}

/**
 * The levels of a SIDE already matched at `i` (the `[`): pushes them and returns the position after the `]`,
 * or -1 with `out` left empty when they are not strictly best first, a price is zero, or a level has more
 * digits than LEVEL allows (more than 6 price decimals, 13 whole quantity digits or 2 quantity decimals):
 * the general reading answers for those.
 */
function readSide(t: string, i: number, descending: boolean, out: BookLevel[]): number {
  let p = i + 1;
  if (t.charCodeAt(p) === RBRACKET) return p + 1;
  let prev = descending ? 1_000_000 : 0;
  for (;;) {
    p += LEVEL_HEAD.length + 2; // past `0.`
    const fracStart = p;
    let frac = 0;
    let c = t.charCodeAt(p);
    while (c !== QUOTE) {
      frac = frac * 10 + (c - ZERO);
      c = t.charCodeAt(++p);
    }
    const fracDigits = p - fracStart;
    if (fracDigits > MAX_PRICE_DECIMALS) {
      out.length = 0;
      return -1;
    }
    const price = frac * (FRACTION_SCALE[fracDigits] as number);
    if (frac === 0 || (descending ? price >= prev : price <= prev)) {
      out.length = 0;
      return -1;
    }
    prev = price;
    p += LEVEL_MIDDLE.length;
    const wholeStart = p;
    let whole = 0;
    c = t.charCodeAt(p);
    while (c !== QUOTE && c !== DOT) {
      whole = whole * 10 + (c - ZERO);
      c = t.charCodeAt(++p);
    }
    const wholeDigits = p - wholeStart;
    let qty = whole * QTY_SCALE;
    if (c === DOT) {
      qty += (t.charCodeAt(++p) - ZERO) * 10;
      c = t.charCodeAt(++p);
      if (c !== QUOTE) {
        qty += c - ZERO;
        c = t.charCodeAt(++p);
      }
    }
    if (c !== QUOTE || wholeDigits > MAX_WHOLE_QTY_DIGITS) {
      out.length = 0;
      return -1;
    }
    out.push(new ScannedLevel(price, qty));
    p += 3; // past `"},` or `"}]`
    if (t.charCodeAt(p - 1) === RBRACKET) return p;
  }
}

/**
 * Whether `t.slice(start, end)` is `s`, without making the slice. indexOf, not startsWith: startsWith compares
 * a code unit at a time (~3 ns each), indexOf in native blocks; a text found at `start` is `s` there, and a
 * miss searches on only to the end of `t` (callers use it near the end of a frame, or rarely).
 */
function textIs(t: string, start: number, end: number, s: string): boolean {
  return end - start === s.length && t.indexOf(s, start) === start;
}

/** The code unit after `MARKET_STATE_`: a different one for each known state (checked at load, below). */
const STATE_KEY_AT = 'MARKET_STATE_'.length;
if (new Set(MARKET_STATES.map((n) => n.charCodeAt(STATE_KEY_AT))).size !== MARKET_STATES.length) {
  throw new Error('book-frame-scanner: known market states no longer differ at their first letter after MARKET_STATE_');
}

/** The market state named by `t.slice(start, end)`, as the MARKET_STATES constant (no new string), or undefined. */
function knownStateIn(t: string, start: number, end: number): VenueMarketState | undefined {
  const key = t.charCodeAt(start + STATE_KEY_AT);
  for (let k = 0; k < MARKET_STATES.length; k++) {
    const name = MARKET_STATES[k] as VenueMarketState;
    // Only the one state with this key letter is compared in full.
    if (name.charCodeAt(STATE_KEY_AT) === key) return textIs(t, start, end, name) ? name : undefined;
  }
  return undefined;
}

/** A transactTime's text → epoch ms, NaN when Date.parse does not take it either. */
function timeIn(t: string, start: number, end: number): number {
  const ms = isoUtcMs(t, start, end);
  if (!Number.isNaN(ms)) return ms;
  const parsed = Date.parse(t.slice(start, end));
  return Number.isFinite(parsed) ? parsed : NaN;
}

/** The frame in the venue's own layout (CANONICAL_FRAME), or undefined for the general reading (exported for its tests). */
export function canonicalFrame(t: string, receivedAt: number, drift: WireDrift): ScannedBook | undefined {
  if (!CANONICAL_FRAME.test(t)) return undefined;
  let p = FRAME_HEAD.length;
  let end = quoteAt(t, p);
  const requestId = t.slice(p, end);
  p = end + FRAME_MIDDLE.length;
  end = quoteAt(t, p);
  const marketSlug = t.slice(p, end);
  // The sides are made by Array.of, not `[]`, for the reason given at ScannedLevel: the books keep a message's
  // arrays until that market's next message, and an array-literal site could be switched to old-generation
  // allocation by V8 (with it, every later array and, through it, its levels would die old).
  const bids: BookLevel[] = Array.of();
  p = readSide(t, end + BIDS.length, true, bids);
  if (p < 0) return undefined;
  const asks: BookLevel[] = Array.of();
  p = readSide(t, p + OFFERS.length, false, asks);
  if (p < 0) return undefined;
  p += STATE.length;
  end = quoteAt(t, p);
  // The transactTime is the frame's last string: `…"transactTime":"<time>"}}`.
  const timeEnd = t.length - 3;
  const timeStart = t.lastIndexOf('"', timeEnd - 1) + 1;
  const transactTime = timeIn(t, timeStart, timeEnd);
  if (Number.isNaN(transactTime)) return undefined;
  // State last: an unknown one is counted as drift only once the frame is accepted.
  const state = knownStateIn(t, p, end) ?? readMarketState(t.slice(p, end), drift);
  return { kind: 'event', event: { type: 'book', marketSlug, bids, asks, state, transactTime, snapshot: false, receivedAt }, requestId };
}

// -------------------------------------------------------------------------------------------- any layout

/** A side at `i` written as TIGHT_SIDE: pushes its levels and returns the position after it, or -1. */
function tightSide(t: string, i: number, descending: boolean, out: BookLevel[]): number {
  TIGHT_SIDE.lastIndex = i;
  if (!TIGHT_SIDE.test(t)) return -1;
  return readSide(t, i, descending, out);
}

/**
 * A level exactly as the venue writes it (compact, keys in its order) but not matched by LEVEL (e.g. a price
 * with trailing zeros): read without the general key handling. Anything else (or anything out of range) →
 * false with the position untouched, for `level`.
 */
function compactLevel(s: Scanner, out: BookLevel[]): boolean {
  const t = s.text;
  let i = s.pos;
  if (!t.startsWith(LEVEL_HEAD, i)) return false;
  i += LEVEL_HEAD.length;
  const valueEnd = stringEnd(t, i);
  if (valueEnd < 0 || !t.startsWith(LEVEL_MIDDLE, valueEnd)) return false;
  const price = fastMicrosIn(t, i, valueEnd);
  i = valueEnd + LEVEL_MIDDLE.length;
  const qtyEnd = stringEnd(t, i);
  if (qtyEnd < 0 || t.charCodeAt(qtyEnd + 1) !== RBRACE) return false;
  const qty = fastHundredthsIn(t, i, qtyEnd);
  if (Number.isNaN(qty) || !(price > 0 && price < 1_000_000)) return false;
  out.push(new ScannedLevel(price, qty));
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
      qty = fastHundredthsIn(s.text, s.strStart, s.strEnd);
      if (Number.isNaN(qty)) return false;
    } else return false;
    const more = s.next(RBRACE);
    if (more === null) return false;
    if (!more) break;
  }
  if (!seenPx || !seenQty || !(price > 0 && price < 1_000_000)) return false;
  out.push(new ScannedLevel(price, qty));
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
  if (s.peek() === LBRACKET) {
    const end = tightSide(s.text, s.pos, descending, out);
    if (end >= 0) {
      s.pos = end;
      return true;
    }
  }
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
  const canonical = canonicalFrame(text, receivedAt, drift);
  if (canonical) return canonical;
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
  // A known state (read by knownStateIn) is what readMarketState would return for it.
  const state = book.state ?? readMarketState(rawState, drift);
  return { kind: 'event', event: { type: 'book', marketSlug, bids, asks, state, transactTime, snapshot: false, receivedAt }, requestId };
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

/** Days in the month (1–12) of the year, proleptic Gregorian. */
function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Two decimal digits at `i`, or NaN. */
function twoDigits(t: string, i: number): number {
  const a = t.charCodeAt(i) - ZERO;
  const b = t.charCodeAt(i + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.f…]Z` (year 1000–9999, a real calendar day, 1–9 fraction digits, milliseconds
 * truncated) → epoch ms, exactly what Date.parse gives for it; NaN for any other text (the caller then asks
 * Date.parse, which also takes e.g. the 31st of a 30-day month).
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
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59)) return NaN;
  if (day > 28 && day > daysInMonth(year, month)) return NaN;
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

/** Keys of `marketData` the book is read from: a second one (JSON.parse keeps the last) is left to the general parser. */
const BOOK_KEYS = ['marketSlug', 'bids', 'offers', 'state', 'transactTime'];

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
      state = knownStateIn(s.text, s.strStart, s.strEnd);
      rawState = state ?? s.slice();
    } else if (s.is('transactTime') && !seenTime) {
      seenTime = true;
      if (!s.string()) return undefined;
      const ms = timeIn(s.text, s.strStart, s.strEnd);
      if (Number.isNaN(ms)) return undefined;
      transactTime = ms;
    } else if (BOOK_KEYS.some((k) => s.is(k)) || !s.skipValue(0)) {
      return undefined;
    }
    const more = s.next(RBRACE);
    if (more === null) return undefined;
    if (!more) break;
  }
  if (marketSlug === undefined || !bids || !asks) return undefined;
  return { marketSlug, bids, asks, state, rawState, transactTime };
}
