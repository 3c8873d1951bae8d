/**
 * The feed's own memory of the quotes it delivered, per source stream, for three jobs:
 *  - a stream that goes quiet: its quotes are no longer known valid → locked copies (`lockSource`);
 *  - a REST repair after a reconnect: quotes the snapshot no longer lists count as suspended → locked copies
 *    (`absentFrom`), but only those not updated by the stream meanwhile;
 *  - main-line moves: with `is_main=true` filtering, the old main line is never locked by OpticOdds; when a
 *    book posts a new main line (another |points|) for a fixture × market, its old main quotes are evicted as
 *    locked copies (`apply`). An old main that comes back as an alternate (`is_main=false`) simply replaces
 *    its key and is left out of the consensus (consensus.ts drops alternates).
 * A locked copy keeps the quote's own timestamp (never a fabricated newer one), so a later real price of the
 * same odd still replaces it.
 */
import type { OddsQuote } from '../domain/feed-events.js';
import { marketKeyOf, sportsbookKeyOf } from './wire.js';

const lineOf = (q: OddsQuote): string => (q.points === null ? '' : String(Math.abs(q.points)));
const groupOf = (q: OddsQuote): string => `${q.fixtureId}|${sportsbookKeyOf(q)}|${marketKeyOf(q)}`;

export class QuoteCache {
  private readonly quotes = new Map<string, { quote: OddsQuote; source: string }>();
  /** fixture | book | market → keys, so a new main line looks only at its own group. */
  private readonly groups = new Map<string, Set<string>>();

  get size(): number {
    return this.quotes.size;
  }

  get(key: string): OddsQuote | undefined {
    return this.quotes.get(key)?.quote;
  }

  /**
   * Records quotes from `source` (newest timestamp per key wins) and returns the locked copies of main lines
   * they supersede (to be delivered with them).
   */
  apply(quotes: readonly OddsQuote[], source: string, now: number): OddsQuote[] {
    const evicted: OddsQuote[] = [];
    const newMain = new Map<string, string>();
    for (const q of quotes) {
      const prev = this.quotes.get(q.key);
      if (prev && prev.quote.timestamp > q.timestamp) continue;
      this.quotes.set(q.key, { quote: q, source });
      const g = groupOf(q);
      let keys = this.groups.get(g);
      if (!keys) this.groups.set(g, (keys = new Set()));
      keys.add(q.key);
      if (q.isMain && !q.locked) newMain.set(g, lineOf(q));
    }
    for (const [g, line] of newMain) {
      for (const key of this.groups.get(g) ?? []) {
        const e = this.quotes.get(key);
        if (!e || !e.quote.isMain || e.quote.locked || lineOf(e.quote) === line) continue;
        const copy = { ...e.quote, locked: true, receivedAt: now };
        this.quotes.set(key, { quote: copy, source: e.source });
        evicted.push(copy);
      }
    }
    return evicted;
  }

  /** Unlocked quotes of a source (a snapshot of the entries, for a repair). */
  liveOf(source: string, fixtureIds?: ReadonlySet<string>): Map<string, OddsQuote> {
    const out = new Map<string, OddsQuote>();
    for (const [key, e] of this.quotes) {
      if (e.source !== source || e.quote.locked) continue;
      if (fixtureIds && !fixtureIds.has(e.quote.fixtureId)) continue;
      out.set(key, e.quote);
    }
    return out;
  }

  /** Fixture ids with quotes from a source. */
  fixturesOf(source: string): Set<string> {
    const out = new Set<string>();
    for (const e of this.quotes.values()) if (e.source === source) out.add(e.quote.fixtureId);
    return out;
  }

  /** Locks every unlocked quote of a source (its stream went quiet); returns the locked copies. */
  lockSource(source: string, now: number): OddsQuote[] {
    const out: OddsQuote[] = [];
    for (const [key, e] of this.quotes) {
      if (e.source !== source || e.quote.locked) continue;
      const copy = { ...e.quote, locked: true, receivedAt: now };
      this.quotes.set(key, { quote: copy, source });
      out.push(copy);
    }
    return out;
  }

  /**
   * After a snapshot: the quotes of `before` (taken when the snapshot was requested) that the snapshot does
   * not list and that nothing replaced since → locked copies (recorded).
   */
  absentFrom(before: ReadonlyMap<string, OddsQuote>, snapshotKeys: ReadonlySet<string>, now: number): OddsQuote[] {
    const out: OddsQuote[] = [];
    for (const [key, q] of before) {
      if (snapshotKeys.has(key)) continue;
      const e = this.quotes.get(key);
      if (!e || e.quote !== q) continue;
      const copy = { ...q, locked: true, receivedAt: now };
      this.quotes.set(key, { quote: copy, source: e.source });
      out.push(copy);
    }
    return out;
  }
}
