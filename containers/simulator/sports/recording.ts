/**
 * A deterministic recording of a whole seeded run: every feed entry and every call made on the exchange, from
 * the origin until every game is settled. Same options, same recording (byte for byte): usable for replays
 * and backtests.
 */
import type { SimEventSpec, SimMarketSpec, SimulatedVenueControl } from '../module.js';
import type { FeedEntry } from './entry-log.js';
import type { SportsWorldOptions } from './world.js';
import { SportsWorld } from './world.js';

export type RecordedVenueCall =
  | { at: number; call: 'addEvent'; event: SimEventSpec }
  | { at: number; call: 'addMarket'; market: SimMarketSpec }
  | { at: number; call: 'setMarketState'; slug: string; state: string }
  | { at: number; call: 'setTrueProbability'; slug: string; probability: number }
  | { at: number; call: 'settle'; slug: string; settlementPrice: number };

export interface SportsRecording {
  originMs: number;
  entries: FeedEntry[];
  venueCalls: RecordedVenueCall[];
  endMs: number;
}

/** Runs a world to its end on simulated time (no timers, no sockets) and returns everything it produced. */
export function recordSportsRun(options: SportsWorldOptions, originMs = Date.UTC(2026, 10, 25, 0, 0, 0), untilMs?: number): SportsRecording {
  const venueCalls: RecordedVenueCall[] = [];
  let world: SportsWorld | null = null;
  const at = (): number => world?.now() ?? originMs;
  const venue: SimulatedVenueControl = {
    addEvent: (event) => venueCalls.push({ at: at(), call: 'addEvent', event }),
    addMarket: (market) => venueCalls.push({ at: at(), call: 'addMarket', market }),
    setMarketState: (slug, state) => venueCalls.push({ at: at(), call: 'setMarketState', slug, state }),
    setTrueProbability: (slug, probability) => venueCalls.push({ at: at(), call: 'setTrueProbability', slug, probability }),
    settle: (slug, settlementPrice) => venueCalls.push({ at: at(), call: 'settle', slug, settlementPrice }),
  };
  world = new SportsWorld({ historySize: 10_000_000, ...options }, originMs, { venue });
  const entries: FeedEntry[] = [];
  world.log.subscribe((e) => entries.push(e));
  const end = untilMs ?? world.lastFinalAt + 60_000;
  world.advanceTo(end);
  return { originMs, entries, venueCalls, endMs: world.now() };
}

/**
 * The recording as NDJSON, one happening per line in time order (exchange calls before feed entries of the
 * same millisecond): `{"t":…,"kind":"venue",…}` and `{"t":…,"kind":"entry","id":…,"event":…,"data":…}`.
 */
export function recordingToNdjson(rec: SportsRecording): string {
  const lines: Array<{ t: number; order: number; i: number; text: string }> = [];
  rec.venueCalls.forEach((c, i) => {
    const { at, ...rest } = c;
    lines.push({ t: at, order: 0, i, text: JSON.stringify({ t: at, kind: 'venue', ...rest }) });
  });
  rec.entries.forEach((e, i) => {
    lines.push({
      t: e.ms,
      order: 1,
      i,
      text: `{"t":${e.ms},"kind":"entry","id":${JSON.stringify(e.id)},"event":${JSON.stringify(e.event)},"data":${e.json}}`,
    });
  });
  lines.sort((a, b) => a.t - b.t || a.order - b.order || a.i - b.i);
  return lines.map((l) => l.text).join('\n') + '\n';
}
