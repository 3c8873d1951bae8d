import { describe, expect, it } from 'vitest';
import { recordSportsRun } from '../../../containers/simulator/sports/recording.js';
import type { RecordedVenueCall, SportsRecording } from '../../../containers/simulator/sports/recording.js';
import { SportsWorld } from '../../../containers/simulator/sports/world.js';
import { americanToImplied, noVigTwoWay } from '../../../containers/simulator/sports/american-odds.js';
import { DEFAULT_BOOKS } from '../../../containers/simulator/sports/sportsbooks.js';
import { compareEntryIds } from '../../../containers/simulator/sports/entry-log.js';

const ORIGIN = Date.UTC(2026, 10, 25, 0, 0, 0);
const OPTIONS = { seed: 2026, games: { basketball: 2, football: 2 }, speed: 20 };
const recording: SportsRecording = recordSportsRun(OPTIONS, ORIGIN);

const ODD_KEYS = [
  'deep_link', 'fixture_id', 'game_id', 'grouping_key', 'id', 'is_live', 'is_main', 'league', 'league_id', 'limits', 'market',
  'market_id', 'name', 'normalized_selection', 'player_id', 'points', 'price', 'selection', 'selection_line', 'selection_points',
  'sport', 'sportsbook', 'sportsbook_id', 'team_id', 'timestamp',
].sort();

interface OddLike {
  id: string;
  name: string;
  price: number;
  sportsbook: string;
  fixture_id: string;
  [k: string]: unknown;
}

function oddsOf(payload: unknown): OddLike[] {
  return (payload as { data: OddLike[] }).data;
}

describe('SportsWorld determinism', () => {
  it('the same seed gives byte-identical entries and exchange calls', () => {
    const again = recordSportsRun(OPTIONS, ORIGIN);
    expect(again.entries.length).toBe(recording.entries.length);
    expect(again.entries.map((e) => `${e.id} ${e.event} ${e.json}`)).toEqual(recording.entries.map((e) => `${e.id} ${e.event} ${e.json}`));
    expect(JSON.stringify(again.venueCalls)).toBe(JSON.stringify(recording.venueCalls));
  });

  it('another seed gives other games', () => {
    const other = recordSportsRun({ ...OPTIONS, seed: 2027 }, ORIGIN);
    expect(other.entries.map((e) => e.json)).not.toEqual(recording.entries.map((e) => e.json));
  });

  it('does not depend on how often the world is advanced', () => {
    const world = new SportsWorld({ ...OPTIONS, historySize: 1_000_000 }, ORIGIN);
    const seen: string[] = [];
    world.log.subscribe((e) => seen.push(`${e.id} ${e.json}`));
    let t = ORIGIN;
    while (t < recording.endMs) {
      t += 137;
      world.advanceTo(Math.min(t, recording.endMs));
    }
    expect(seen).toEqual(recording.entries.map((e) => `${e.id} ${e.json}`));
  });
});

describe('SportsWorld feed', () => {
  it('issues strictly increasing entry ids whose data carries the same entry_id', () => {
    for (let i = 1; i < recording.entries.length; i += 1) {
      expect(compareEntryIds(recording.entries[i]!, recording.entries[i - 1]!)).toBeGreaterThan(0);
    }
    for (const e of recording.entries) expect((e.payload as { entry_id: string }).entry_id).toBe(e.id);
  });

  it('emits Odd objects with exactly the OpticOdds fields', () => {
    const odds = recording.entries.filter((e) => e.event === 'odds');
    expect(odds.length).toBeGreaterThan(100);
    for (const e of odds.slice(0, 50)) {
      const payload = e.payload as { data: OddLike[]; type: string };
      expect(payload.type).toBe('odds');
      expect(payload.data).toHaveLength(2);
      for (const odd of payload.data) {
        expect(Object.keys(odd).sort()).toEqual(ODD_KEYS);
        expect(odd.id).toMatch(/^[0-9A-F]{16}:[a-z]+:moneyline:[a-z0-9_]+$/);
        expect(odd.market).toBe('Moneyline');
        expect(odd.selection_line).toBe('');
        expect(odd.points).toBeNull();
        expect(odd.is_main).toBe(true);
        // the stream's shape: ids beside the display names, limits as { max_stake }
        expect(odd).toMatchObject({ market_id: 'moneyline', league_id: expect.stringMatching(/^(nba|nfl)$/) });
        expect(Object.keys((odd as unknown as { limits: object }).limits)).toEqual(['max_stake']);
        expect(Number.isInteger(odd.price)).toBe(true);
        expect(odd.price >= 100 || odd.price <= -100).toBe(true);
        expect(odd.timestamp).toBe(e.ms / 1000);
      }
    }
  });

  it('suspends after a swing: locked-odds repeat the last prices, then odds come back', () => {
    const last = new Map<string, string>();
    const lockedOpen = new Map<string, number>();
    let locks = 0;
    for (const e of recording.entries) {
      if (e.event !== 'odds' && e.event !== 'locked-odds') continue;
      const key = `${e.fixtureId}|${e.sportsbook}`;
      const prices = oddsOf(e.payload).map((o) => `${o.name}:${o.price}`).join(',');
      if (e.event === 'locked-odds') {
        locks += 1;
        expect(prices).toBe(last.get(key));
        lockedOpen.set(key, e.ms);
      } else {
        lockedOpen.delete(key);
        last.set(key, prices);
      }
    }
    expect(locks).toBeGreaterThan(20);
    // what stays locked at the end is the books' closing of finished games, never a lost unlock
    const finals = recording.entries.filter((e) => e.event === 'fixture-status' && (e.payload as { data: { new_status: string } }).data.new_status === 'completed');
    for (const [key, ms] of lockedOpen) {
      const final = finals.find((f) => key.startsWith(`${f.fixtureId}|`));
      expect(final).toBeDefined();
      expect(ms).toBeGreaterThanOrEqual(final!.ms);
    }
  });

  it('each fixture goes unplayed → live → half → live → completed on the odds stream’s status entries', () => {
    const byFixture = new Map<string, string[]>();
    for (const e of recording.entries.filter((x) => x.event === 'fixture-status')) {
      const d = (e.payload as { data: { old_status: string; new_status: string } }).data;
      const list = byFixture.get(e.fixtureId) ?? ['unplayed'];
      expect(d.old_status).toBe(list[list.length - 1]);
      list.push(d.new_status);
      byFixture.set(e.fixtureId, list);
    }
    expect(byFixture.size).toBe(4);
    for (const list of byFixture.values()) expect(list).toEqual(['unplayed', 'live', 'half', 'live', 'completed']);
  });

  it('results carry consistent scores and an in_play clock while live', () => {
    for (const e of recording.entries.filter((x) => x.event === 'fixture-results')) {
      const d = e.payload as {
        is_live: boolean;
        score: { fixture: { status: string }; scores: Record<'home' | 'away', { total: number; periods: Record<string, number> }>; in_play?: { period: string; clock: string } };
      };
      for (const side of ['home', 'away'] as const) {
        const s = d.score.scores[side];
        expect(Object.values(s.periods).reduce((a, b) => a + b, 0)).toBe(s.total);
      }
      if (d.is_live) {
        expect(d.score.in_play?.clock).toMatch(/^\d\d:\d\d$/);
        expect(Number(d.score.in_play?.period)).toBeGreaterThanOrEqual(1);
      }
      expect(d.is_live).toBe(d.score.fixture.status === 'live' || d.score.fixture.status === 'half');
    }
  });
});

describe('SportsWorld sportsbooks', () => {
  it('no-vig prices track the true probability; overrounds match each book’s vig', () => {
    const homeSlug = new Map<string, string>();
    const homeName = new Map<string, string>();
    for (const c of recording.venueCalls) {
      if (c.call !== 'addEvent') continue;
      homeName.set(c.event.gameId!, c.event.homeTeam!);
      const market = recording.venueCalls.find(
        (m) => m.call === 'addMarket' && m.market.eventSlug === c.event.slug && m.market.outcome === c.event.homeTeam,
      ) as Extract<RecordedVenueCall, { call: 'addMarket' }>;
      homeSlug.set(c.event.gameId!, market.market.slug);
    }
    // true probability over time per home market slug
    const truth = new Map<string, Array<{ at: number; p: number }>>();
    for (const c of recording.venueCalls) {
      if (c.call === 'addMarket' && c.market.initialProbability !== undefined) truth.set(c.market.slug, [{ at: ORIGIN, p: c.market.initialProbability }]);
      if (c.call === 'setTrueProbability') truth.get(c.slug)!.push({ at: c.at, p: c.probability });
    }
    const errors = new Map<string, number[]>();
    const overrounds = new Map<string, number[]>();
    for (const e of recording.entries.filter((x) => x.event === 'odds')) {
      const [a, b] = oddsOf(e.payload);
      const home = a!.name === homeName.get(e.fixtureId) ? a! : b!;
      const away = home === a ? b! : a!;
      const series = truth.get(homeSlug.get(e.fixtureId)!)!;
      // the truth 2 s earlier covers every book's delay; compare with both and keep the closer one
      const at = (t: number): number => [...series].reverse().find((x) => x.at <= t)?.p ?? series[0]!.p;
      const p = at(e.ms);
      if (p < 0.1 || p > 0.9) continue;
      const [fair] = noVigTwoWay(home.price, away.price);
      const err = Math.min(Math.abs(fair - p), Math.abs(fair - at(e.ms - 2000)));
      (errors.get(e.sportsbook!) ?? errors.set(e.sportsbook!, []).get(e.sportsbook!)!).push(err);
      const over = americanToImplied(home.price) + americanToImplied(away.price);
      (overrounds.get(e.sportsbook!) ?? overrounds.set(e.sportsbook!, []).get(e.sportsbook!)!).push(over);
    }
    const median = (xs: number[]): number => xs.slice().sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    expect(homeSlug.size).toBe(4);
    for (const book of DEFAULT_BOOKS) {
      const errs = errors.get(book.name)!;
      expect(errs.length).toBeGreaterThan(20);
      expect(median(errs)).toBeLessThan(book.id === 'pinnacle' ? 0.015 : 0.03);
      const over = median(overrounds.get(book.name)!);
      expect(over).toBeGreaterThan(1 + book.vig * 0.7);
      expect(over).toBeLessThan(1 + book.vig + 0.03);
    }
  });
});

describe('SportsWorld and the exchange', () => {
  const calls = recording.venueCalls;
  const markets = calls.filter((c): c is Extract<RecordedVenueCall, { call: 'addMarket' }> => c.call === 'addMarket');
  const events = calls.filter((c): c is Extract<RecordedVenueCall, { call: 'addEvent' }> => c.call === 'addEvent');

  it('creates one event per game and one moneyline market per team, with the slug conventions', () => {
    expect(events).toHaveLength(4);
    expect(markets).toHaveLength(8);
    for (const ev of events) {
      expect(ev.event.slug).toMatch(/^(nba|nfl)-[a-z]+-[a-z]+-\d{4}-\d{2}-\d{2}$/);
      expect(ev.event.gameId).toMatch(/^[0-9A-F]{16}$/);
      const mine = markets.filter((m) => m.market.eventSlug === ev.event.slug);
      expect(mine.map((m) => m.market.outcome).sort()).toEqual([ev.event.homeTeam, ev.event.awayTeam].sort());
      for (const m of mine) expect(m.market.slug).toMatch(new RegExp(`^${ev.event.slug}-[a-z]+$`));
      expect(mine[0]!.market.initialProbability! + mine[1]!.market.initialProbability!).toBeCloseTo(1, 12);
    }
  });

  it('opens the markets before the start, keeps home + away true probabilities at 1, settles the winner at 1 USD', () => {
    const results = recording.entries.filter((e) => e.event === 'fixture-results');
    for (const ev of events) {
      const [m1, m2] = markets.filter((m) => m.market.eventSlug === ev.event.slug).map((m) => m.market);
      const opened = calls.find((c) => c.call === 'setMarketState' && c.slug === m1!.slug && c.state === 'MARKET_STATE_OPEN');
      expect(opened!.at).toBeLessThan(ev.event.startTime);
      const final = results.filter((r) => r.fixtureId === ev.event.gameId).pop()!.payload as {
        score: { fixture: { status: string }; scores: { home: { total: number }; away: { total: number } } };
      };
      expect(final.score.fixture.status).toBe('completed');
      const homeWon = final.score.scores.home.total > final.score.scores.away.total;
      const homeSlug = markets.find((m) => m.market.outcome === ev.event.homeTeam && m.market.eventSlug === ev.event.slug)!.market.slug;
      const awaySlug = homeSlug === m1!.slug ? m2!.slug : m1!.slug;
      const settles = calls.filter((c): c is Extract<RecordedVenueCall, { call: 'settle' }> => c.call === 'settle' && (c.slug === homeSlug || c.slug === awaySlug));
      expect(settles).toHaveLength(2);
      expect(settles.find((s) => s.slug === homeSlug)!.settlementPrice).toBe(homeWon ? 1_000_000 : 0);
      expect(settles.find((s) => s.slug === awaySlug)!.settlementPrice).toBe(homeWon ? 0 : 1_000_000);
      const probs = calls.filter((c): c is Extract<RecordedVenueCall, { call: 'setTrueProbability' }> => c.call === 'setTrueProbability' && c.slug === homeSlug);
      expect(probs.length).toBeGreaterThan(20);
      for (const p of probs) expect(p.probability).toBeGreaterThanOrEqual(0);
      expect(probs[probs.length - 1]!.probability).toBe(homeWon ? 1 : 0);
    }
  });

  it('starts games already under way when given negative offsets', () => {
    const world = new SportsWorld({ seed: 5, games: { basketball: 1 }, startOffsetsMs: [-60_000], speed: 10 }, ORIGIN);
    world.advanceTo(ORIGIN);
    const view = world.views()[0]!;
    expect(view.snapshot.status).toBe('live');
    expect(view.snapshot.period).toBe(1);
    expect(view.snapshot.clock).toBeLessThan(720 - 500);
  });
});

describe('recording export', () => {
  it('is deterministic NDJSON in time order', async () => {
    const { recordingToNdjson } = await import('../../../containers/simulator/sports/recording.js');
    const a = recordingToNdjson(recordSportsRun({ seed: 8, games: { football: 1 } }, ORIGIN));
    const b = recordingToNdjson(recordSportsRun({ seed: 8, games: { football: 1 } }, ORIGIN));
    expect(a).toBe(b);
    const lines = a.trim().split('\n').map((l) => JSON.parse(l) as { t: number; kind: string });
    for (let i = 1; i < lines.length; i += 1) expect(lines[i]!.t).toBeGreaterThanOrEqual(lines[i - 1]!.t);
    expect(lines.some((l) => l.kind === 'venue')).toBe(true);
    expect(lines.some((l) => l.kind === 'entry')).toBe(true);
  });
});
