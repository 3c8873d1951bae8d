/**
 * No-vig consensus across sportsbooks for one fixture + market.
 *
 * 1. Quotes for other fixtures/markets, locked quotes (suspended / off the board) and alternate lines
 *    (`isMain` false: a moved main line may come back as an alternate without a lock) are dropped. A price
 *    does NOT expire with age: OpticOdds stamps an odd with its last CHANGE, so a steady sharp price is old
 *    but valid; it stays until locked, or until its stream goes quiet (the feed then locks it, see
 *    opticodds-feed.ts). `expireAfterMs` restores an age cut-off when wanted. Markets are matched on the
 *    market id when the quote has one (or its display name), books on the sportsbook id. Within a book, the newest quote per
 *    outcome name wins.
 * 2. A book counts only if it prices the market's full outcome set. The outcome set is the one offered by the
 *    greatest total weight of books (so a book on a different total line, "Over 247.5" vs "Over 248.5", is
 *    left out rather than mixed in).
 * 3. Each book's implied probabilities are de-vigged on their own (Shin by default; see no-vig.ts), then the
 *    fair probabilities are averaged with the books' weights (sharp books such as Pinnacle weigh more).
 *    A weighted mean of vectors that each sum to 1 sums to 1; the result is renormalised against float drift.
 * 4. confidence = count × agreement × freshness, each in [0,1]:
 *    - count     = 1 − exp(−Σw / weightScale)         (more, and sharper, books → closer to 1)
 *    - agreement = exp(−s / dispersionScale)          (s = the largest weighted standard deviation across books
 *                                                      of an outcome's fair probability; one book → s = 0)
 *    - freshness = 1 − ½·(weighted mean age / maxAgeMs)  (in [½, 1]) when prices expire by age
 *                  (`expireAfterMs` set); otherwise 1: a price not locked on a live stream is as good as new.
 * `ConsensusProbability.maxAgeMs` follows the same rule: the oldest quote's age since its last change when
 * prices expire by age, else 0 (it is known valid now). The per-book `ageMs` is always the real age.
 */
import type { ConsensusProbability, OddsQuote } from '../../domain/feed-events.js';
import { marketKeyOf, sportsbookKeyOf } from '../wire.js';
import { americanToProbability, isValidAmericanOdds } from './odds.js';
import { removeVigInto, type NoVigMethod } from './no-vig.js';

/** Default sportsbook weights, keyed by normalised name (lower case, letters and digits only). */
export const DEFAULT_SPORTSBOOK_WEIGHTS: Readonly<Record<string, number>> = {
  pinnacle: 3,
  circasports: 2.5,
  circa: 2.5,
  bookmaker: 2,
  betcris: 2,
  betonlineag: 1.5,
  betfairexchange: 2,
  sporttrade: 1.5,
  prophetx: 1.5,
  novig: 1.5,
  draftkings: 1,
  fanduel: 1,
  betmgm: 0.8,
  caesars: 0.8,
  espnbet: 0.8,
  fanatics: 0.8,
  betrivers: 0.7,
  hardrockbet: 0.7,
};

export function normaliseSportsbook(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export interface ConsensusOptions {
  /** Weight per sportsbook (any spelling: names are normalised). Merged over DEFAULT_SPORTSBOOK_WEIGHTS. */
  weights?: Record<string, number>;
  /** Weight of a book not in the table. Default 1. A weight of 0 excludes the book. */
  defaultWeight?: number;
  /** Age scale of the freshness factor of the confidence (now − provider timestamp). Default 60 s. */
  maxAgeMs?: number;
  /** Quotes older than this are dropped; default none (a price is valid until locked or its stream is lost). */
  expireAfterMs?: number | null;
  /** De-vig method applied per book. Default 'shin'. */
  method?: NoVigMethod;
  /** Fewer books than this → no consensus. Default 1. */
  minBooks?: number;
  /** Σw at which the count factor is 1 − 1/e. Default 2. */
  weightScale?: number;
  /** Standard deviation (probability points) at which agreement is 1/e. Default 0.03. */
  dispersionScale?: number;
}

export interface BookContribution {
  sportsbook: string;
  weight: number;
  /** Outcome name → this book's fair probability. */
  fair: Record<string, number>;
  overround: number;
  ageMs: number;
}

export type ExclusionReason = 'locked' | 'stale' | 'alternate_line' | 'invalid_price' | 'zero_weight' | 'incomplete_market' | 'devig_failed';

export interface ExcludedQuote {
  sportsbook: string;
  name: string;
  reason: ExclusionReason;
}

export interface ConsensusDetail {
  consensus: ConsensusProbability | null;
  books: BookContribution[];
  excluded: ExcludedQuote[];
}

/**
 * The sportsbook weights by normalised name (defaults, then the options' own), built once per options object:
 * the consensus runs on every odds update and the table does not change between them.
 */
const weightTables = new WeakMap<ConsensusOptions, ReadonlyMap<string, number>>();
function weightTable(options: ConsensusOptions): ReadonlyMap<string, number> {
  let weights = weightTables.get(options);
  if (weights) return weights;
  const table = new Map<string, number>();
  for (const [k, v] of Object.entries(DEFAULT_SPORTSBOOK_WEIGHTS)) table.set(normaliseSportsbook(k), v);
  for (const [k, v] of Object.entries(options.weights ?? {})) table.set(normaliseSportsbook(k), v);
  weights = table;
  weightTables.set(options, weights);
  return weights;
}

/**
 * Books pricing the same outcome names (sorted: the first `n` of `names`), their total weight, and the names'
 * JSON text (tie-break).
 */
interface OutcomeSet {
  names: string[];
  n: number;
  weight: number;
  key: string;
}

function sameNames(a: readonly string[], an: number, b: readonly string[], bn: number): boolean {
  if (an !== bn) return false;
  for (let i = 0; i < an; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The market is named by its id ("moneyline") or, for callers that group by display name, by that name. */
function inMarket(q: OddsQuote, fixtureId: string, market: string): boolean {
  return q.fixtureId === fixtureId && (marketKeyOf(q) === market || q.market === market);
}

/**
 * A book's weight (the table's keys are normalised names: a key that is already one is looked up as is),
 * remembered per book key for the table and default weight it was found with.
 */
const bookWeights = new WeakMap<ReadonlyMap<string, number>, Map<string, number>>();
function weightOf(weights: ReadonlyMap<string, number>, book: string, defaultWeight: number): number {
  let memo = bookWeights.get(weights);
  if (!memo) bookWeights.set(weights, (memo = new Map()));
  const key = defaultWeight === 1 ? book : `${defaultWeight}\u0000${book}`;
  let w = memo.get(key);
  if (w === undefined) {
    w = weights.get(book) ?? weights.get(normaliseSportsbook(book)) ?? defaultWeight;
    memo.set(key, w);
  }
  return w;
}

/**
 * One book's quotes in the market during one computation: the newest per outcome name (the first `n` of
 * `names`/`quotes`, in the order the names were first accepted; the same sorted by name in `sortedNames`/
 * `sortedQuotes`), its weight and its outcome set. Kept in a ConsensusScratch between computations (arrays
 * are written up to a count, never shrunk) and reset when a computation first meets the book (`seen`), with
 * two memos holding only what their inputs determine: the weight (per weight table and default weight) and the
 * last de-vig (per outcome names, American prices and method: `removeVig` is a function of its arguments).
 */
interface BookQuotes {
  key: string;
  /** The display name reported in contributions and exclusions (the first quote's). */
  shown: string;
  n: number;
  names: string[];
  quotes: OddsQuote[];
  sortedNames: string[];
  sortedQuotes: OddsQuote[];
  weight: number;
  group: OutcomeSet | null;
  /** The computation that last reset this book. */
  seen: number;
  /** The weight found for `weightTable` and `weightDefault`. */
  knownWeight: number;
  weightTable: ReadonlyMap<string, number> | null;
  weightDefault: number;
  /**
   * The last de-vig: the first `devigN` outcome names and their prices, the method, and its result (the first
   * `devigN` of `fair`, an array this record owns and rewrites at each de-vig).
   */
  devigN: number;
  devigNames: string[];
  devigOdds: number[];
  devigMethod: NoVigMethod | null;
  fair: number[];
  overround: number;
  /**
   * True when the last de-vig (`devigMethod` …) is of the book's sorted outcomes and prices as they stand: set
   * when a computation found it so (or de-vigged), cleared whenever the book's quotes are written (a reset, or a
   * quote replaced by reuseBooks). A book still fresh need not be compared again.
   */
  devigFresh: boolean;
}

/**
 * The working memory of `consensusOf`: book records and outcome sets, reused by the next computation instead
 * of made again. A fresh scratch per call is the plain computation; one kept per quote list (see
 * ConsensusMemo) makes a later call de-vig only the books whose prices changed, with the same result: every
 * record is reset before it is read, and a memo is used only when its inputs are equal.
 */
export interface ConsensusScratch {
  books: Map<string, BookQuotes>;
  /** This computation's books (the first `nOrder`), in the order their first quote was accepted. */
  order: BookQuotes[];
  nOrder: number;
  stamp: number;
  /**
   * The record of the book of the quote at each index of the quote list the last time one was found for it
   * there (a quote list keeps its quotes' places, so the book at an index seldom changes): used when its key
   * is the quote's book key, instead of a look-up in `books`.
   */
  slotBooks: BookQuotes[];
  /** This computation's outcome sets: the first `nGroups` of `groups` (entries past them are stale). */
  groups: OutcomeSet[];
  nGroups: number;
  groupPool: OutcomeSet[];
  /** Per computation, the first `nBooks` (or `nNames`) entries: the contributing books' weights, fair vectors and ages, and the blend. */
  weightsUsed: number[];
  fairs: (readonly number[])[];
  ages: number[];
  blended: number[];
  /** The implied probabilities of the book being de-vigged (the first `nNames`). */
  implied: number[];
  /** How many de-vigs ran with this scratch (the others were remembered). */
  devigs: number;
  /** The count factor last computed, and its inputs (Σw and weightScale). */
  count: number;
  countW: number;
  countScale: number;
  /** The agreement factor last computed, and its inputs (the largest standard deviation and dispersionScale). */
  agreement: number;
  agreementSd: number;
  agreementScale: number;
  /** The options last read, and the weight table found for them (`weightTable(options)`). */
  options: ConsensusOptions | null;
  weights: ReadonlyMap<string, number> | null;
  /** The outcome set the last computation chose (null: none). */
  best: OutcomeSet | null;
  /**
   * What lets the next computation start from the last one's books (see `reuseBooks`): whether it may
   * (`reusable`), the fixture and market it was for, the quote list's length, and at each index
   * the quote it read there (`seenQuotes`) and where that quote stands among its book's outcomes (`slotOutcome`,
   * −1 when it was not accepted; its book is then `slotBooks` at the same index).
   */
  reusable: boolean;
  lastFixture: string;
  lastMarket: string;
  nSeen: number;
  seenQuotes: OddsQuote[];
  slotOutcome: number[];
  /** Books of the quotes found changed by `reuseBooks` (the first `nDirty`), their outcomes to sort again. */
  dirty: BookQuotes[];
  nDirty: number;
  /** How many computations started from the last one's books (the others filtered and grouped every quote). */
  reuses: number;
}

/**
 * Where a caller keeps the consensus's working memory for one quote list between calls (the state manager
 * keeps one per fixture × market). Without one, each call starts afresh; the result is the same either way.
 */
export interface ConsensusMemo {
  scratch?: ConsensusScratch;
}

function newScratch(): ConsensusScratch {
  return {
    books: new Map(),
    order: [],
    nOrder: 0,
    stamp: 0,
    slotBooks: [],
    groups: [],
    nGroups: 0,
    groupPool: [],
    weightsUsed: [],
    fairs: [],
    ages: [],
    blended: [],
    implied: [],
    devigs: 0,
    count: 0,
    countW: Number.NaN,
    countScale: Number.NaN,
    agreement: 0,
    agreementSd: Number.NaN,
    agreementScale: Number.NaN,
    options: null,
    weights: null,
    best: null,
    reusable: false,
    lastFixture: '',
    lastMarket: '',
    nSeen: 0,
    seenQuotes: [],
    slotOutcome: [],
    dirty: [],
    nDirty: 0,
    reuses: 0,
  };
}

/** The record of the book of key `key`, the quote at index `at` of the list (made on first use). */
function recordAt(scratch: ConsensusScratch, at: number, key: string): BookQuotes {
  let book = scratch.slotBooks[at];
  if (book !== undefined && book.key === key) return book;
  book = scratch.books.get(key);
  if (!book) {
    book = {
      key,
      shown: key,
      n: 0,
      names: [],
      quotes: [],
      sortedNames: [],
      sortedQuotes: [],
      weight: 0,
      group: null,
      seen: 0,
      knownWeight: 0,
      weightTable: null,
      weightDefault: 0,
      devigN: 0,
      devigNames: [],
      devigOdds: [],
      devigMethod: null,
      fair: [],
      overround: 0,
      devigFresh: false,
    };
    scratch.books.set(key, book);
  }
  scratch.slotBooks[at] = book;
  return book;
}

/** The book's record for this computation (reset when first met in it), for the quote at index `at`. */
function bookFor(scratch: ConsensusScratch, at: number, key: string, shown: string): BookQuotes {
  const book = recordAt(scratch, at, key);
  if (book.seen !== scratch.stamp) {
    book.seen = scratch.stamp;
    book.shown = shown;
    book.n = 0;
    book.weight = 0;
    book.group = null;
    book.devigFresh = false;
    scratch.order[scratch.nOrder++] = book;
  }
  return book;
}

/** This computation's record of a book, if the computation met it (the quote at index `at` is of that book). */
function seenBook(scratch: ConsensusScratch, at: number, key: string): BookQuotes | undefined {
  const slot = scratch.slotBooks[at];
  const book = slot !== undefined && slot.key === key ? slot : scratch.books.get(key);
  return book && book.seen === scratch.stamp ? book : undefined;
}

function outcomeIndex(book: BookQuotes, name: string): number {
  for (let i = 0; i < book.n; i++) if (book.names[i] === name) return i;
  return -1;
}

/** Sorts the book's outcomes by name (`Array.prototype.sort`'s default order); an insertion sort, as sets are tiny. */
function sortOutcomes(book: BookQuotes): void {
  const { names, quotes, sortedNames, sortedQuotes } = book;
  for (let j = 0; j < book.n; j++) {
    const k = names[j] as string;
    const q = quotes[j] as OddsQuote;
    let i = j;
    while (i > 0 && k < (sortedNames[i - 1] as string)) {
      sortedNames[i] = sortedNames[i - 1] as string;
      sortedQuotes[i] = sortedQuotes[i - 1] as OddsQuote;
      i--;
    }
    sortedNames[i] = k;
    sortedQuotes[i] = q;
  }
}

/** True when the book's last de-vig was of its current (sorted) outcomes at their current prices with this method. */
function devigCurrent(book: BookQuotes, method: NoVigMethod): boolean {
  if (book.devigMethod !== method || !sameNames(book.devigNames, book.devigN, book.sortedNames, book.n)) return false;
  for (let i = 0; i < book.n; i++) if ((book.sortedQuotes[i] as OddsQuote).americanOdds !== book.devigOdds[i]) return false;
  return true;
}

/** Records the de-vig just written into `book.fair`. */
function rememberDevig(book: BookQuotes, method: NoVigMethod, overround: number): void {
  for (let i = 0; i < book.n; i++) {
    book.devigNames[i] = book.sortedNames[i] as string;
    book.devigOdds[i] = (book.sortedQuotes[i] as OddsQuote).americanOdds;
  }
  book.devigN = book.n;
  book.devigMethod = method;
  book.overround = overround;
}

/** Ties between outcome sets of equal weight go to the set whose JSON text sorts first. */
const byKey = (a: OutcomeSet, b: OutcomeSet): number => (a.key < b.key ? -1 : 1);

/** Consensus for one fixture + market, or null when no book qualifies. */
export function computeConsensus(
  quotes: readonly OddsQuote[],
  fixtureId: string,
  market: string,
  now: number,
  options: ConsensusOptions = {},
): ConsensusProbability | null {
  return consensusOf(quotes, fixtureId, market, now, options, null, newScratch());
}

export function computeConsensusDetailed(
  quotes: readonly OddsQuote[],
  fixtureId: string,
  market: string,
  now: number,
  options: ConsensusOptions = {},
): ConsensusDetail {
  const detail: ConsensusDetail = { consensus: null, books: [], excluded: [] };
  detail.consensus = consensusOf(quotes, fixtureId, market, now, options, detail, newScratch());
  return detail;
}

/** Lists an excluded quote (only when the exclusions are wanted). */
function exclude(excluded: ExcludedQuote[] | null, sportsbook: string, name: string, reason: ExclusionReason): void {
  if (excluded) excluded.push({ sportsbook, name, reason });
}

/** Lists the first `n` of a book's outcome names as excluded (only when the exclusions are wanted). */
function excludeAll(excluded: ExcludedQuote[] | null, shown: string, names: readonly string[], n: number, reason: ExclusionReason): void {
  if (excluded) for (let i = 0; i < n; i++) excluded.push({ sportsbook: shown, name: names[i] as string, reason });
}

/**
 * The consensus; the exclusions and contributions are listed in `detail` only when one is given (the bare
 * consensus is the same either way; without one, a call allocates only its result). `scratch` is working
 * memory (see ConsensusScratch): a fresh one or one kept between calls give the same result.
 */
function consensusOf(
  quotes: readonly OddsQuote[],
  fixtureId: string,
  market: string,
  now: number,
  options: ConsensusOptions,
  detail: ConsensusDetail | null,
  scratch: ConsensusScratch,
): ConsensusProbability | null {
  const expireAfterMs = options.expireAfterMs ?? Infinity;
  /** Prices expire by age: only then do the books' ages enter the consensus (see the file comment). */
  const aging = expireAfterMs !== Infinity;
  const method = options.method ?? 'shin';
  const sameOptions = scratch.options === options;
  if (!sameOptions) {
    scratch.options = options;
    scratch.weights = weightTable(options);
  }
  const weights = scratch.weights as ReadonlyMap<string, number>;
  const defaultWeight = options.defaultWeight ?? 1;
  const excluded: ExcludedQuote[] | null = detail ? detail.excluded : null;
  if (sameOptions && detail === null && reuseBooks(scratch, quotes, fixtureId, market)) scratch.reuses++;
  else filterAndGroup(quotes, fixtureId, market, now, expireAfterMs, aging, weights, defaultWeight, excluded, scratch);
  return blend(scratch, options, method, aging, detail, now, fixtureId, market);
}

/**
 * Starts a computation from the last one's books, when that gives what filtering and grouping every quote
 * again would (steps 1 and 2 of consensusOf): the last computation was for the same fixture, market and options
 * object (the caller checks it; options are read as never changed in place, as for the weight table), with prices that do not expire by age; it found no two accepted
 * quotes of one book × outcome, and no locked quote of a book × outcome with an accepted quote (so the locked
 * pass removed nothing, whatever the timestamps); the list has as many quotes; and every quote not the one
 * read at its index last time replaces an accepted quote of the same book and outcome name and is accepted
 * itself (in the market, unlocked, a main line, a valid price). The accepted quotes are then at the same
 * indices with the same books and names, and the locked ones (unchanged) still meet none of them, so the
 * books, their order, their outcomes' order, weights and outcome sets are the last computation's: only the
 * replaced quotes are written in (and their books' outcomes sorted again). A book's display name (`shown`)
 * may then be an older quote's: it is read only for a detailed answer, which never starts from the last one. Quotes are values, never changed in place: a quote read before is read again as it
 * was. False when it cannot (the records it wrote are then all written again by filterAndGroup).
 */
function reuseBooks(scratch: ConsensusScratch, quotes: readonly OddsQuote[], fixtureId: string, market: string): boolean {
  if (!scratch.reusable || quotes.length !== scratch.nSeen || scratch.lastFixture !== fixtureId || scratch.lastMarket !== market) {
    return false;
  }
  const { seenQuotes, slotOutcome, slotBooks, dirty } = scratch;
  let nDirty = 0;
  for (let at = 0; at < quotes.length; at++) {
    const q = quotes[at] as OddsQuote;
    if (q === seenQuotes[at]) continue;
    const i = slotOutcome[at] as number;
    if (i < 0) return false;
    const book = slotBooks[at] as BookQuotes;
    if (
      q.locked ||
      !q.isMain ||
      q.name !== book.names[i] ||
      sportsbookKeyOf(q) !== book.key ||
      !inMarket(q, fixtureId, market) ||
      !isValidAmericanOdds(q.americanOdds)
    ) {
      return false;
    }
    book.quotes[i] = q;
    book.devigFresh = false;
    seenQuotes[at] = q;
    let d = 0;
    while (d < nDirty && dirty[d] !== book) d++;
    if (d === nDirty) dirty[nDirty++] = book;
  }
  for (let d = 0; d < nDirty; d++) {
    const book = dirty[d] as BookQuotes;
    if (book.weight > 0 && book.n >= 2) sortOutcomes(book);
  }
  return true;
}

/**
 * Steps 1 and 2 of consensusOf: this computation's books (`scratch.order`, the first `nOrder`) with their
 * newest accepted quote per outcome, sorted outcomes, weights and outcome sets, and the set carried by the
 * most weight (`scratch.best`); records what lets the next computation start from them (see reuseBooks).
 */
function filterAndGroup(
  quotes: readonly OddsQuote[],
  fixtureId: string,
  market: string,
  now: number,
  expireAfterMs: number,
  aging: boolean,
  weights: ReadonlyMap<string, number>,
  defaultWeight: number,
  excluded: ExcludedQuote[] | null,
  scratch: ConsensusScratch,
): void {
  scratch.stamp++;
  scratch.nOrder = 0;
  const { seenQuotes, slotOutcome } = scratch;
  let duplicate = false;
  /** Whether a locked quote is of a book × outcome that has an accepted quote (whichever the newer). */
  let lockedOutcome = false;

  // 1. filter, and keep the newest quote per book × outcome
  let locked = false;
  for (let at = 0; at < quotes.length; at++) {
    const q = quotes[at] as OddsQuote;
    seenQuotes[at] = q;
    slotOutcome[at] = -1;
    if (!inMarket(q, fixtureId, market)) continue;
    if (q.locked) {
      locked = true;
      exclude(excluded, q.sportsbook, q.name, 'locked');
      continue;
    }
    if (!q.isMain) {
      exclude(excluded, q.sportsbook, q.name, 'alternate_line');
      continue;
    }
    if (now - q.timestamp > expireAfterMs) {
      exclude(excluded, q.sportsbook, q.name, 'stale');
      continue;
    }
    if (!isValidAmericanOdds(q.americanOdds)) {
      exclude(excluded, q.sportsbook, q.name, 'invalid_price');
      continue;
    }
    const book = bookFor(scratch, at, sportsbookKeyOf(q), q.sportsbook);
    const i = outcomeIndex(book, q.name);
    if (i < 0) {
      slotOutcome[at] = book.n;
      book.names[book.n] = q.name;
      book.quotes[book.n++] = q;
    } else {
      duplicate = true;
      if ((book.quotes[i] as OddsQuote).timestamp <= q.timestamp) book.quotes[i] = q;
    }
  }
  // A locked quote also removes an older unlocked one of the same book × outcome from the set above only if it
  // is newer: the caller's store replaces quotes by key, so both rarely coexist; be strict anyway.
  if (locked) {
    for (let at = 0; at < quotes.length; at++) {
      const q = quotes[at] as OddsQuote;
      if (!q.locked || !inMarket(q, fixtureId, market)) continue;
      const book = seenBook(scratch, at, sportsbookKeyOf(q));
      const i = book ? outcomeIndex(book, q.name) : -1;
      if (i >= 0) lockedOutcome = true;
      if (book && i >= 0 && (book.quotes[i] as OddsQuote).timestamp <= q.timestamp) {
        for (let j = i + 1; j < book.n; j++) {
          book.names[j - 1] = book.names[j] as string;
          book.quotes[j - 1] = book.quotes[j] as OddsQuote;
        }
        book.n--;
      }
    }
  }

  // 2. the outcome set carried by the most weight. Sets are compared as sorted name lists; ties go to the set
  // whose JSON text sorts first (built only when there are several sets).
  const { order, nOrder, groups } = scratch;
  let nGroups = 0; // not groups.length = 0: setting an array's length is a runtime call
  for (let b = 0; b < nOrder; b++) {
    const book = order[b] as BookQuotes;
    if (book.weightTable !== weights || book.weightDefault !== defaultWeight) {
      book.weightTable = weights;
      book.weightDefault = defaultWeight;
      book.knownWeight = weightOf(weights, book.key, defaultWeight);
    }
    const w = (book.weight = book.knownWeight);
    if (w <= 0) {
      excludeAll(excluded, book.shown, book.names, book.n, 'zero_weight');
      continue;
    }
    if (book.n < 2) continue;
    sortOutcomes(book);
    let g: OutcomeSet | undefined;
    for (let k = 0; k < nGroups; k++) {
      const x = groups[k] as OutcomeSet;
      if (sameNames(x.names, x.n, book.sortedNames, book.n)) {
        g = x;
        break;
      }
    }
    if (!g) {
      g = scratch.groupPool[nGroups];
      if (g) {
        g.names = book.sortedNames;
        g.n = book.n;
        g.weight = 0;
        g.key = '';
      } else scratch.groupPool.push((g = { names: book.sortedNames, n: book.n, weight: 0, key: '' }));
      groups[nGroups++] = g;
    }
    book.group = g;
    g.weight += w;
  }
  if (nGroups > 1) {
    if (groups.length !== nGroups) groups.length = nGroups;
    for (const g of groups) g.key = JSON.stringify(g.names.slice(0, g.n));
    groups.sort(byKey);
  }
  let best: OutcomeSet | null = null;
  let bestW = 0;
  for (let k = 0; k < nGroups; k++) {
    const g = groups[k] as OutcomeSet;
    if (g.weight > bestW) {
      best = g;
      bestW = g.weight;
    }
  }
  scratch.best = best;
  scratch.reusable = !lockedOutcome && !duplicate && !aging;
  scratch.lastFixture = fixtureId;
  scratch.lastMarket = market;
  scratch.nSeen = quotes.length;
}

/** Steps 3 and 4 of consensusOf, from the books and outcome set of steps 1 and 2 (in `scratch`). */
function blend(
  scratch: ConsensusScratch,
  options: ConsensusOptions,
  method: NoVigMethod,
  aging: boolean,
  detail: ConsensusDetail | null,
  now: number,
  fixtureId: string,
  market: string,
): ConsensusProbability | null {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const excluded: ExcludedQuote[] | null = detail ? detail.excluded : null;
  const { order, nOrder, best } = scratch;
  // 3. de-vig per book (each book's fair probabilities in name order: its sortedQuotes are the set's names)
  const { weightsUsed, fairs, ages } = scratch;
  let nBooks = 0;
  const names: readonly string[] = best ? best.names : [];
  const nNames = best ? best.n : 0;
  for (let b = 0; b < nOrder; b++) {
    const book = order[b] as BookQuotes;
    const w = book.weight;
    if (w <= 0) continue;
    const shown = book.shown;
    if (best === null || book.group !== best) {
      excludeAll(excluded, shown, book.names, book.n, 'incomplete_market');
      continue;
    }
    let ageMs = 0;
    if (aging || detail) for (let i = 0; i < nNames; i++) ageMs = Math.max(ageMs, now - (book.sortedQuotes[i] as OddsQuote).timestamp);
    if (!book.devigFresh || book.devigMethod !== method) {
      if (!devigCurrent(book, method)) {
        book.devigFresh = false;
        let overround: number;
        try {
          const implied = scratch.implied;
          for (let i = 0; i < nNames; i++) implied[i] = americanToProbability((book.sortedQuotes[i] as OddsQuote).americanOdds);
          overround = removeVigInto(implied, nNames, method, book.fair); // writes nothing when it throws
        } catch {
          excludeAll(excluded, shown, names, nNames, 'devig_failed');
          continue;
        }
        rememberDevig(book, method, overround);
        scratch.devigs++;
      }
      book.devigFresh = true;
    }
    weightsUsed[nBooks] = w;
    fairs[nBooks] = book.fair;
    ages[nBooks++] = ageMs;
    if (detail) {
      const fair: Record<string, number> = {};
      for (let i = 0; i < nNames; i++) fair[names[i] as string] = book.fair[i] as number;
      detail.books.push({ sportsbook: shown, weight: w, fair, overround: book.overround, ageMs });
    }
  }

  const minBooks = Math.max(1, options.minBooks ?? 1);
  if (nBooks < minBooks) return null;

  // blend (sums in contribution order, as a left fold from 0)
  let totalW = 0;
  for (let b = 0; b < nBooks; b++) totalW = totalW + (weightsUsed[b] as number);
  const blended = scratch.blended;
  let sum = 0;
  for (let i = 0; i < nNames; i++) {
    let a = 0;
    for (let b = 0; b < nBooks; b++) a = a + (weightsUsed[b] as number) * ((fairs[b] as readonly number[])[i] as number);
    blended[i] = a / totalW;
    sum = sum + (blended[i] as number);
  }
  const probabilities: Record<string, number> = {};
  for (let i = 0; i < nNames; i++) probabilities[names[i] as string] = (blended[i] as number) / sum;

  // 4. confidence
  const weightScale = options.weightScale ?? 2;
  const dispersionScale = options.dispersionScale ?? 0.03;
  if (totalW !== scratch.countW || weightScale !== scratch.countScale) {
    scratch.count = 1 - Math.exp(-totalW / weightScale);
    scratch.countW = totalW;
    scratch.countScale = weightScale;
  }
  const count = scratch.count;
  let maxSd = 0;
  for (let i = 0; i < nNames; i++) {
    const mean = (blended[i] as number) / sum;
    let v = 0;
    for (let b = 0; b < nBooks; b++) v = v + (weightsUsed[b] as number) * (((fairs[b] as readonly number[])[i] as number) - mean) ** 2;
    const variance = v / totalW;
    maxSd = Math.max(maxSd, Math.sqrt(variance));
  }
  // (maxSd is never −0; a NaN fails the test and is recomputed; Object.is tells a scale of 0 from −0)
  if (maxSd !== scratch.agreementSd || !Object.is(dispersionScale, scratch.agreementScale)) {
    scratch.agreement = Math.exp(-maxSd / dispersionScale);
    scratch.agreementSd = maxSd;
    scratch.agreementScale = dispersionScale;
  }
  const agreement = scratch.agreement;
  let freshness = 1;
  if (aging) {
    let weightedAge = 0;
    for (let b = 0; b < nBooks; b++) weightedAge = weightedAge + (weightsUsed[b] as number) * (ages[b] as number);
    const meanAge = weightedAge / totalW;
    freshness = 1 - 0.5 * Math.min(1, Math.max(0, meanAge / maxAgeMs));
  }
  const confidence = Math.min(1, Math.max(0, count * agreement * freshness));

  return {
    fixtureId,
    market,
    probabilities,
    confidence,
    books: nBooks,
    maxAgeMs: aging ? maxOf(ages, nBooks) : 0,
    computedAt: now,
  };
}

/** Math.max of the first `n` values (n ≥ 1; NaN if any is NaN, as Math.max). */
function maxOf(values: readonly number[], n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) m = Math.max(m, values[i] as number);
  return m;
}

/**
 * The consensus as the state manager's `ConsensusFn` (shared/state/state-manager.ts): options bound once,
 * `undefined` instead of null when no book qualifies, working memory kept in `memo` when the caller gives one.
 */
export function createConsensusFn(
  options: ConsensusOptions = {},
): (quotes: readonly OddsQuote[], fixtureId: string, market: string, now: number, memo?: ConsensusMemo) => ConsensusProbability | undefined {
  return (quotes, fixtureId, market, now, memo) =>
    consensusOf(quotes, fixtureId, market, now, options, null, memo ? (memo.scratch ??= newScratch()) : newScratch()) ?? undefined;
}
