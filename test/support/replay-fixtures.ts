/** Recording lines for hand-written replays: one basketball fixture and its home-team market. */
import { discoveryRecord, type RecordLine } from '../../shared/recording/record-format.js';
import { ONE_CONTRACT } from '../../shared/domain/quantity.js';
import { MarketDirectory } from '../../shared/state/market-directory.js';
import { bookEvent, oddsEvent } from './engine-fixtures.js';

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

/**
 * A recording's first lines with a mispriced book: the discovery line, the sportsbook consensus at 0.60 (one
 * ms later) and the home market's book offering YES at 0.50 (two ms later): statistical edge takes it.
 */
export function mispricedOpening(t0: number): RecordLine[] {
  return [
    discoveryLine(t0),
    { t: t0 + 1, k: 'feed', e: oddsEvent(replayFixture(t0), 0.6, t0 + 1) },
    { t: t0 + 2, k: 'market', e: bookEvent(HOME_MARKET, [[0.44, 100]], [[0.5, 100]], t0 + 2) },
  ];
}
