/**
 * Which exchange market belongs to which game and outcome: built once from the market mapper's matches and
 * read on every update. Unmatched markets are simply absent (never guessed).
 */
import type { MarketInfo } from '../domain/market.js';

export interface MarketLink {
  fixtureId: string;
  /** Which team the long (YES) side pays on. */
  side: 'home' | 'away';
  /** The outcome's name in the sportsbooks' odds (e.g. "Boston Celtics"). */
  oddsName: string;
  /** The sportsbook market the consensus comes from, e.g. "Moneyline". */
  oddsMarket: string;
}

export class MarketDirectory {
  private readonly infos = new Map<string, MarketInfo>();
  private readonly links = new Map<string, MarketLink>();
  private readonly byFixture = new Map<string, string[]>();
  private changes = 0;
  /** The info last read and its market (asked several times per update of one market); forgotten on addMarket. */
  private lastInfoSlug: string | undefined = undefined;
  private lastInfo: MarketInfo | undefined = undefined;

  /** Counts the changes (each addMarket): what was read of the directory is stale when it moved. */
  get revision(): number {
    return this.changes;
  }

  addMarket(info: MarketInfo, link?: MarketLink): void {
    this.changes++;
    this.lastInfoSlug = undefined;
    this.lastInfo = undefined;
    this.infos.set(info.marketSlug, info);
    if (link) {
      this.links.set(info.marketSlug, link);
      const list = this.byFixture.get(link.fixtureId) ?? [];
      if (!list.includes(info.marketSlug)) list.push(info.marketSlug);
      this.byFixture.set(link.fixtureId, list);
    }
  }

  info(slug: string): MarketInfo | undefined {
    if (slug === this.lastInfoSlug) return this.lastInfo;
    const info = this.infos.get(slug);
    this.lastInfoSlug = slug;
    this.lastInfo = info;
    return info;
  }

  link(slug: string): MarketLink | undefined {
    return this.links.get(slug);
  }

  marketsForFixture(fixtureId: string): readonly string[] {
    return this.byFixture.get(fixtureId) ?? [];
  }

  slugs(): IterableIterator<string> {
    return this.infos.keys();
  }

  get size(): number {
    return this.infos.size;
  }
}
