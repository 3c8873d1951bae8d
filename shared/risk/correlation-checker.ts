/**
 * Correlated exposure: markets that move together count together against `max_correlated_exposure`
 * (default max_portfolio_exposure / 2, see shared/config/schema.ts).
 *
 * A market belongs to one group per key:
 *   - `game:<fixtureId>`  every market of the same game (moneyline, spread, totals of one fixture);
 *   - `team:<name>`       every market involving a team, across games (both teams of the market's game,
 *                         plus the market's own `team`);
 *   - `event:<eventSlug>` when the market is not matched to a fixture, its exchange event stands in.
 * The group exposure is the plain sum of its markets' exposures (no hedge credit between, e.g., the two
 * sides of one game: conservative by design). A new opening order must keep EVERY group it belongs to under
 * the limit.
 */
import type { Micros } from '../domain/money.js';
import type { ExposureMonitor } from './exposure-monitor.js';
import type { RiskView } from './risk-view.js';

const norm = (s: string) => s.trim().toLowerCase();

/**
 * A market's keys with the inputs they were built from: reused while the inputs are the same. One record per
 * market for the checker's life (made by `memoOf`, updated in place, never replaced or dropped), so a holder
 * of it (the exposure ledger's market entry) reaches the market's keys without looking the market up.
 */
export interface KeysMemo {
  eventSlug: string | undefined;
  team: string | undefined;
  fixtureId: string | undefined;
  homeTeam: string | undefined;
  awayTeam: string | undefined;
  /** undefined until the first computation. */
  keys: readonly string[] | undefined;
  /**
   * The view's directory revision eventSlug, team and fixtureId were read at (NaN: the view has none): while
   * it holds they are marketInfo's and fixtureForMarket's answers still, and are not asked again.
   */
  revision: number;
}

/** What a new order in one market is checked against: the other active markets' exposure. */
export interface OthersExposure {
  /** Summed exposure of every OTHER active market (the portfolio less the market itself). */
  portfolio: Micros;
  /** For each correlation key of the market: the summed exposure of the other active markets sharing it. */
  byKey: Map<string, Micros>;
}

export class CorrelationChecker {
  /**
   * Keys per market, memoised on everything they are computed from (the market's event and team, its
   * fixture, the game's two teams), which is compared on every call: a change of any input rebuilds them, so
   * the memo never answers differently from a fresh computation. It saves rebuilding the strings.
   */
  private readonly memo = new Map<string, KeysMemo>();

  constructor(
    private readonly view: RiskView,
    private readonly exposure: ExposureMonitor,
  ) {}

  /** The correlation keys of a market (possibly empty when nothing is known of it). */
  keys(marketSlug: string): string[] {
    return [...this.keysOf(marketSlug)];
  }

  /** `keys` without the copy: read only; the same array while the inputs are the same. */
  keysOf(marketSlug: string): readonly string[] {
    return this.keysIn(marketSlug, this.memoOf(marketSlug));
  }

  /** The market's memo record (made empty on the first ask): the same object for the checker's life. */
  memoOf(marketSlug: string): KeysMemo {
    let m = this.memo.get(marketSlug);
    if (m === undefined) {
      m = { eventSlug: undefined, team: undefined, fixtureId: undefined, homeTeam: undefined, awayTeam: undefined, keys: undefined, revision: NaN };
      this.memo.set(marketSlug, m);
    }
    return m;
  }

  /** `keysOf(marketSlug)` through the market's memo record (`memoOf(marketSlug)`'s answer, held by the caller). */
  keysIn(marketSlug: string, m: KeysMemo): readonly string[] {
    const view = this.view;
    const revision = view.directoryRevision !== undefined ? view.directoryRevision() : NaN;
    let eventSlug: string | undefined;
    let team: string | undefined;
    let fixtureId: string | undefined;
    if (m.keys !== undefined && m.revision === revision) {
      // The directory has not moved since the memo read it (NaN never equals: a view without a revision).
      eventSlug = m.eventSlug;
      team = m.team;
      fixtureId = m.fixtureId;
    } else {
      const info = view.marketInfo(marketSlug);
      fixtureId = view.fixtureForMarket(marketSlug)?.fixtureId;
      eventSlug = info?.eventSlug;
      team = info?.team;
    }
    const game = fixtureId !== undefined ? view.game(fixtureId) : undefined;
    const homeTeam = game?.homeTeam;
    const awayTeam = game?.awayTeam;
    m.revision = revision;
    if (m.keys !== undefined && m.eventSlug === eventSlug && m.team === team && m.fixtureId === fixtureId && m.homeTeam === homeTeam && m.awayTeam === awayTeam) return m.keys;
    const keys = computeKeys(eventSlug, team, fixtureId, fixtureId !== undefined && game !== undefined, homeTeam, awayTeam);
    m.eventSlug = eventSlug;
    m.team = team;
    m.fixtureId = fixtureId;
    m.homeTeam = homeTeam;
    m.awayTeam = awayTeam;
    m.keys = keys;
    return keys;
  }

  /**
   * For each key of `marketSlug`: the summed exposure of the OTHER active markets sharing that key.
   * (The market's own exposure is added by the caller, who may be replacing one of its orders.)
   */
  othersByKey(marketSlug: string): Map<string, Micros> {
    return this.others(marketSlug, false).byKey;
  }

  /**
   * The portfolio exposure of the other active markets and `othersByKey`, in ONE pass over the active
   * markets (each market's exposure computed once). Same numbers as `ExposureMonitor.portfolioExposure(m)`
   * and `othersByKey(m)`.
   */
  othersExposure(marketSlug: string): OthersExposure {
    return this.others(marketSlug, true);
  }

  private others(marketSlug: string, withPortfolio: boolean): OthersExposure {
    const mine = this.keysOf(marketSlug);
    const byKey = new Map<string, Micros>();
    for (const k of mine) byKey.set(k, 0);
    let portfolio = 0;
    if (mine.length === 0 && !withPortfolio) return { portfolio, byKey };
    for (const slug of this.view.activeMarkets()) {
      if (slug === marketSlug) continue;
      let e: Micros | undefined;
      if (withPortfolio) portfolio += e = this.exposure.marketExposure(slug);
      if (mine.length === 0) continue;
      for (const k of this.keysOf(slug)) {
        const sum = byKey.get(k);
        if (sum === undefined) continue;
        e ??= this.exposure.marketExposure(slug);
        byKey.set(k, sum + e);
      }
    }
    return { portfolio, byKey };
  }

  /** Exposure of every group currently carrying any (for gauges and tests). */
  groupExposures(): Map<string, Micros> {
    const out = new Map<string, Micros>();
    for (const slug of this.view.activeMarkets()) {
      const e = this.exposure.marketExposure(slug);
      for (const k of this.keysOf(slug)) out.set(k, (out.get(k) ?? 0) + e);
    }
    return out;
  }
}

function computeKeys(
  eventSlug: string | undefined,
  team: string | undefined,
  fixtureId: string | undefined,
  gameKnown: boolean,
  homeTeam: string | undefined,
  awayTeam: string | undefined,
): readonly string[] {
  const keys = new Set<string>();
  if (fixtureId !== undefined) {
    keys.add(`game:${fixtureId}`);
    if (gameKnown) {
      if (homeTeam) keys.add(`team:${norm(homeTeam)}`);
      if (awayTeam) keys.add(`team:${norm(awayTeam)}`);
    }
  } else if (eventSlug) {
    keys.add(`event:${eventSlug}`);
  }
  if (team) keys.add(`team:${norm(team)}`);
  return Object.freeze([...keys]);
}
