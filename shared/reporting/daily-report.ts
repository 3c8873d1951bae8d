/**
 * The daily trading report: fills, contracts, volume, fees and rebates, realized PnL (from the fills,
 * replayed per market from the first fill so the cost basis is right), unrealized PnL (from the positions'
 * current executable marks: what closing each now would bring in, net of the taker fee; the mid-based figure
 * beside it as `unrealizedPnlAtMid`, for reference only), per strategy, per sport and per market. Pure; money is summed with decimal.js from
 * integer micros and reported as exact decimal USD strings.
 *
 * Scope: realized PnL here is trading PnL (fills). A settlement pays out without a fill, so PnL realized by
 * a market settling is not in `realizedPnl`; the risk day's counter (which the bot also feeds with
 * settlements) is carried alongside for comparison.
 */
import { formatQuantity, type Qty } from '../domain/quantity.js';
import { Decimal } from 'decimal.js';
import { tradedNotional } from '../domain/fees.js';
import { MICROS_PER_USD, type Micros } from '../domain/money.js';
import type { Fill } from '../domain/order.js';
import type { PositionState } from '../domain/position.js';
import type { ShadowPanel } from '../shadow/calibration-panel.js';
import { tradingDayOf } from '../store/trading-day.js';
import { applyFill, buysLongIntent, emptyBook, type MarketBook } from './realized-pnl.js';

export interface Classification {
  sport: string;
  /** e.g. "moneyline". */
  marketType: string;
}

/** Default: the slug's first segment is the league/sport ("nba-bos-nyk-moneyline" → nba), the last its type. */
export function classifyBySlug(slug: string): Classification {
  const parts = slug.split('-').filter(Boolean);
  return { sport: parts[0] ?? 'unknown', marketType: parts.length > 1 ? (parts[parts.length - 1] as string) : 'unknown' };
}

export interface ReportInput {
  day: string;
  generatedAt: number;
  /** Every fill of each market traded on `day`, from the market's first fill to the end of `day` (any order). */
  marketHistories: ReadonlyMap<string, readonly Fill[]>;
  /** Current positions (their marks give the unrealized PnL). */
  positions: readonly PositionState[];
  /** The risk day's own realized PnL counter, if recorded. */
  riskDayRealizedMicros?: Micros | null;
  classify?: (slug: string) => Classification;
  timeZone?: string;
}

export interface GroupFigures {
  fills: number;
  /** Contracts traded, exact decimal text ("2.5"). */
  contracts: string;
  /** Σ fee notional (buyer: qty × p, seller: qty × (1 − p)), USD. */
  volume: string;
  feesPaid: string;
  rebates: string;
  /** feesPaid − rebates. */
  netFees: string;
  realizedPnl: string;
  /** realizedPnl − netFees. */
  netRealizedPnl: string;
  makerFills: number;
  takerFills: number;
}

export interface MarketFigures extends GroupFigures {
  sport: string;
  marketType: string;
  /** At executable marks. */
  unrealizedPnl: string;
  /** Reference only: at the mid (else last trade), no fee. */
  unrealizedPnlAtMid: string;
  /** Position at the end of the replay (end of the day), signed contracts, exact decimal text. */
  endOfDayNetQty: string;
}

export interface SportFigures extends GroupFigures {
  unrealizedPnl: string;
  unrealizedPnlAtMid: string;
}

export interface DailyReport {
  day: string;
  generatedAt: number;
  totals: GroupFigures & {
    /** At executable marks. */
    unrealizedPnl: string;
    /** netRealizedPnl + unrealizedPnl. */
    totalPnl: string;
    /** Reference only: at the mid (else last trade), no fee. */
    unrealizedPnlAtMid: string;
    /** Reference only: netRealizedPnl + unrealizedPnlAtMid. */
    totalPnlAtMid: string;
    openPositions: number;
  };
  byStrategy: Record<string, GroupFigures>;
  bySport: Record<string, SportFigures>;
  byMarket: Record<string, MarketFigures>;
  riskDayRealizedPnl: string | null;
  /** A day that ran in shadow mode (even in part): the calibration panel, paper vs live (shared/shadow/). */
  shadow?: ShadowPanel;
}

class Acc {
  fills = 0;
  contracts: Qty = 0;
  makerFills = 0;
  takerFills = 0;
  volume = new Decimal(0);
  feesPaid = new Decimal(0);
  rebates = new Decimal(0);
  realized = new Decimal(0);

  add(f: Fill, realized: Micros): void {
    this.fills++;
    this.contracts += f.qty;
    if (f.liquidity === 'MAKER') this.makerFills++;
    else this.takerFills++;
    this.volume = this.volume.plus(tradedNotional(f.qty, f.price, buysLongIntent(f.intent)));
    if (f.fee >= 0) this.feesPaid = this.feesPaid.plus(f.fee);
    else this.rebates = this.rebates.plus(-f.fee);
    this.realized = this.realized.plus(realized);
  }

  figures(): GroupFigures {
    const netFees = this.feesPaid.minus(this.rebates);
    return {
      fills: this.fills,
      contracts: formatQuantity(this.contracts),
      volume: usd(this.volume),
      feesPaid: usd(this.feesPaid),
      rebates: usd(this.rebates),
      netFees: usd(netFees),
      realizedPnl: usd(this.realized),
      netRealizedPnl: usd(this.realized.minus(netFees)),
      makerFills: this.makerFills,
      takerFills: this.takerFills,
    };
  }

  netRealizedMicros(): Decimal {
    return this.realized.minus(this.feesPaid.minus(this.rebates));
  }
}

/** Micros (as a Decimal) → exact USD text with at least 2 decimals: 1_234_500 → "1.2345", 0 → "0.00". */
export function usd(micros: Decimal | Micros): string {
  const d = new Decimal(micros).div(MICROS_PER_USD);
  return d.toFixed(Math.max(2, d.decimalPlaces()));
}

function get<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

function byTime(a: Fill, b: Fill): number {
  return a.time - b.time || (a.executionId < b.executionId ? -1 : a.executionId > b.executionId ? 1 : 0);
}

export function computeDailyReport(input: ReportInput): DailyReport {
  const classify = input.classify ?? classifyBySlug;
  const total = new Acc();
  const strategies = new Map<string, Acc>();
  const sports = new Map<string, Acc>();
  const markets = new Map<string, Acc>();
  const books = new Map<string, MarketBook>();

  for (const [slug, history] of input.marketHistories) {
    const book = get(books, slug, emptyBook);
    const sorted = [...history].sort(byTime);
    const seen = new Set<string>();
    for (const f of sorted) {
      if (seen.has(f.executionId)) continue;
      seen.add(f.executionId);
      const day = tradingDayOf(f.time, input.timeZone);
      if (day > input.day) break;
      const realized = applyFill(book, f);
      if (day !== input.day) continue;
      total.add(f, realized);
      get(strategies, f.strategyName ?? 'unknown', () => new Acc()).add(f, realized);
      get(sports, classify(slug).sport, () => new Acc()).add(f, realized);
      get(markets, slug, () => new Acc()).add(f, realized);
    }
  }

  // Unrealized PnL from the positions' current marks (executable; at mid beside it). A position stored before
  // executable marks has no mid figure of its own: its one figure was at the mid.
  let unrealized = new Decimal(0);
  let unrealizedAtMid = new Decimal(0);
  const unrealizedBySport = new Map<string, Decimal>();
  const unrealizedByMarket = new Map<string, Decimal>();
  const atMidBySport = new Map<string, Decimal>();
  const atMidByMarket = new Map<string, Decimal>();
  const add = (m: Map<string, Decimal>, k: string, v: number) => m.set(k, (m.get(k) ?? new Decimal(0)).plus(v));
  let openPositions = 0;
  for (const p of input.positions) {
    if (p.quantity === 0) continue;
    openPositions++;
    const atMid = p.unrealizedPnlAtMid ?? p.unrealizedPnl;
    unrealized = unrealized.plus(p.unrealizedPnl);
    unrealizedAtMid = unrealizedAtMid.plus(atMid);
    const sport = classify(p.marketSlug).sport;
    add(unrealizedBySport, sport, p.unrealizedPnl);
    add(unrealizedByMarket, p.marketSlug, p.unrealizedPnl);
    add(atMidBySport, sport, atMid);
    add(atMidByMarket, p.marketSlug, atMid);
  }

  const sortedEntries = <V>(m: Map<string, V>): [string, V][] => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const byMarket: Record<string, MarketFigures> = {};
  for (const [slug, acc] of sortedEntries(markets)) {
    byMarket[slug] = {
      ...classify(slug),
      ...acc.figures(),
      unrealizedPnl: usd(unrealizedByMarket.get(slug) ?? new Decimal(0)),
      unrealizedPnlAtMid: usd(atMidByMarket.get(slug) ?? new Decimal(0)),
      endOfDayNetQty: formatQuantity(books.get(slug)?.net ?? 0),
    };
  }
  const bySport: Record<string, SportFigures> = {};
  const sportNames = new Set([...sports.keys(), ...unrealizedBySport.keys()]);
  for (const s of [...sportNames].sort()) {
    bySport[s] = {
      ...(sports.get(s) ?? new Acc()).figures(),
      unrealizedPnl: usd(unrealizedBySport.get(s) ?? new Decimal(0)),
      unrealizedPnlAtMid: usd(atMidBySport.get(s) ?? new Decimal(0)),
    };
  }
  const byStrategy: Record<string, GroupFigures> = {};
  for (const [s, acc] of sortedEntries(strategies)) byStrategy[s] = acc.figures();

  return {
    day: input.day,
    generatedAt: input.generatedAt,
    totals: {
      ...total.figures(),
      unrealizedPnl: usd(unrealized),
      totalPnl: usd(total.netRealizedMicros().plus(unrealized)),
      unrealizedPnlAtMid: usd(unrealizedAtMid),
      totalPnlAtMid: usd(total.netRealizedMicros().plus(unrealizedAtMid)),
      openPositions,
    },
    byStrategy,
    bySport,
    byMarket,
    riskDayRealizedPnl: input.riskDayRealizedMicros === undefined || input.riskDayRealizedMicros === null ? null : usd(input.riskDayRealizedMicros),
  };
}
