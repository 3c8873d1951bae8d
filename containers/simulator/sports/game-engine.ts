/**
 * The game engine: turns a pre-played game script into a timeline on an ACCELERATED wall clock (game seconds
 * divided by the speed factor, breaks included), and holds the game's state as that timeline is replayed.
 * Pure: no timers, no I/O. The world replays the timeline in time order.
 */
import { Rng } from './prng.js';
import type { GameScript, ScoringPlay, SportDefinition } from './sports/sport.js';
import { periodLength, periodStartElapsed, regulationSeconds } from './sports/sport.js';
import { homeWinProbability } from './win-probability.js';

/** OpticOdds fixture statuses the game engine produces. */
export type FixtureStatus = 'unplayed' | 'live' | 'half' | 'completed' | 'cancelled';

/**
 * Every documented OpticOdds fixture status: the game engine's plus those only a fault injects
 * (`SportsWorld.setReportedStatus`): suspended, delayed, forfeited, invalid, cancelled.
 */
export type ReportedStatus = FixtureStatus | 'suspended' | 'delayed' | 'forfeited' | 'invalid' | 'cancelled';

export type TimelineKind = 'start' | 'play' | 'tick' | 'period_end' | 'period_start' | 'final';

export interface TimelineEvent {
  /** Epoch ms at which the event happens. */
  atMs: number;
  kind: TimelineKind;
  period: number;
  /** Seconds left in the period at the event. */
  clock: number;
  /** Game-clock seconds since the start. */
  elapsed: number;
  play?: ScoringPlay;
}

export interface GameSnapshot {
  status: FixtureStatus;
  /** 0 before the start. */
  period: number;
  /** Seconds left in the current period. */
  clock: number;
  homeScore: number;
  awayScore: number;
  /** Points per period, index 0 = period 1. */
  homePeriods: number[];
  awayPeriods: number[];
  lastPlay: ScoringPlay | null;
}

export interface TimingOptions {
  /** Game seconds per real second (default 10: a 48-minute NBA game in about 5 real minutes). */
  speed: number;
  /** Break between periods, game seconds (default from the sport). */
  breakSeconds?: number;
  halftimeSeconds?: number;
  /** Clock updates while the clock runs, game seconds (default from the sport). */
  clockTickSeconds?: number;
}

const RANK: Record<TimelineKind, number> = { start: 0, period_start: 0, play: 1, tick: 2, period_end: 3, final: 4 };

export function buildTimeline(def: SportDefinition, script: GameScript, startMs: number, timing: TimingOptions): TimelineEvent[] {
  if (!(timing.speed > 0)) throw new RangeError('speed must be > 0');
  const breakSeconds = timing.breakSeconds ?? def.breakSeconds;
  const halftimeSeconds = timing.halftimeSeconds ?? def.halftimeSeconds;
  const tick = timing.clockTickSeconds ?? def.clockTickSeconds;
  const breaksBefore = (period: number): number => {
    let sum = 0;
    for (let p = 1; p < period; p += 1) sum += p === def.halftimeAfter ? halftimeSeconds : breakSeconds;
    return sum;
  };
  const realMs = (period: number, elapsed: number): number =>
    startMs + Math.round(((elapsed + breaksBefore(period)) * 1000) / timing.speed);
  const out: Array<TimelineEvent & { rank: number }> = [];
  const push = (kind: TimelineKind, period: number, elapsed: number, clock: number, play?: ScoringPlay): void => {
    const ev: TimelineEvent & { rank: number } = { atMs: realMs(period, elapsed), kind, period, clock, elapsed, rank: RANK[kind] };
    if (play) ev.play = play;
    out.push(ev);
  };
  for (let period = 1; period <= script.periodsPlayed; period += 1) {
    const len = periodLength(def, period);
    const start = periodStartElapsed(def, period);
    push(period === 1 ? 'start' : 'period_start', period, start, len);
    if (tick > 0) for (let s = tick; s < len; s += tick) push('tick', period, start + s, len - s);
    push(period === script.periodsPlayed ? 'final' : 'period_end', period, start + len, 0);
  }
  for (const play of script.plays) push('play', play.period, play.elapsed, play.clock, play);
  out.sort((a, b) => a.period - b.period || a.elapsed - b.elapsed || a.rank - b.rank);
  return out.map(({ rank: _rank, ...ev }) => ev);
}

export function initialSnapshot(): GameSnapshot {
  return { status: 'unplayed', period: 0, clock: 0, homeScore: 0, awayScore: 0, homePeriods: [], awayPeriods: [], lastPlay: null };
}

/** The state after applying one timeline event (a new object; the input is not changed). */
export function applyEvent(def: SportDefinition, snap: GameSnapshot, ev: TimelineEvent): GameSnapshot {
  const next: GameSnapshot = { ...snap, homePeriods: snap.homePeriods.slice(), awayPeriods: snap.awayPeriods.slice() };
  next.period = ev.period;
  next.clock = ev.clock;
  while (next.homePeriods.length < ev.period) next.homePeriods.push(0);
  while (next.awayPeriods.length < ev.period) next.awayPeriods.push(0);
  switch (ev.kind) {
    case 'start':
    case 'period_start':
      next.status = 'live';
      break;
    case 'play': {
      const play = ev.play as ScoringPlay;
      const idx = ev.period - 1;
      if (play.team === 'home') {
        next.homeScore += play.points;
        next.homePeriods[idx] = (next.homePeriods[idx] ?? 0) + play.points;
      } else {
        next.awayScore += play.points;
        next.awayPeriods[idx] = (next.awayPeriods[idx] ?? 0) + play.points;
      }
      next.lastPlay = play;
      break;
    }
    case 'tick':
      break;
    case 'period_end':
      if (ev.period === def.halftimeAfter) next.status = 'half';
      break;
    case 'final':
      next.status = 'completed';
      break;
  }
  return next;
}

/**
 * The same game, ending tied at the end of regulation (a winner market without a draw then settles at $0.50):
 * no overtime, the leader's latest regulation scores dropped while they exceed the margin, and what margin is
 * left tied by the trailing side at the last second. Pure: the input is not changed.
 */
export function tiedScript(def: SportDefinition, script: GameScript): GameScript {
  const regulation = regulationSeconds(def);
  const plays = script.plays.filter((p) => p.period <= def.periods);
  const score = (side: 'home' | 'away'): number => plays.reduce((s, p) => s + (p.team === side ? p.points : 0), 0);
  const leader: 'home' | 'away' = score('home') >= score('away') ? 'home' : 'away';
  const trailer = leader === 'home' ? 'away' : 'home';
  for (let i = plays.length - 1; i >= 0 && score(leader) > score(trailer); i -= 1) {
    const play = plays[i]!;
    if (play.team === leader && play.points <= score(leader) - score(trailer)) plays.splice(i, 1);
  }
  const margin = score(leader) - score(trailer);
  if (margin > 0) {
    plays.push({
      elapsed: regulation - 1,
      period: def.periods,
      clock: 1,
      team: trailer,
      points: margin,
      kind: 'tying_score',
      description: `${margin}-point score at the buzzer ties the game`,
    });
  }
  const homeScore = score('home');
  return { plays, periodsPlayed: def.periods, homeScore, awayScore: homeScore };
}

/** Fraction of a regulation game still to play (an upcoming overtime counts when tied at the end). */
export function remainingFraction(def: SportDefinition, snap: GameSnapshot): number {
  if (snap.status === 'completed') return 0;
  if (snap.status === 'unplayed' || snap.period === 0) return 1;
  let remaining = snap.period <= def.periods ? snap.clock + (def.periods - snap.period) * def.periodSeconds : snap.clock;
  if (remaining <= 0 && snap.homeScore === snap.awayScore) remaining = def.overtimeSeconds;
  return remaining / regulationSeconds(def);
}

/** The TRUE probability that the home team wins, given the state and the expected margin μ. */
export function trueHomeProbability(def: SportDefinition, mu: number, snap: GameSnapshot): number {
  const lead = snap.homeScore - snap.awayScore;
  if (snap.status === 'completed') return lead > 0 ? 1 : lead < 0 ? 0 : 0.5;
  if (snap.status === 'cancelled') return 0.5;
  return homeWinProbability(lead, remainingFraction(def, snap), { mu, sigma: def.sigma });
}

/** Plays a game script for a sport from a seed: convenience for tests and the world. */
export function playGame(def: SportDefinition, seed: number, mu: number): GameScript {
  return def.simulate(new Rng(seed), mu);
}

/** "MM:SS" of a clock in seconds. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
