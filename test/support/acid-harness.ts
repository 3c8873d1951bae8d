/**
 * The acid test's harness: does paper mode trade like live mode on the same market?
 *
 * Two simulators start from the same seed — same sports world, same markets, same background makers and
 * takers — and run in LOCKSTEP: each has its own ManualClock and ManualScheduler, and one driver timer moves
 * both to the same wall-clock time every few milliseconds (liquidity timers, expiry sweeps and the sports world
 * advance there and only there). Nothing in the background flow then depends on when Node happens to fire a
 * timer, and the takers' choices draw from a stream no trade shifts (background-liquidity.ts): without a bot
 * the two simulators' flows are identical order for order, and with one they differ only where the live bot
 * emptied a side of A's book (`flowMatch` shows it).
 *
 * The bot runs LIVE against simulator A and a second bot (same configuration, same strategies, same bankroll)
 * runs in PAPER mode on simulator B's public feeds: its orders never reach B, they meet the paper exchange's
 * fill simulator. Both run at once, in this process, over real HTTP and WebSockets, for a bounded time; then
 * the driver stops (both worlds freeze at the same instant), both engines stop, in-flight orders are answered,
 * and each bot's own PerformanceTracker gives per strategy: fills, volume, VWAP, fees and PnL (realized +
 * marked, as the tracker marks it).
 *
 * What legitimately differs: the live bot's orders are in A's book, so the background takers trade with them
 * (and makers refill what the bot took, or see their post-only quotes refused where they would cross it);
 * B's book never shows the paper bot.
 */
import type { Decimal } from 'decimal.js';
import { startBot, type RunningBot } from '../../containers/bot/bot.js';
import { ManualScheduler } from '../../containers/simulator/liquidity/scheduler.js';
import { startSimulator, type LiquidityOptions, type RunningSimulator } from '../../containers/simulator/server.js';
import { createSportsModule, type SportsModule, type SportsModuleOptions } from '../../containers/simulator/sports/index.js';
import { deepMerge } from '../../shared/config/deep-merge.js';
import { ManualClock } from '../../shared/domain/clock.js';
import { ONE_DOLLAR } from '../../shared/domain/money.js';
import type { Fill } from '../../shared/domain/order.js';
import { QTY_SCALE } from '../../shared/domain/quantity.js';
import type { PnlLine } from '../../shared/paper/performance-tracker.js';
import { MemoryLogger } from '../../shared/observability/logger.js';
import { MetricsRegistry } from '../../shared/observability/metrics-registry.js';
import { engineConfig, LOCAL_SESSION_PATCH, simulatorEnv, waitFor } from './engine-fixtures.js';

export interface AcidOptions {
  seed: number;
  /** How long both bots trade, ms of wall-clock time (default 12 000). */
  durationMs?: number;
  /** Bankroll of each bot, USD (default 1 000): the live account's cash and trading.paper.starting_balance. */
  bankrollUsd?: number;
  /** Background flow (default: busy takers and a crowd that misprices half the markets). */
  liquidity?: LiquidityOptions;
  /** The sports world (default: two basketball games at 8× speed, one under way, one about to start). */
  sports?: SportsModuleOptions;
  /** Config patch for both bots, over config.local.yaml (YAML spelling). */
  patch?: unknown;
  /** Period of the lockstep driver, ms (default 10). */
  stepMs?: number;
  /** Period of each bot's engine tick, ms (default 200). */
  tickMs?: number;
  /** Latency the live venue (simulator A) adds to every REST request, ms (default none: loopback). */
  venueLatencyMs?: number;
  /** Called once both bots run (diagnostics: hooks on their engines). */
  onBots?: (live: RunningBot, paper: RunningBot) => void;
  /** Start no bot: only the two simulators (checks the lockstep itself). */
  noBots?: boolean;
}

/** One side's figures for one strategy (or the total). Money in USD, decimal strings rounded to the cent. */
export interface AcidFigures {
  fills: number;
  /** Contracts traded. */
  volume: number;
  /** Volume-weighted long-side price, USD (null without a fill). */
  vwap: number | null;
  fees: number;
  realized: number;
  unrealized: number;
  /** realized + unrealized − fees. */
  net: number;
  /** Contracts of maker and taker fills. */
  makerVolume: number;
  takerVolume: number;
  /**
   * Paper only: contracts filled because the public book crossed the order's price (fill-simulator.ts). The
   * paper exchange books those on purpose — the crossing orders may have been aggressive, and the fill is a loss
   * at the mark — but the simulated venue's makers post only, so live never gets them: they are left out of the
   * volume comparison and kept in PnL (where they only make paper more pessimistic).
   */
  crossVolume: number;
}

export interface AcidRun {
  seed: number;
  /** What the figures are, in messages (default `seed N`); sumAcid names its seeds. */
  label?: string;
  durationMs: number;
  live: Record<string, AcidFigures>;
  paper: Record<string, AcidFigures>;
  /**
   * The background takers' orders in A and B (time, market, side, size): how many each sent and how many of
   * them both sent. With no bot the two are equal; with the live bot in A, A sends the same orders as B but for
   * those that met a side of A's book the bot had emptied (so common = a ≤ b).
   */
  flowMatch: { a: number; b: number; common: number };
  /** The live bot's authenticated requests as simulator A received them (and refused with 429). */
  liveRequests: { requests: number; rateLimited: number; peakPerWindow: number };
  /** Error lines the bots logged (expected: none). */
  errors: string[];
}

export const TOTAL = 'total';

const DEFAULT_LIQUIDITY: LiquidityOptions = { takerIntervalMs: 250, takerProbability: 0.6, crowdBias: { share: 0.5, magnitude: [0.06, 0.09] } };

/** Runs one acid experiment and returns both sides' figures. */
export async function runAcid(opts: AcidOptions): Promise<AcidRun> {
  const seed = opts.seed;
  const durationMs = opts.durationMs ?? 12_000;
  const bankroll = opts.bankrollUsd ?? 1_000;
  const stepMs = opts.stepMs ?? 10;
  const t0 = Date.now();
  const sides = ['live', 'paper'] as const;
  const clocks = sides.map(() => new ManualClock(t0));
  const schedulers = clocks.map((c) => new ManualScheduler(() => c.now(), (ms) => c.set(ms)));
  const sims: RunningSimulator[] = [];
  const bots: RunningBot[] = [];
  const loggers = sides.map(() => new MemoryLogger());
  const fills: Fill[][] = sides.map(() => []);
  const crossed = new Map<string, number>();
  let driver: NodeJS.Timeout | undefined;
  try {
    for (let i = 0; i < 2; i++) {
      sims.push(
        await startSimulator({
          seed,
          clock: clocks[i],
          scheduler: schedulers[i],
          startingBalance: bankroll * ONE_DOLLAR,
          liquidity: opts.liquidity ?? DEFAULT_LIQUIDITY,
          modules: [
            createSportsModule({
              seed,
              speed: 8,
              games: { basketball: 2 },
              startOffsetsMs: [-20_000, 1_500],
              marketOpenLeadMs: 60_000,
              ...opts.sports,
              autoAdvance: false,
            }),
          ],
        }),
      );
    }
    const sports = sims.map((s) => s.modules.find((m) => m.name === 'sports') as SportsModule);
    if (opts.venueLatencyMs !== undefined) sims[0]!.faults.setRestLatency(opts.venueLatencyMs);
    // The lockstep: both simulators' time moves together, to the wall clock, in one timer callback.
    let last = t0;
    const step = (): void => {
      const t = Math.max(last, Date.now());
      last = t;
      for (let i = 0; i < 2; i++) {
        schedulers[i]!.runUntil(t);
        sports[i]!.advance();
      }
    };
    step();
    driver = setInterval(step, stepMs);

    if (!opts.noBots) {
      const patch = deepMerge(deepMerge(LOCAL_SESSION_PATCH, { strategies: { market_maker: { refresh_interval: 1 } }, trading: { paper: { starting_balance: bankroll } } }), opts.patch ?? {});
      for (let i = 0; i < 2; i++) {
        const mode = sides[i]!;
        const config = engineConfig({ mode, patch, env: simulatorEnv(sims[i]!, sports[i]!) });
        bots.push(await startBot({ config, logger: loggers[i]!, metrics: new MetricsRegistry(), tickMs: opts.tickMs ?? 200, onFill: (f) => fills[i]!.push(f) }));
      }
    }
    if (bots.length === 2) {
      const paper = bots[1]!.engine;
      paper.paper.simulator.onEvent((e) => {
        if (e.type !== 'fill' || e.fill.trigger !== 'book') return;
        const name = paper.executor().tracker.getByOrderId(e.order.id)?.strategyName ?? 'unknown';
        for (const key of [name, TOTAL]) crossed.set(key, (crossed.get(key) ?? 0) + e.fill.qty);
      });
      opts.onBots?.(bots[0]!, bots[1]!);
    }
    await new Promise((r) => setTimeout(r, durationMs));

    // Freeze both worlds at the same instant, then stop both engines and let their last requests land.
    clearInterval(driver);
    driver = undefined;
    for (const b of bots) b.engine.engine.stop();
    for (const b of bots) await waitFor(() => b.engine.executor().tracker.inFlightOrders().length === 0, 'in-flight orders answered', 10_000);
    await new Promise((r) => setTimeout(r, 500));

    const figures = (i: number) => (bots[i] ? figuresOf(bots[i], fills[i]!, i === 1 ? crossed : new Map()) : {});
    return {
      seed,
      durationMs,
      live: figures(0),
      paper: figures(1),
      flowMatch: compareFlows(takerOrders(sims[0]!), takerOrders(sims[1]!)),
      liveRequests: sims[0]!.requestTally(sims[0]!.credentials.keyId),
      errors: loggers.flatMap((l, i) => l.lines.filter((x) => x.level === 'error').map((x) => `${sides[i]}: ${x.msg}`)),
    };
  } finally {
    if (driver) clearInterval(driver);
    await Promise.allSettled(bots.map((b) => b.stop()));
    await Promise.allSettled(sims.map((s) => s.close()));
  }
}

/** Per strategy and in total, from the bot's own PnL tracker (and its fills for the maker/taker split). */
function figuresOf(bot: RunningBot, fills: readonly Fill[], crossed: ReadonlyMap<string, number>): Record<string, AcidFigures> {
  const report = bot.engine.performance.report();
  const split = new Map<string, { maker: number; taker: number }>();
  for (const f of fills) {
    for (const key of [f.strategyName ?? 'unknown', TOTAL]) {
      const s = split.get(key) ?? { maker: 0, taker: 0 };
      s[f.liquidity === 'MAKER' ? 'maker' : 'taker'] += f.qty;
      split.set(key, s);
    }
  }
  const out: Record<string, AcidFigures> = { [TOTAL]: lineFigures(report.total, split.get(TOTAL), crossed.get(TOTAL)) };
  for (const [name, line] of Object.entries(report.byStrategy)) out[name] = lineFigures(line, split.get(name), crossed.get(name));
  return out;
}

function lineFigures(l: PnlLine, split: { maker: number; taker: number } | undefined, crossed = 0): AcidFigures {
  const usd = (d: Decimal): number => d.toDecimalPlaces(2).toNumber();
  return {
    fills: l.fills,
    volume: l.volume / QTY_SCALE,
    vwap: l.volume > 0 ? l.notional.times(QTY_SCALE).div(l.volume).toDecimalPlaces(4).toNumber() : null,
    fees: usd(l.fees),
    realized: usd(l.realized),
    unrealized: usd(l.unrealized),
    net: usd(l.net),
    makerVolume: (split?.maker ?? 0) / QTY_SCALE,
    takerVolume: (split?.taker ?? 0) / QTY_SCALE,
    crossVolume: crossed / QTY_SCALE,
  };
}

/** The background takers' orders as the exchange received them: market, intent, size (in order). */
function takerOrders(sim: RunningSimulator): string[] {
  const out: string[] = [];
  const accounts = sim.liquidity?.accountIds.filter((a) => a.includes('-taker-')) ?? [];
  for (const account of accounts) {
    let cursor: string | null = null;
    for (;;) {
      const page = sim.exchange.activities(account, { types: ['ACTIVITY_TYPE_ORDER'], limit: 1000, cursor, sortOrder: 'SORT_ORDER_ASCENDING' });
      for (const a of page.activities) {
        const o = a.order;
        if (o?.executionType === 'EXECUTION_TYPE_NEW') out.push(`${a.time}|${account}|${o.order.marketSlug}|${o.order.intent}|${o.order.quantity}`);
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
  }
  return out;
}

function compareFlows(a: string[], b: string[]): AcidRun['flowMatch'] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  let common = 0;
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n > 0) {
      common++;
      left.set(x, n - 1);
    }
  }
  return { a: a.length, b: b.length, common };
}

// ------------------------------------------------------------------------------------------------ tolerance

/**
 * How much more optimistic than live paper may look, per strategy and in total, in one run. Pessimism is
 * never bounded. Fills: paper ≤ live × (1 + relative) + slack. Volume (paper's without its crossing-book fills,
 * see AcidFigures.crossVolume): paper ≤ live × (1 + relative) + slackFills × the larger side's average fill size
 * (a strategy that trades a few large Kelly-sized orders moves by whole orders). PnL (the trackers' net: realized + marked − fees), compared at equal
 * volume: paper ≤ live × (paper volume / live volume) + usd + perContract × the larger side's volume (a run's
 * noise grows with what it trades). Set from the measured gaps over many runs of every seed (README, "Paper vs
 * live").
 */
export interface AcidTolerance {
  fills: { relative: number; slack: number };
  /** Slack in fills' worth: `slackFills` × the larger side's average fill size (contracts). */
  volume: { relative: number; slackFills: number };
  pnl: { usd: number; perContract: number };
}

export const ACID_TOLERANCE: AcidTolerance = {
  fills: { relative: 0.5, slack: 5 },
  volume: { relative: 0.5, slackFills: 5 },
  pnl: { usd: 5, perContract: 0.025 },
};

const EMPTY: AcidFigures = { fills: 0, volume: 0, vwap: null, fees: 0, realized: 0, unrealized: 0, net: 0, makerVolume: 0, takerVolume: 0, crossVolume: 0 };

/** The strategies either side traded, and the total. */
export function acidLines(run: AcidRun): string[] {
  const names = new Set([...Object.keys(run.live), ...Object.keys(run.paper)]);
  names.delete(TOTAL);
  return [...[...names].sort(), TOTAL];
}

/** Where paper looked more optimistic than live beyond the tolerance (empty when within it). */
export function acidViolations(run: AcidRun, opts: { tolerance?: AcidTolerance; lines?: readonly string[] } = {}): string[] {
  const tol = opts.tolerance ?? ACID_TOLERANCE;
  const tag = run.label ?? `seed ${run.seed}`;
  const out: string[] = [];
  for (const name of opts.lines ?? acidLines(run)) {
    const l = run.live[name] ?? EMPTY;
    const p = run.paper[name] ?? EMPTY;
    const fillsCap = l.fills * (1 + tol.fills.relative) + tol.fills.slack;
    if (p.fills > fillsCap) out.push(`${tag} ${name}: paper ${p.fills} fills > ${fillsCap.toFixed(1)} (live ${l.fills})`);
    const volume = p.volume - p.crossVolume;
    const fillSize = Math.max(l.fills > 0 ? l.volume / l.fills : 0, p.fills > 0 ? p.volume / p.fills : 0);
    const volumeCap = l.volume * (1 + tol.volume.relative) + tol.volume.slackFills * fillSize;
    if (volume > volumeCap) out.push(`${tag} ${name}: paper ${volume} contracts (crossing-book fills aside) > ${volumeCap.toFixed(1)} (live ${l.volume})`);
    // Live's PnL at paper's volume: a losing strategy that paper fills less (pessimism) must not pass for a
    // better one, nor a winning one that paper fills more for a worse one.
    const scale = l.volume > 0 ? p.volume / l.volume : 1;
    const pnlCap = l.net * scale + tol.pnl.usd + tol.pnl.perContract * Math.max(l.volume, p.volume);
    if (p.net > pnlCap) out.push(`${tag} ${name}: paper net ${p.net} USD > ${pnlCap.toFixed(2)} (live ${l.net} on ${l.volume} contracts, paper on ${p.volume})`);
  }
  return out;
}

/** Several runs added up, per strategy and in total (VWAP weighted by volume), as one run labelled by its seeds. */
export function sumAcid(runs: readonly AcidRun[]): AcidRun {
  const add = (into: Record<string, AcidFigures>, from: Record<string, AcidFigures>): void => {
    for (const [name, f] of Object.entries(from)) {
      const t = (into[name] ??= { ...EMPTY });
      const notional = (t.vwap ?? 0) * t.volume + (f.vwap ?? 0) * f.volume;
      t.fills += f.fills;
      t.volume = round(t.volume + f.volume, 2);
      t.vwap = t.volume > 0 ? round(notional / t.volume, 4) : null;
      for (const k of ['fees', 'realized', 'unrealized', 'net', 'makerVolume', 'takerVolume', 'crossVolume'] as const) t[k] = round(t[k] + f[k], 2);
    }
  };
  const live: Record<string, AcidFigures> = {};
  const paper: Record<string, AcidFigures> = {};
  for (const r of runs) {
    add(live, r.live);
    add(paper, r.paper);
  }
  const flow = runs.reduce((a, r) => ({ a: a.a + r.flowMatch.a, b: a.b + r.flowMatch.b, common: a.common + r.flowMatch.common }), { a: 0, b: 0, common: 0 });
  return {
    seed: runs[0]?.seed ?? 0,
    label: `seeds ${runs.map((r) => r.seed).join('+')}`,
    durationMs: runs.reduce((a, r) => a + r.durationMs, 0),
    live,
    paper,
    flowMatch: flow,
    liveRequests: runs.reduce((a, r) => ({ requests: a.requests + r.liveRequests.requests, rateLimited: a.rateLimited + r.liveRequests.rateLimited, peakPerWindow: Math.max(a.peakPerWindow, r.liveRequests.peakPerWindow) }), { requests: 0, rateLimited: 0, peakPerWindow: 0 }),
    errors: runs.flatMap((r) => r.errors),
  };
}

function round(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

/** One run as a text table: per strategy, live and paper side by side, and the gaps (paper − live). */
export function formatAcid(run: AcidRun): string {
  const rows = [`${run.label ?? `seed ${run.seed}`} (${run.durationMs / 1000} s; taker orders: ${run.flowMatch.common} in both, ${run.flowMatch.a} in live's simulator, ${run.flowMatch.b} in paper's)`];
  rows.push('  strategy          side   fills  volume  cross    vwap    fees      net');
  for (const name of acidLines(run)) {
    for (const [side, f] of [
      ['live', run.live[name] ?? EMPTY],
      ['paper', run.paper[name] ?? EMPTY],
    ] as const) {
      rows.push(
        `  ${name.padEnd(17)} ${side.padEnd(5)} ${String(f.fills).padStart(6)} ${String(f.volume).padStart(7)} ${String(f.crossVolume).padStart(6)} ${(f.vwap?.toFixed(4) ?? '-').padStart(7)} ${f.fees.toFixed(2).padStart(7)} ${f.net.toFixed(2).padStart(8)}`,
      );
    }
  }
  return rows.join('\n');
}
