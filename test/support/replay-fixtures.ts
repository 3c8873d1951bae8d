/** Recording lines for hand-written replays: one basketball fixture and its home-team market. */
import { discoveryRecord, type RecordLine } from '../../shared/recording/record-format.js';
import { ONE_CONTRACT } from '../../shared/domain/quantity.js';
import { MarketDirectory } from '../../shared/state/market-directory.js';

export const HOME_MARKET = 'nba-F1-home';

/** The fixture (Chicago Bulls at Boston Celtics) starting an hour after `t0`. */
export function replayFixture(t0: number) {
  return { fixtureId: 'F1', home: 'Boston Celtics', away: 'Chicago Bulls', sport: 'basketball', league: 'NBA', startTime: t0 + 3_600_000 };
}

/** The discovery line the bot records at start: the fixture and its home-team moneyline market, joined. */
export function discoveryLine(t0: number): RecordLine {
  const fx = replayFixture(t0);
  const directory = new MarketDirectory();
  directory.addMarket(
    { marketSlug: HOME_MARKET, eventSlug: 'nba-F1', title: 'Chicago Bulls @ Boston Celtics', outcome: fx.home, team: fx.home, tick: 10_000, minQty: ONE_CONTRACT },
    { fixtureId: fx.fixtureId, side: 'home', oddsName: fx.home, oddsMarket: 'Moneyline' },
  );
  const fixtures = [{ fixtureId: fx.fixtureId, homeTeam: fx.home, awayTeam: fx.away, startTime: fx.startTime, sport: 'basketball' }];
  return { t: t0, k: 'meta', e: discoveryRecord(directory, fixtures) };
}
