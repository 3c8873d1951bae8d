/**
 * Identifiers as the venue's contract types them (docs/venue-rules.md, "Values, enums, identifiers"): market and
 * event ids are decimal strings (integers in paths and query filters), a side's `marketId`, an event's `gameId`
 * and team / league / sport ids are int32 numbers. The engine names things `mkt-7`, `evt-3` and gives games the
 * data provider's string id; this file maps both ways, deterministically (same input, same id, every run).
 */

/** A stable positive int32 for a text (FNV-1a, 31 bits, never 0): ids of leagues, sports, teams, games. */
export function stableId(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h & 0x7fffffff) || 1;
}

/** The decimal id the wire shows for an engine id (`mkt-7` → `7`); other shapes get a stable number. */
export function wireIdOf(engineId: string): string {
  const m = /^[a-z]+-(\d{1,9})$/.exec(engineId);
  return m ? String(Number(m[1])) : String(stableId(engineId));
}

/** The engine id of a wire id or slug given in a path (`7` → `mkt-7`); anything else is passed through. */
export function engineIdOf(wireIdOrSlug: string, prefix: string): string {
  return /^\d{1,9}$/.test(wireIdOrSlug) ? `${prefix}${Number(wireIdOrSlug)}` : wireIdOrSlug;
}

/** An event's integer `gameId`: the provider id itself when it is a number, else a stable number for it. */
export function wireGameId(providerGameId: string): number {
  return /^\d{1,9}$/.test(providerGameId) && Number(providerGameId) <= 0x7fffffff ? Number(providerGameId) : stableId(`game:${providerGameId}`);
}

/** Lower-case, dash-separated slug of a name (`NBA` → `nba`). */
export function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
