/**
 * Start-up discovery: which exchange markets to trade (the catalogue filtered by `trading.markets`), which
 * games they belong to (OpticOdds active fixtures), and the join between them. Markets that cannot be joined
 * are reported and traded by nothing that needs a game (they are never guessed).
 */
import type { AppConfig } from '../../shared/config/schema.js';
import type { MarketInfo } from '../../shared/domain/market.js';
import type { FixtureRef, UnmatchedMarket } from '../../shared/feeds/market-mapper.js';
import { mapMarkets } from '../../shared/feeds/market-mapper.js';
import type { OpticOddsRestClient } from '../../shared/feeds/rest-client.js';
import type { Logger } from '../../shared/observability/logger.js';
import { MarketDirectory } from '../../shared/state/market-directory.js';
import type { PolymarketRestClient } from '../../shared/venue/rest-client.js';
import { compileMarketPatterns } from './market-glob.js';

export interface Discovery {
  directory: MarketDirectory;
  markets: MarketInfo[];
  fixtures: FixtureRef[];
  unmatched: UnmatchedMarket[];
}

export async function discoverMarkets(config: AppConfig, venue: PolymarketRestClient, feeds: OpticOddsRestClient, logger: Logger): Promise<Discovery> {
  const wanted = compileMarketPatterns(config.trading.markets);
  const events = await venue.listEvents({ active: true, closed: false, limit: 500 });
  const markets: MarketInfo[] = [];
  const eventStartTimes: Record<string, number> = {};
  const eventTitles: Record<string, string> = {};
  for (const ev of events) {
    if (ev.startTime !== null) eventStartTimes[ev.slug] = ev.startTime;
    eventTitles[ev.slug] = ev.title;
    for (const m of ev.markets) {
      if (m.closed || !wanted(m.slug)) continue;
      // The market's own tick, minimum size and fee coefficient when the catalogue carries them; else the
      // configured defaults (trading.default_tick / default_min_qty / fees.taker_theta).
      const rules = m as Partial<Record<'tickMicros' | 'minQty' | 'feeCoefficientPpm', number | null>>;
      markets.push({
        marketSlug: m.slug,
        eventSlug: m.eventSlug ?? ev.slug,
        title: m.title,
        outcome: m.outcome,
        team: m.team ?? undefined,
        tick: rules.tickMicros ?? config.trading.defaultTick,
        minQty: rules.minQty ?? config.trading.defaultMinQty,
        feeCoefficientPpm: rules.feeCoefficientPpm ?? null,
      });
    }
  }

  const fixtures: FixtureRef[] = [];
  for (const sport of config.sportsData.sports) {
    const list = await feeds.activeFixtures(sport, config.sportsData.leagues);
    for (const f of list) {
      const start = f.start_date ? Date.parse(f.start_date) : NaN;
      if (!f.home_team_display || !f.away_team_display || Number.isNaN(start)) continue;
      fixtures.push({ fixtureId: String(f.id), homeTeam: f.home_team_display, awayTeam: f.away_team_display, startTime: start, sport });
    }
  }

  const { matched, unmatched } = mapMarkets(markets, fixtures, { eventStartTimes, eventTitles });
  const directory = new MarketDirectory();
  const bySlug = new Map(matched.map((m) => [m.marketSlug, m]));
  const oddsMarket = config.sportsData.oddsMarkets[0] ?? 'Moneyline';
  const sportOf = new Map(fixtures.map((f) => [f.fixtureId, f.sport]));
  for (const info of markets) {
    const m = bySlug.get(info.marketSlug);
    const sport = m ? sportOf.get(m.fixtureId) : undefined;
    if (sport !== undefined) info.sport = sport; // for the fee schedule's per-sport changes
    directory.addMarket(
      info,
      m && m.side !== 'draw' ? { fixtureId: m.fixtureId, side: m.side, oddsName: m.outcomeName, oddsMarket } : undefined,
    );
  }
  for (const u of unmatched) logger.warn('market not joined to a game; strategies that need a game will skip it', { ...u });
  logger.info('markets discovered', { markets: markets.length, fixtures: fixtures.length, matched: matched.length, unmatched: unmatched.length });
  return { directory, markets, fixtures, unmatched };
}
