/**
 * Polling one league: its active fixtures, their odds from the configured sportsbooks and markets (one REST
 * snapshot, split by the client into ≤ 5 books per request), the no-vig consensus per fixture × market, one
 * odds snapshot per fixture × market in DynamoDB (TTL'd; the consensus stored alongside the quotes), and one
 * odds-update message per consensus to the bot's queue.
 */
import type { QueueSender } from '../../shared/aws/queue-sender.js';
import type { Clock } from '../../shared/domain/clock.js';
import type { OddsQuote } from '../../shared/domain/feed-events.js';
import { computeConsensus, type ConsensusOptions } from '../../shared/feeds/fair-value/consensus.js';
import type { OddsSnapshotRequest } from '../../shared/feeds/rest-client.js';
import type { FixtureWire } from '../../shared/feeds/wire.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';
import type { OddsQuote as StoredQuote, OddsSnapshot, OddsSnapshotsRepository } from '../../shared/store/odds-snapshots-repository.js';
import { oddsUpdateFromConsensus, probabilityToText, type OddsUpdateMessage } from './messages.js';

/** The OpticOdds calls the poller makes (OpticOddsRestClient satisfies it). */
export interface OddsSource {
  activeFixtures(sport: string, league?: string | readonly string[]): Promise<FixtureWire[]>;
  odds(req: OddsSnapshotRequest): Promise<OddsQuote[]>;
}

export interface LeagueRef {
  sport: string;
  league: string;
}

export interface PollSettings {
  sportsbooks: readonly string[];
  markets: readonly string[];
  consensus: ConsensusOptions;
}

export interface PollDeps {
  clock: Clock;
  source: OddsSource;
  snapshots: OddsSnapshotsRepository;
  updates: QueueSender;
  logger: Logger;
  metrics: Metrics;
  settings: PollSettings;
}

/** What is stored next to the quotes: the consensus, in decimal text. */
export interface StoredConsensus {
  probabilities: Record<string, string>;
  confidence: string;
  books: number;
}

export type ConsensusSnapshot = OddsSnapshot & { consensus: StoredConsensus | null; league: string; sport: string };

export interface LeaguePollResult {
  sport: string;
  league: string;
  fixtures: number;
  quotes: number;
  snapshots: number;
  updates: number;
  /** Fixture × market pairs with quotes but no consensus (too few complete books). */
  withoutConsensus: number;
}

function storedQuote(q: OddsQuote): StoredQuote | null {
  if (!Number.isSafeInteger(q.americanOdds)) return null;
  return {
    sportsbook: q.sportsbook,
    selection: q.name,
    americanOdds: q.americanOdds,
    ...(q.points !== null ? { points: String(q.points) } : {}),
    isLive: q.isLive,
    updatedAt: q.timestamp,
  };
}

export async function pollLeague(deps: PollDeps, ref: LeagueRef): Promise<LeaguePollResult> {
  const log = deps.logger.child({ sport: ref.sport, league: ref.league });
  const fixtures = await deps.source.activeFixtures(ref.sport, ref.league);
  const result: LeaguePollResult = { ...ref, fixtures: fixtures.length, quotes: 0, snapshots: 0, updates: 0, withoutConsensus: 0 };
  if (fixtures.length === 0) {
    log.info('no active fixtures');
    return result;
  }
  const quotes = await deps.source.odds({
    fixtureIds: fixtures.map((f) => f.id),
    sportsbooks: deps.settings.sportsbooks,
    ...(deps.settings.markets.length ? { markets: deps.settings.markets } : {}),
  });
  result.quotes = quotes.length;
  const now = deps.clock.now();

  // Group by fixture × market.
  const groups = new Map<string, { fixtureId: string; market: string; quotes: OddsQuote[] }>();
  for (const q of quotes) {
    const k = `${q.fixtureId}\u0000${q.market}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { fixtureId: q.fixtureId, market: q.market, quotes: [] }));
    g.quotes.push(q);
  }

  const messages: OddsUpdateMessage[] = [];
  let nonInteger = 0;
  for (const g of groups.values()) {
    const consensus = computeConsensus(g.quotes, g.fixtureId, g.market, now, deps.settings.consensus);
    const stored = g.quotes.map(storedQuote).filter((q): q is StoredQuote => q !== null);
    nonInteger += g.quotes.length - stored.length;
    const snapshot: ConsensusSnapshot = {
      fixtureId: g.fixtureId,
      market: g.market,
      capturedAt: now,
      quotes: stored,
      sport: ref.sport,
      league: ref.league,
      consensus: consensus && {
        probabilities: Object.fromEntries(Object.entries(consensus.probabilities).map(([k, v]) => [k, probabilityToText(v)])),
        confidence: probabilityToText(consensus.confidence),
        books: consensus.books,
      },
    };
    await deps.snapshots.put(snapshot);
    result.snapshots++;
    if (consensus) messages.push(oddsUpdateFromConsensus(consensus, ref.sport, ref.league));
    else result.withoutConsensus++;
  }
  if (nonInteger > 0) {
    deps.metrics.increment('odds_poller.malformed_quotes', nonInteger);
    log.warn('quotes with non-integer American odds left out of the snapshot', { count: nonInteger });
  }

  for (const m of messages) {
    await deps.updates.send(m);
    result.updates++;
  }
  deps.metrics.increment('odds_poller.snapshots', result.snapshots);
  deps.metrics.increment('odds_poller.updates', result.updates);
  log.info('league polled', { ...result });
  return result;
}
