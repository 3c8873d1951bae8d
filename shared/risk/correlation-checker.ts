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

export class CorrelationChecker {
  constructor(
    private readonly view: RiskView,
    private readonly exposure: ExposureMonitor,
  ) {}

  /** The correlation keys of a market (possibly empty when nothing is known of it). */
  keys(marketSlug: string): string[] {
    const keys = new Set<string>();
    const info = this.view.marketInfo(marketSlug);
    const fixture = this.view.fixtureForMarket(marketSlug);
    if (fixture) {
      keys.add(`game:${fixture.fixtureId}`);
      const game = this.view.game(fixture.fixtureId);
      if (game) {
        if (game.homeTeam) keys.add(`team:${norm(game.homeTeam)}`);
        if (game.awayTeam) keys.add(`team:${norm(game.awayTeam)}`);
      }
    } else if (info?.eventSlug) {
      keys.add(`event:${info.eventSlug}`);
    }
    if (info?.team) keys.add(`team:${norm(info.team)}`);
    return [...keys];
  }

  /**
   * For each key of `marketSlug`: the summed exposure of the OTHER active markets sharing that key.
   * (The market's own exposure is added by the caller, who may be replacing one of its orders.)
   */
  othersByKey(marketSlug: string): Map<string, Micros> {
    const mine = this.keys(marketSlug);
    const out = new Map<string, Micros>(mine.map((k) => [k, 0]));
    if (mine.length === 0) return out;
    for (const slug of this.view.activeMarkets()) {
      if (slug === marketSlug) continue;
      const theirs = this.keys(slug);
      let e: Micros | undefined;
      for (const k of theirs) {
        if (!out.has(k)) continue;
        e ??= this.exposure.marketExposure(slug);
        out.set(k, (out.get(k) ?? 0) + e);
      }
    }
    return out;
  }

  /** Exposure of every group currently carrying any (for gauges and tests). */
  groupExposures(): Map<string, Micros> {
    const out = new Map<string, Micros>();
    for (const slug of this.view.activeMarkets()) {
      const e = this.exposure.marketExposure(slug);
      for (const k of this.keys(slug)) out.set(k, (out.get(k) ?? 0) + e);
    }
    return out;
  }
}
