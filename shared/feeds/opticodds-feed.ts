/**
 * The whole OpticOdds subscription of the bot: every odds and results stream it needs, merged into one
 * FeedEvent flow, kept honest by REST.
 *
 * - Splits: at most 5 sportsbooks and 10 leagues per odds connection, one league per results connection
 *   (stream-plan.ts); all ids, never display names.
 * - Health: one `feed_health` per stream kind × sport — unhealthy while ANY of its connections is down,
 *   healthy again when all are up — so consumers keyed by kind × sport see no false recovery.
 * - A stream that goes quiet: its quotes are no longer known valid, so they are delivered as locked
 *   (a price does not expire with age; it stays valid until locked or until its stream is lost).
 * - After every reconnect (resuming with `last_entry_id` is best effort and may skip entries): a REST snapshot
 *   of that stream's fixtures repairs the picture — odds (quotes missing from the snapshot count as suspended:
 *   locked) or results (game states). Counted in `feeds.repairs` / `feeds.repair_failures`.
 * - 403 (product not licensed): that stream stops for good; the operator sees an error log and a health
 *   event whose reason starts with `not_licensed`.
 * - Main-line moves: the old main line is evicted (locked) when a book posts a new one (quote-cache.ts).
 */
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import type { FeedEvent, FeedStream, OddsQuote } from '../domain/feed-events.js';
import type { GameState } from '../domain/game.js';
import { nullLogger, type Logger } from '../observability/logger.js';
import { nullMetrics, type Metrics } from '../observability/metrics.js';
import type { FeedStreamOptions } from './feed-stream.js';
import { OddsStream } from './odds-stream.js';
import { QuoteCache } from './quote-cache.js';
import type { OddsSnapshotRequest } from './rest-client.js';
import { ResultsStream } from './results-stream.js';
import { planOddsStreams, planResultsStreams, type OddsStreamPlan } from './stream-plan.js';

/** The REST calls a repair makes (OpticOddsRestClient satisfies it). */
export interface RepairSource {
  odds(req: OddsSnapshotRequest): Promise<OddsQuote[]>;
  results(fixtureIds: readonly string[]): Promise<GameState[]>;
}

export interface OpticOddsFeedOptions {
  apiKey: string;
  /** Base URL of the streams (`sports_data.stream_base_url`, else the REST base). */
  streamBaseUrl?: string;
  /** Sport ids: "basketball". */
  sports: readonly string[];
  /** League ids: "nba". Empty = no league filter. */
  leagues: readonly string[];
  /** Sportsbook ids: "pinnacle". */
  sportsbooks: readonly string[];
  /** Market ids: "moneyline". */
  markets?: readonly string[];
  isMain?: boolean;
  maxSportsbooksPerStream?: number;
  maxLeaguesPerStream?: number;
  /** The REST side of the repairs. */
  rest: RepairSource;
  /** Fixtures a repair re-fetches (besides those with cached quotes), e.g. the discovered ones. */
  fixtureIds: () => readonly string[];
  onEvent: (event: FeedEvent) => void;
  /** Lock a stream's quotes when it goes quiet. Default true. */
  lockOnSilence?: boolean;
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
  fetch?: typeof fetch;
  silenceTimeoutMs?: number;
  watchdogIntervalMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

interface Member {
  name: string;
  kind: FeedStream;
  sport: string;
  stream: OddsStream | ResultsStream;
  plan?: OddsStreamPlan;
  healthy: boolean | null;
  /** Was down at least once: the next "healthy" is a reconnect. */
  wasDown: boolean;
  repairing: Promise<void> | null;
  repairAgain: boolean;
}

export class OpticOddsFeed {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly cache = new QuoteCache();
  private readonly members: Member[] = [];
  private readonly groupHealth = new Map<string, boolean>();
  private stopped = false;
  /** Repairs completed (tests, diagnostics). */
  repairs = 0;

  constructor(private readonly options: OpticOddsFeedOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? nullLogger).child({ component: 'opticodds-feed' });
    this.metrics = options.metrics ?? nullMetrics;
    for (const sport of options.sports) {
      for (const plan of planOddsStreams(sport, options.sportsbooks, options.leagues, options)) {
        const m = this.member(plan.name, 'odds', sport);
        m.plan = plan;
        m.stream = new OddsStream({
          ...this.common(m),
          sportsbooks: plan.sportsbooks,
          leagues: plan.leagues,
          markets: options.markets,
          isMain: options.isMain,
        });
      }
      for (const plan of planResultsStreams(sport, options.leagues)) {
        const m = this.member(plan.name, 'results', sport);
        m.stream = new ResultsStream({ ...this.common(m), leagues: plan.leagues });
      }
    }
    this.logger.info('opticodds streams planned', { streams: this.members.map((m) => m.name) });
  }

  /** The stream connections, by name (tests, diagnostics). */
  get streams(): readonly { name: string; kind: FeedStream; stream: OddsStream | ResultsStream }[] {
    return this.members;
  }

  /** Streams that gave up for good (403: not licensed), with the reason. */
  get notLicensed(): { name: string; reason: string }[] {
    return this.members.flatMap((m) => (m.stream.fatalReason ? [{ name: m.name, reason: m.stream.fatalReason }] : []));
  }

  start(): void {
    for (const m of this.members) m.stream.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.members.map((m) => m.stream.stop()));
    await Promise.allSettled(this.members.map((m) => m.repairing));
  }

  /** Drops every connection (each resumes, then repairs). */
  reconnectAll(): void {
    for (const m of this.members) m.stream.reconnectNow();
  }

  /**
   * Delivers a REST odds snapshot taken outside the feed (the bot's start-up snapshot) through it, so that the
   * feed knows those quotes: locked if their stream goes quiet, checked by the repairs. Each quote is assigned
   * to the odds connection of its sport that carries its sportsbook.
   */
  ingestSnapshot(quotes: readonly OddsQuote[]): void {
    const bySource = new Map<Member, OddsQuote[]>();
    for (const q of quotes) {
      const m =
        this.members.find((x) => x.plan && (!q.sport || x.sport === q.sport) && x.plan.sportsbooks.includes(q.sportsbookId ?? q.sportsbook)) ??
        this.members.find((x) => x.plan && (!q.sport || x.sport === q.sport));
      if (!m) {
        this.deliver({ type: 'odds', quotes: [q], entryId: null });
        continue;
      }
      let list = bySource.get(m);
      if (!list) bySource.set(m, (list = []));
      list.push(q);
    }
    for (const [m, list] of bySource) this.deliverOdds(m, list, null);
  }

  /** Resolves when no repair is running. */
  async idle(): Promise<void> {
    while (this.members.some((m) => m.repairing)) await Promise.allSettled(this.members.map((m) => m.repairing));
  }

  // ------------------------------------------------------------------------------------------ plumbing

  private member(name: string, kind: FeedStream, sport: string): Member {
    const m = { name, kind, sport, healthy: null, wasDown: false, repairing: null, repairAgain: false } as unknown as Member;
    this.members.push(m);
    return m;
  }

  private common(m: Member): FeedStreamOptions {
    const o = this.options;
    return {
      apiKey: o.apiKey,
      sport: m.sport,
      baseUrl: o.streamBaseUrl,
      onEvent: (ev) => this.onStreamEvent(m, ev),
      fetch: o.fetch,
      clock: this.clock,
      logger: o.logger,
      metrics: this.metrics,
      silenceTimeoutMs: o.silenceTimeoutMs,
      watchdogIntervalMs: o.watchdogIntervalMs,
      initialBackoffMs: o.initialBackoffMs,
      maxBackoffMs: o.maxBackoffMs,
      random: o.random,
    };
  }

  private deliver(ev: FeedEvent): void {
    try {
      this.options.onEvent(ev);
    } catch (e) {
      this.metrics.increment('feeds.handler_errors', 1, { stream: 'feed' });
      this.logger.error('feed event handler failed', { type: ev.type, error: e });
    }
  }

  private deliverOdds(m: Member, quotes: readonly OddsQuote[], entryId: string | null): void {
    const evicted = this.cache.apply(quotes, m.name, this.clock.now());
    if (evicted.length > 0) this.metrics.increment('feeds.main_line_evictions', evicted.length, { stream: m.name });
    const all = [...quotes, ...evicted];
    if (all.length > 0) this.deliver({ type: 'odds', quotes: all, entryId });
  }

  private onStreamEvent(m: Member, ev: FeedEvent): void {
    if (this.stopped) return;
    switch (ev.type) {
      case 'odds':
        return this.deliverOdds(m, ev.quotes, ev.entryId);
      case 'feed_health':
        return this.onHealth(m, ev);
      default:
        return this.deliver(ev);
    }
  }

  private onHealth(m: Member, ev: Extract<FeedEvent, { type: 'feed_health' }>): void {
    m.healthy = ev.healthy;
    if (!ev.healthy) {
      m.wasDown = true;
      if (m.kind === 'odds' && this.options.lockOnSilence !== false) {
        const locked = this.cache.lockSource(m.name, this.clock.now());
        if (locked.length > 0) {
          this.metrics.increment('feeds.locked_on_silence', locked.length, { stream: m.name });
          this.deliver({ type: 'odds', quotes: locked, entryId: null });
        }
      }
    } else if (m.wasDown) {
      this.scheduleRepair(m);
    }
    const group = `${m.kind}|${m.sport}`;
    const members = this.members.filter((x) => x.kind === m.kind && x.sport === m.sport);
    const healthy = members.every((x) => x.healthy === true);
    const anyDown = members.some((x) => x.healthy === false);
    // Report a group's state on a change: down as soon as one connection is, up when all are.
    const state = healthy ? true : anyDown ? false : undefined;
    if (state === undefined || this.groupHealth.get(group) === state) return;
    this.groupHealth.set(group, state);
    const reason = ev.healthy ? ev.reason : `${m.name}: ${ev.reason}`;
    this.deliver({ ...ev, healthy: state, reason });
  }

  private scheduleRepair(m: Member): void {
    if (m.repairing) {
      m.repairAgain = true;
      return;
    }
    m.repairing = (async () => {
      do {
        m.repairAgain = false;
        await this.repair(m);
      } while (m.repairAgain && !this.stopped);
    })().finally(() => {
      m.repairing = null;
    });
  }

  private async repair(m: Member): Promise<void> {
    if (this.stopped) return;
    const fixtures = new Set(this.options.fixtureIds());
    for (const f of this.cache.fixturesOf(m.name)) fixtures.add(f);
    if (fixtures.size === 0) return;
    const ids = [...fixtures];
    try {
      if (m.kind === 'odds' && m.plan) {
        const before = this.cache.liveOf(m.name, fixtures);
        const snapshot = (await this.options.rest.odds({ fixtureIds: ids, sportsbooks: m.plan.sportsbooks, markets: this.options.markets, isMain: this.options.isMain }))
          .filter((q) => !q.sport || q.sport === m.sport);
        if (this.stopped) return;
        const now = this.clock.now();
        const absent = this.cache.absentFrom(before, new Set(snapshot.map((q) => q.key)), now);
        this.deliverOdds(m, [...snapshot, ...absent], null);
        this.logger.info('odds repaired from a REST snapshot after a reconnect', { stream: m.name, fixtures: ids.length, quotes: snapshot.length, suspended: absent.length });
      } else {
        const games = (await this.options.rest.results(ids)).filter((g) => !g.sport || g.sport === m.sport);
        if (this.stopped) return;
        for (const game of games) this.deliver({ type: 'game', game, entryId: null });
        this.logger.info('results repaired from a REST snapshot after a reconnect', { stream: m.name, games: games.length });
      }
      this.repairs++;
      this.metrics.increment('feeds.repairs', 1, { stream: m.kind });
    } catch (err) {
      this.metrics.increment('feeds.repair_failures', 1, { stream: m.kind });
      this.logger.warn('REST repair after a reconnect failed; the stream goes on', { stream: m.name, err });
    }
  }
}
