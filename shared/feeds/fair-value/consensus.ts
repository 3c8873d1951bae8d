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
import { removeVig, type NoVigMethod } from './no-vig.js';

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

/** Books pricing the same outcome names (sorted), their total weight, and the names' JSON text (tie-break). */
interface OutcomeSet {
  names: string[];
  weight: number;
  key: string;
}

/** The names in `Array.prototype.sort`'s default order (UTF-16 code units); an insertion sort, as sets are tiny. */
function sortedNames(keys: Iterable<string>): string[] {
  const out: string[] = [];
  for (const k of keys) {
    let i = out.length;
    while (i > 0 && k < (out[i - 1] as string)) {
      out[i] = out[i - 1] as string;
      i--;
    }
    out[i] = k;
  }
  return out;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
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

/** One book's quotes in the market: the newest per outcome name, its weight and its outcome set. */
interface BookQuotes {
  /** The display name reported in contributions and exclusions (the first quote's). */
  shown: string;
  outcomes: Map<string, OddsQuote>;
  weight: number;
  group: OutcomeSet | null;
}

/** Consensus for one fixture + market, or null when no book qualifies. */
export function computeConsensus(
  quotes: readonly OddsQuote[],
  fixtureId: string,
  market: string,
  now: number,
  options: ConsensusOptions = {},
): ConsensusProbability | null {
  return consensusOf(quotes, fixtureId, market, now, options, false).consensus;
}

export function computeConsensusDetailed(
  quotes: readonly OddsQuote[],
  fixtureId: string,
  market: string,
  now: number,
  options: ConsensusOptions = {},
): ConsensusDetail {
  return consensusOf(quotes, fixtureId, market, now, options, true);
}

const NO_EXCLUSIONS = Object.freeze([]) as unknown as ExcludedQuote[];

/** Lists an excluded quote (only when the exclusions are wanted). */
function exclude(excluded: ExcludedQuote[] | null, sportsbook: string, name: string, reason: ExclusionReason): void {
  if (excluded) excluded.push({ sportsbook, name, reason });
}

/** The consensus; the exclusions are listed only when `detail` (the bare consensus is the same either way). */
function consensusOf(
  quotes: readonly OddsQuote[],
  fixtureId: string,
  market: string,
  now: number,
  options: ConsensusOptions,
  detail: boolean,
): ConsensusDetail {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const expireAfterMs = options.expireAfterMs ?? Infinity;
  const method = options.method ?? 'shin';
  const weights = weightTable(options);
  const defaultWeight = options.defaultWeight ?? 1;
  const excluded: ExcludedQuote[] | null = detail ? [] : null;

  // 1. filter, and keep the newest quote per book × outcome
  const byBook = new Map<string, BookQuotes>();
  let locked = false;
  for (const q of quotes) {
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
    const bookKey = sportsbookKeyOf(q);
    let book = byBook.get(bookKey);
    if (!book) byBook.set(bookKey, (book = { shown: q.sportsbook, outcomes: new Map(), weight: 0, group: null }));
    const prev = book.outcomes.get(q.name);
    if (!prev || prev.timestamp <= q.timestamp) book.outcomes.set(q.name, q);
  }
  // A locked quote also removes an older unlocked one of the same book × outcome from the set above only if it
  // is newer: the caller's store replaces quotes by key, so both rarely coexist; be strict anyway.
  if (locked) {
    for (const q of quotes) {
      if (!q.locked || !inMarket(q, fixtureId, market)) continue;
      const book = byBook.get(sportsbookKeyOf(q))?.outcomes;
      const live = book?.get(q.name);
      if (book && live && live.timestamp <= q.timestamp) book.delete(q.name);
    }
  }

  // 2. the outcome set carried by the most weight. Sets are compared as sorted name lists; ties go to the set
  // whose JSON text sorts first (built only when there are several sets).
  const groups: OutcomeSet[] = [];
  for (const [key, book] of byBook) {
    const w = weightOf(weights, key, defaultWeight);
    book.weight = w;
    if (w <= 0) {
      for (const name of book.outcomes.keys()) exclude(excluded, book.shown, name, 'zero_weight');
      continue;
    }
    if (book.outcomes.size < 2) continue;
    const sorted = sortedNames(book.outcomes.keys());
    let g: OutcomeSet | undefined;
    for (const x of groups) {
      if (sameNames(x.names, sorted)) {
        g = x;
        break;
      }
    }
    if (!g) groups.push((g = { names: sorted, weight: 0, key: '' }));
    book.group = g;
    g.weight += w;
  }
  if (groups.length > 1) {
    for (const g of groups) g.key = JSON.stringify(g.names);
    groups.sort((a, b) => (a.key < b.key ? -1 : 1));
  }
  let best: OutcomeSet | null = null;
  let bestW = 0;
  for (const g of groups) {
    if (g.weight > bestW) {
      best = g;
      bestW = g.weight;
    }
  }

  // 3. de-vig per book (each book's fair probabilities in `names` order; listed by name only when `detail`)
  const weightsUsed: number[] = [];
  const fairs: (readonly number[])[] = [];
  const ages: number[] = [];
  const contributions: BookContribution[] = [];
  const names: readonly string[] = best ? best.names : [];
  const implied: number[] = new Array<number>(names.length);
  for (const book of byBook.values()) {
    const w = book.weight;
    if (w <= 0) continue;
    const { outcomes, shown } = book;
    if (best === null || book.group !== best) {
      for (const name of outcomes.keys()) exclude(excluded, shown, name, 'incomplete_market');
      continue;
    }
    try {
      let ageMs = 0;
      for (let i = 0; i < names.length; i++) {
        const q = outcomes.get(names[i] as string) as OddsQuote;
        implied[i] = americanToProbability(q.americanOdds);
        ageMs = Math.max(ageMs, now - q.timestamp);
      }
      const r = removeVig(implied, method);
      weightsUsed.push(w);
      fairs.push(r.probabilities);
      ages.push(ageMs);
      if (detail) {
        const fair: Record<string, number> = {};
        for (let i = 0; i < names.length; i++) fair[names[i] as string] = r.probabilities[i] as number;
        contributions.push({ sportsbook: shown, weight: w, fair, overround: r.overround, ageMs });
      }
    } catch {
      for (const n of names) exclude(excluded, shown, n, 'devig_failed');
    }
  }
  const nBooks = weightsUsed.length;

  const minBooks = Math.max(1, options.minBooks ?? 1);
  if (nBooks < minBooks) return { consensus: null, books: contributions, excluded: excluded ?? NO_EXCLUSIONS };

  // blend (sums in contribution order, as a left fold from 0)
  let totalW = 0;
  for (let b = 0; b < nBooks; b++) totalW = totalW + (weightsUsed[b] as number);
  const blended: number[] = new Array<number>(names.length);
  let sum = 0;
  for (let i = 0; i < names.length; i++) {
    let a = 0;
    for (let b = 0; b < nBooks; b++) a = a + (weightsUsed[b] as number) * ((fairs[b] as readonly number[])[i] as number);
    blended[i] = a / totalW;
    sum = sum + (blended[i] as number);
  }
  const probabilities: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) probabilities[names[i] as string] = (blended[i] as number) / sum;

  // 4. confidence
  const weightScale = options.weightScale ?? 2;
  const dispersionScale = options.dispersionScale ?? 0.03;
  const count = 1 - Math.exp(-totalW / weightScale);
  let maxSd = 0;
  for (let i = 0; i < names.length; i++) {
    const mean = (blended[i] as number) / sum;
    let v = 0;
    for (let b = 0; b < nBooks; b++) v = v + (weightsUsed[b] as number) * (((fairs[b] as readonly number[])[i] as number) - mean) ** 2;
    const variance = v / totalW;
    maxSd = Math.max(maxSd, Math.sqrt(variance));
  }
  const agreement = Math.exp(-maxSd / dispersionScale);
  let weightedAge = 0;
  for (let b = 0; b < nBooks; b++) weightedAge = weightedAge + (weightsUsed[b] as number) * (ages[b] as number);
  const meanAge = weightedAge / totalW;
  const aging = expireAfterMs !== Infinity;
  const freshness = aging ? 1 - 0.5 * Math.min(1, Math.max(0, meanAge / maxAgeMs)) : 1;
  const confidence = Math.min(1, Math.max(0, count * agreement * freshness));

  return {
    consensus: {
      fixtureId,
      market,
      probabilities,
      confidence,
      books: nBooks,
      maxAgeMs: aging ? Math.max(...ages) : 0,
      computedAt: now,
    },
    books: contributions,
    excluded: excluded ?? NO_EXCLUSIONS,
  };
}

/**
 * The consensus as the state manager's `ConsensusFn` (shared/state/state-manager.ts): options bound once,
 * `undefined` instead of null when no book qualifies.
 */
export function createConsensusFn(
  options: ConsensusOptions = {},
): (quotes: readonly OddsQuote[], fixtureId: string, market: string, now: number) => ConsensusProbability | undefined {
  return (quotes, fixtureId, market, now) => computeConsensus(quotes, fixtureId, market, now, options) ?? undefined;
}
