/**
 * The simulated sports world: seeded games replayed on an accelerated clock, sportsbooks pricing them, the
 * OpticOdds feed entries they produce, and the exchange markets they drive (true probability, state,
 * settlement). Deterministic: the same seed and options give the same fixtures, plays, prices and entries,
 * however often `advanceTo` is called.
 */
import type { SimulatedVenueControl } from '../module.js';
import type { Logger } from '../../../shared/observability/logger.js';
import { nullLogger } from '../../../shared/observability/logger.js';
import type { GameSnapshot, ReportedStatus, TimelineEvent } from './game-engine.js';
import { applyEvent, buildTimeline, initialSnapshot, tiedScript, trueHomeProbability } from './game-engine.js';
import type { EntryEvent, FeedEntry, StreamKind } from './entry-log.js';
import { EntryLog } from './entry-log.js';
import type { SimFixture } from './fixture.js';
import type { SportsFaults } from './faults.js';
import { deriveSeed, Rng } from './prng.js';
import { Scheduler } from './scheduler.js';
import type { BookProfile, MoneylinePrices } from './sportsbooks.js';
import { BookQuoter, DEFAULT_BOOKS } from './sportsbooks.js';
import { basketball } from './sports/basketball.js';
import { football } from './sports/football.js';
import type { GameScript, SportDefinition, SportKey } from './sports/sport.js';
import { fixtureStatusJson, MONEYLINE, oddJson, resultsJson, type StatusSpelling, type WireSnapshot } from './wire.js';

export const SPORTS: Readonly<Record<SportKey, SportDefinition>> = { basketball, football };

export interface SportsWorldOptions {
  seed: number;
  /** Games per sport (default: 2 basketball, 2 football). */
  games?: Partial<Record<SportKey, number>>;
  /** Game seconds per real second (default 10). */
  speed?: number;
  /** Start of the first game after the world's origin, ms (default 20 000); negative = already under way. */
  firstStartDelayMs?: number;
  /** Time between successive starts, ms (default 30 000). */
  startStaggerMs?: number;
  /** Explicit start offsets from the origin, ms, one per game in order (overrides the two above). */
  startOffsetsMs?: number[];
  /** Sportsbooks: profiles or ids of DEFAULT_BOOKS (default: all six default books). */
  books?: ReadonlyArray<BookProfile | string>;
  /** Overrides of the sports' defaults, game seconds. */
  breakSeconds?: number;
  halftimeSeconds?: number;
  clockTickSeconds?: number;
  /** The exchange markets open this long before the start, ms (default 15 000). */
  marketOpenLeadMs?: number;
  /** The markets settle this long after the final, ms (default 1 000). */
  settleDelayMs?: number;
  /** When > 0, the markets are SUSPENDED for this long after each score, ms (default 0: never). */
  suspendOnScoreMs?: number;
  /** Entries kept for `last_entry_id` resume (default 100 000). */
  historySize?: number;
  /**
   * Seeded rare outcomes, each a probability per game (drawn from a stream of their own, so the rest of a
   * seeded run is unchanged): a tie at the end of regulation (markets settle at $0.50) and a cancellation
   * during the game (markets settle at the last fair price at the announcement). Defaults 0.01 each.
   */
  tieProbability?: number;
  cancelProbability?: number;
}

export const DEFAULT_TIE_PROBABILITY = 0.01;
export const DEFAULT_CANCEL_PROBABILITY = 0.01;

export interface FixtureView {
  fixture: SimFixture;
  snapshot: GameSnapshot;
  /** The snapshot as the feed reports it: a fault's reported status (setReportedStatus) over the game's. */
  reported: WireSnapshot;
  /** TRUE probability that the home team wins, now. */
  homeWinProbability: number;
  settled: boolean;
}

interface GameRuntime {
  fx: SimFixture;
  index: number;
  script: GameScript;
  timeline: TimelineEvent[];
  snap: GameSnapshot;
  p: number;
  quoters: BookQuoter[];
  lockUntil: number[];
  marketsOpen: boolean;
  settled: boolean;
  /** When the game is called off (its timeline stops there), or null. */
  cancelAtMs: number | null;
  /** A status the feed reports instead of the game's (fault injection), with its spelling. */
  override: { status: ReportedStatus; spelling: StatusSpelling } | null;
}

const noopVenue: SimulatedVenueControl = {
  addEvent: () => {},
  addMarket: () => {},
  setMarketState: () => {},
  setTrueProbability: () => {},
  settle: () => {},
};

export function resolveBooks(books: ReadonlyArray<BookProfile | string> | undefined): BookProfile[] {
  if (!books) return DEFAULT_BOOKS.slice();
  return books.map((b) => {
    if (typeof b !== 'string') return b;
    const found = DEFAULT_BOOKS.find((d) => d.id === b.toLowerCase() || d.name.toLowerCase() === b.toLowerCase());
    if (!found) throw new RangeError(`unknown sportsbook: ${b}`);
    return found;
  });
}

function dateParts(ms: number): { compact: string; dashed: string } {
  const dashed = new Date(ms).toISOString().slice(0, 10);
  return { dashed, compact: dashed.replace(/-/g, '') };
}

export class SportsWorld {
  readonly originMs: number;
  readonly seed: number;
  readonly books: readonly BookProfile[];
  readonly log: EntryLog;
  private readonly scheduler: Scheduler;
  private readonly runtimes: GameRuntime[] = [];
  private readonly byId = new Map<string, GameRuntime>();
  private readonly venue: SimulatedVenueControl;
  private readonly logger: Logger;
  private readonly settleDelayMs: number;
  private readonly suspendOnScoreMs: number;
  private readonly faults: SportsFaults | null;

  constructor(
    options: SportsWorldOptions,
    originMs: number,
    deps: { venue?: SimulatedVenueControl; logger?: Logger; faults?: SportsFaults } = {},
  ) {
    this.seed = options.seed;
    this.originMs = originMs;
    this.books = resolveBooks(options.books);
    this.venue = deps.venue ?? noopVenue;
    this.logger = deps.logger ?? nullLogger;
    this.faults = deps.faults ?? null;
    this.log = new EntryLog(options.historySize ?? 100_000);
    this.scheduler = new Scheduler(originMs);
    this.settleDelayMs = options.settleDelayMs ?? 1000;
    this.suspendOnScoreMs = options.suspendOnScoreMs ?? 0;
    const speed = options.speed ?? 10;
    const marketOpenLeadMs = options.marketOpenLeadMs ?? 15_000;
    const games = options.games ?? { basketball: 2, football: 2 };
    const tieP = options.tieProbability ?? DEFAULT_TIE_PROBABILITY;
    const cancelP = options.cancelProbability ?? DEFAULT_CANCEL_PROBABILITY;
    if (!(tieP >= 0 && cancelP >= 0 && tieP + cancelP <= 1)) throw new RangeError('tieProbability and cancelProbability must be ≥ 0 and add up to at most 1');

    const rng = new Rng(deriveSeed(options.seed, 0));
    let index = 0;
    for (const sport of Object.keys(SPORTS) as SportKey[]) {
      const def = SPORTS[sport];
      const count = games[sport] ?? 0;
      if (count > Math.floor(def.teams.length / 2)) throw new RangeError(`at most ${Math.floor(def.teams.length / 2)} ${sport} games`);
      const teams = rng.shuffle(def.teams);
      for (let g = 0; g < count; g += 1) {
        const home = teams[2 * g]!;
        const away = teams[2 * g + 1]!;
        const offset =
          options.startOffsetsMs?.[index] ?? (options.firstStartDelayMs ?? 20_000) + index * (options.startStaggerMs ?? 30_000);
        const startMs = originMs + offset;
        const mu = rng.normal(0, def.strengthSd) - rng.normal(0, def.strengthSd) + def.homeAdvantage;
        const { compact, dashed } = dateParts(startMs);
        const hex = rng.nextUint32().toString(16).toUpperCase().padStart(8, '0');
        const eventSlug = `${def.league}-${away.abbreviation.toLowerCase()}-${home.abbreviation.toLowerCase()}-${dashed}`;
        const fx: SimFixture = {
          fixtureId: `${compact}${hex}`,
          numericalId: 100_000 + rng.int(0, 899_999),
          gameId: `${home.numericalId}-${away.numericalId}-${dashed.slice(0, 4)}-${index + 1}`,
          def,
          sport: def.sport,
          league: def.league,
          home,
          away,
          startMs,
          mu,
          eventSlug,
          homeMarketSlug: `${eventSlug}-${home.abbreviation.toLowerCase()}`,
          awayMarketSlug: `${eventSlug}-${away.abbreviation.toLowerCase()}`,
        };
        const fate = new Rng(deriveSeed(options.seed, 9, index));
        const roll = fate.next();
        const played = def.simulate(new Rng(deriveSeed(options.seed, 1, index)), mu);
        const script = roll >= cancelP && roll < cancelP + tieP ? tiedScript(def, played) : played;
        const timing = { speed, breakSeconds: options.breakSeconds, halftimeSeconds: options.halftimeSeconds, clockTickSeconds: options.clockTickSeconds };
        let timeline = buildTimeline(def, script, startMs, timing);
        let cancelAtMs: number | null = null;
        if (roll < cancelP && timeline.length > 0) {
          const end = timeline[timeline.length - 1]!.atMs;
          cancelAtMs = Math.round(startMs + (end - startMs) * fate.uniform(0.2, 0.8));
          timeline = timeline.filter((ev) => ev.atMs < (cancelAtMs as number));
        }
        const snap = initialSnapshot();
        const p = trueHomeProbability(def, mu, snap);
        const rt: GameRuntime = {
          fx,
          index,
          script,
          timeline,
          snap,
          p,
          quoters: this.books.map((b, bi) => new BookQuoter(b, new Rng(deriveSeed(options.seed, 2, index, bi)), p)),
          lockUntil: this.books.map(() => -Infinity),
          marketsOpen: false,
          settled: false,
          cancelAtMs,
          override: null,
        };
        this.runtimes.push(rt);
        this.byId.set(fx.fixtureId, rt);
        this.setupExchange(rt, Math.max(originMs, startMs - marketOpenLeadMs));
        this.scheduleGame(rt);
        index += 1;
      }
    }
  }

  // ---------------------------------------------------------------- public read API

  now(): number {
    return this.scheduler.now();
  }

  /** Runs everything due up to `ms` (no-op for a time already reached). */
  advanceTo(ms: number): void {
    this.scheduler.advanceTo(ms);
  }

  advanceBy(ms: number): void {
    this.scheduler.advanceTo(this.scheduler.now() + ms);
  }

  /** Time of the next scheduled happening, or null when the world has nothing left to do. */
  nextEventAt(): number | null {
    return this.scheduler.nextAt();
  }

  /** True when every game is over and its markets are settled. */
  get finished(): boolean {
    return this.runtimes.every((rt) => rt.settled);
  }

  /** When the last game ends (epoch ms). */
  get lastFinalAt(): number {
    return Math.max(...this.runtimes.map((rt) => rt.timeline[rt.timeline.length - 1]!.atMs));
  }

  fixtures(): SimFixture[] {
    return this.runtimes.map((rt) => rt.fx);
  }

  fixture(fixtureId: string): FixtureView | null {
    const rt = this.byId.get(fixtureId);
    if (!rt) return null;
    return this.view(rt);
  }

  views(): FixtureView[] {
    return this.runtimes.map((rt) => this.view(rt));
  }

  private view(rt: GameRuntime): FixtureView {
    return { fixture: rt.fx, snapshot: rt.snap, reported: this.reported(rt), homeWinProbability: rt.p, settled: rt.settled };
  }

  private reported(rt: GameRuntime): WireSnapshot {
    return rt.override ? { ...rt.snap, status: rt.override.status, spelling: rt.override.spelling } : rt.snap;
  }

  /**
   * Fault injection: from now on the feed reports `status` for the fixture (e.g. 'suspended', 'delayed',
   * 'forfeited', 'invalid'), spelled in lower case or capitalised ("Suspended", as in the contract's
   * examples), or the game's own status again with null. Emits a `fixture-status` entry and a results entry
   * now; the game itself plays on underneath, and its later results carry the reported status.
   */
  setReportedStatus(fixtureId: string, status: ReportedStatus | null, options: { spelling?: StatusSpelling } = {}): void {
    const rt = this.byId.get(fixtureId);
    if (!rt) throw new RangeError(`unknown fixture: ${fixtureId}`);
    const before = this.reported(rt).status;
    const spelling = options.spelling ?? 'lower';
    rt.override = status === null ? null : { status, spelling };
    const after = this.reported(rt).status;
    if (before !== after) this.emitStatus(rt, before, after, spelling);
    this.emitResults(rt);
  }

  /** The whole pre-played game (for tests and recordings). */
  script(fixtureId: string): GameScript | null {
    return this.byId.get(fixtureId)?.script ?? null;
  }

  timeline(fixtureId: string): readonly TimelineEvent[] {
    return this.byId.get(fixtureId)?.timeline ?? [];
  }

  /** The Odd objects on the board now for a fixture (locked prices are off the board). */
  boardOdds(fixtureId: string, bookFilter?: (b: BookProfile) => boolean, via: 'rest' | 'stream' = 'rest'): Record<string, unknown>[] {
    const rt = this.byId.get(fixtureId);
    if (!rt) return [];
    const out: Record<string, unknown>[] = [];
    const live = rt.snap.status === 'live' || rt.snap.status === 'half';
    rt.quoters.forEach((q) => {
      if (bookFilter && !bookFilter(q.profile)) return;
      const board = q.board();
      if (!board) return;
      out.push(oddJson(rt.fx, q.profile, 'home', board.prices.home, live, board.quotedAt, via));
      out.push(oddJson(rt.fx, q.profile, 'away', board.prices.away, live, board.quotedAt, via));
    });
    return out;
  }

  /** A book's current prices and lock state (tests). */
  bookState(fixtureId: string, bookId: string): { prices: MoneylinePrices | null; locked: boolean; belief: number } | null {
    const q = this.byId.get(fixtureId)?.quoters.find((x) => x.profile.id === bookId);
    if (!q) return null;
    return { prices: q.lastPrices, locked: q.isLocked, belief: q.belief() };
  }

  /**
   * Test and demo hook: the books (all, or one) move their line on a fixture NOW: `locked-odds` for the old
   * prices, then `odds` with prices moved by `logitShift` (default +0.25, toward home). With `alternates`, as a
   * book that also offers alternate lines does (api notes §5): no lock — the old main line comes back as `odds`
   * with `is_main=false`, then the new main as `odds` with `is_main=true`. Returns the number of entries
   * produced. Not part of a seeded run: using it changes what follows.
   */
  forceLineMove(fixtureId: string, options: { bookId?: string; logitShift?: number; alternates?: boolean } = {}): number {
    const rt = this.byId.get(fixtureId);
    if (!rt) throw new RangeError(`unknown fixture: ${fixtureId}`);
    let produced = 0;
    rt.quoters.forEach((q, bi) => {
      if (options.bookId !== undefined && q.profile.id !== options.bookId) return;
      if (q.isClosed) return;
      const old = q.lock();
      if (old) {
        this.emitOdds(rt, bi, options.alternates ? 'odds' : 'locked-odds', old, !options.alternates);
        produced += 1;
      }
      q.nudge(options.logitShift ?? 0.25);
      q.unlock();
      const prices = q.requote(this.now(), true);
      if (prices) {
        this.emitOdds(rt, bi, 'odds', prices);
        produced += 1;
      }
    });
    return produced;
  }

  // ---------------------------------------------------------------- exchange

  private venueCall(what: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.logger.warn('sports world: venue call failed', { call: what, error: err instanceof Error ? err.message : String(err) });
    }
  }

  private setupExchange(rt: GameRuntime, openAt: number): void {
    const { fx } = rt;
    const title = `${fx.away.name} at ${fx.home.name}`;
    const openNow = openAt <= this.originMs;
    this.venueCall('addEvent', () =>
      this.venue.addEvent({
        slug: fx.eventSlug,
        title,
        startTime: fx.startMs,
        sport: fx.sport,
        league: fx.league,
        gameId: fx.fixtureId,
        homeTeam: fx.home.name,
        awayTeam: fx.away.name,
      }),
    );
    for (const side of ['home', 'away'] as const) {
      const team = side === 'home' ? fx.home : fx.away;
      this.venueCall('addMarket', () =>
        this.venue.addMarket({
          slug: side === 'home' ? fx.homeMarketSlug : fx.awayMarketSlug,
          eventSlug: fx.eventSlug,
          title: `${title}: ${team.name} to win`,
          outcome: team.name,
          team: team.name,
          state: openNow ? 'MARKET_STATE_OPEN' : 'MARKET_STATE_PREOPEN',
          initialProbability: side === 'home' ? rt.p : 1 - rt.p,
        }),
      );
    }
    rt.marketsOpen = openNow;
    if (!openNow) {
      this.scheduler.at(openAt, () => {
        if (rt.snap.status === 'completed') return;
        rt.marketsOpen = true;
        this.setMarketsState(rt, 'MARKET_STATE_OPEN');
      });
    }
  }

  private setMarketsState(rt: GameRuntime, state: 'MARKET_STATE_OPEN' | 'MARKET_STATE_SUSPENDED'): void {
    this.venueCall('setMarketState', () => this.venue.setMarketState(rt.fx.homeMarketSlug, state));
    this.venueCall('setMarketState', () => this.venue.setMarketState(rt.fx.awayMarketSlug, state));
  }

  private pushTrueProbability(rt: GameRuntime): void {
    this.venueCall('setTrueProbability', () => this.venue.setTrueProbability(rt.fx.homeMarketSlug, rt.p));
    this.venueCall('setTrueProbability', () => this.venue.setTrueProbability(rt.fx.awayMarketSlug, 1 - rt.p));
  }

  // ---------------------------------------------------------------- game replay

  private scheduleGame(rt: GameRuntime): void {
    for (const ev of rt.timeline) this.scheduler.at(ev.atMs, () => this.onGameEvent(rt, ev));
    if (rt.cancelAtMs !== null) this.scheduler.at(rt.cancelAtMs, () => this.cancelGame(rt));
    rt.quoters.forEach((q, bi) => {
      this.scheduler.at(this.originMs, () => {
        const prices = q.requote(this.now());
        if (prices) this.emitOdds(rt, bi, 'odds', prices);
        this.scheduleRefresh(rt, bi);
      });
    });
  }

  private scheduleRefresh(rt: GameRuntime, bi: number): void {
    const q = rt.quoters[bi]!;
    this.scheduler.after(q.drawRefreshMs(), () => {
      if (q.isClosed) return;
      q.wander();
      const prices = q.requote(this.now());
      if (prices) this.emitOdds(rt, bi, 'odds', prices);
      this.scheduleRefresh(rt, bi);
    });
  }

  private onGameEvent(rt: GameRuntime, ev: TimelineEvent): void {
    const before = rt.snap;
    rt.snap = applyEvent(rt.fx.def, before, ev);
    const oldP = rt.p;
    rt.p = trueHomeProbability(rt.fx.def, rt.fx.mu, rt.snap);
    const now = this.now();
    if (before.status !== rt.snap.status && !rt.override) this.emitStatus(rt, before.status, rt.snap.status);
    this.emitResults(rt);

    if (rt.snap.status === 'completed') {
      this.pushTrueProbability(rt);
      this.setMarketsState(rt, 'MARKET_STATE_SUSPENDED');
      rt.quoters.forEach((q, bi) => {
        this.scheduler.after(q.profile.lockReactionMs, () => {
          const prices = q.close();
          if (prices) this.emitOdds(rt, bi, 'locked-odds', prices);
        });
      });
      this.scheduler.after(this.settleDelayMs, () => this.settle(rt));
      return;
    }

    this.pushTrueProbability(rt);
    if (ev.kind === 'play' && this.suspendOnScoreMs > 0 && rt.marketsOpen) {
      this.setMarketsState(rt, 'MARKET_STATE_SUSPENDED');
      this.scheduler.after(this.suspendOnScoreMs, () => {
        if (rt.snap.status !== 'completed' && !rt.settled) this.setMarketsState(rt, 'MARKET_STATE_OPEN');
      });
    }
    const p = rt.p;
    const dP = Math.abs(p - oldP);
    rt.quoters.forEach((q, bi) => {
      this.scheduler.after(q.drawDelayMs(), () => {
        q.learn(p, now);
        const prices = q.requote(this.now());
        if (prices) this.emitOdds(rt, bi, 'odds', prices);
      });
      if (ev.kind === 'play' && dP >= q.profile.lockThreshold) {
        const lockAt = now + q.profile.lockReactionMs;
        const unlockAt = lockAt + q.profile.lockMs;
        rt.lockUntil[bi] = Math.max(rt.lockUntil[bi]!, unlockAt);
        this.scheduler.at(lockAt, () => {
          const prices = q.lock();
          if (prices) this.emitOdds(rt, bi, 'locked-odds', prices);
        });
        this.scheduler.at(unlockAt, () => {
          if (this.now() < rt.lockUntil[bi]! || !q.isLocked || q.isClosed) return;
          q.unlock();
          q.requote(this.now());
          const board = q.board();
          if (board) this.emitOdds(rt, bi, 'odds', board.prices);
        });
      }
    });
  }

  /** The game is called off: the feed says so, books close, the markets settle at the fair price now. */
  private cancelGame(rt: GameRuntime): void {
    if (rt.settled) return;
    const before = rt.snap.status;
    rt.snap = { ...rt.snap, status: 'cancelled' };
    this.emitStatus(rt, before, 'cancelled');
    rt.quoters.forEach((q) => q.close());
    for (const slug of [rt.fx.homeMarketSlug, rt.fx.awayMarketSlug]) {
      this.venueCall('settle', () => (this.venue.settleCancelled ? this.venue.settleCancelled(slug) : this.venue.settle(slug, 500_000)));
    }
    rt.settled = true;
  }

  private settle(rt: GameRuntime): void {
    if (rt.settled) return;
    if (rt.snap.homeScore === rt.snap.awayScore) {
      // A winner market without a draw: both sides at $0.50.
      for (const slug of [rt.fx.homeMarketSlug, rt.fx.awayMarketSlug]) {
        this.venueCall('settle', () => (this.venue.settleTie ? this.venue.settleTie(slug) : this.venue.settle(slug, 500_000)));
      }
      rt.settled = true;
      return;
    }
    const homeWon = rt.snap.homeScore > rt.snap.awayScore;
    this.venueCall('settle', () => this.venue.settle(rt.fx.homeMarketSlug, homeWon ? 1_000_000 : 0));
    this.venueCall('settle', () => this.venue.settle(rt.fx.awayMarketSlug, homeWon ? 0 : 1_000_000));
    rt.settled = true;
  }

  // ---------------------------------------------------------------- feed entries

  private append(
    rt: GameRuntime,
    stream: StreamKind,
    event: EntryEvent,
    build: (entryId: string) => unknown,
    extra: { sportsbook?: string; market?: string } = {},
  ): void {
    if (this.faults?.inOutage()) return;
    const { ms, seq } = this.log.nextId(this.now());
    const id = `${ms}-${seq}`;
    const payload = build(id);
    const entry: FeedEntry = {
      id,
      ms,
      seq,
      stream,
      event,
      sport: rt.fx.sport,
      league: rt.fx.league,
      fixtureId: rt.fx.fixtureId,
      payload,
      json: JSON.stringify(payload),
      ...extra,
    };
    this.log.append(entry);
  }

  private emitOdds(rt: GameRuntime, bi: number, type: 'odds' | 'locked-odds', prices: MoneylinePrices, isMain = true): void {
    const book = this.books[bi]!;
    const live = rt.snap.status === 'live' || rt.snap.status === 'half';
    const ts = this.now();
    const odds = [oddJson(rt.fx, book, 'home', prices.home, live, ts, 'stream', isMain), oddJson(rt.fx, book, 'away', prices.away, live, ts, 'stream', isMain)];
    this.append(rt, 'odds', type, (entryId) => ({ data: odds, entry_id: entryId, type }), { sportsbook: book.name, market: MONEYLINE });
  }

  private emitStatus(rt: GameRuntime, oldStatus: ReportedStatus, newStatus: ReportedStatus, spelling?: StatusSpelling): void {
    const data = fixtureStatusJson(rt.fx, oldStatus, newStatus, this.now(), spelling);
    this.append(rt, 'odds', 'fixture-status', (entryId) => ({ data, entry_id: entryId, type: 'fixture-status' }));
  }

  private emitResults(rt: GameRuntime): void {
    const data = resultsJson(rt.fx, this.reported(rt));
    this.append(rt, 'results', 'fixture-results', (entryId) => ({ ...data, entry_id: entryId }));
  }
}
