/**
 * A shadow day's journal reduced to what its calibration panel needs (calibration-panel.ts), small and
 * JSON-safe: per strategy × price level the postings, contracts posted, and for live and the primary paper
 * exchange the contracts filled and the markout sums; per paper exchange the resting and crossing postings'
 * posted/filled (the fit); the order counts, the twins that ran and their refusals. Not one order is kept.
 *
 * Aggregates merge (`mergeShadowAggregates`): every figure is a sum (markouts as Σ markout × qty and Σ qty,
 * integers), so the panel of merge(before, after) is the panel of one journal holding both. This is how a
 * day survives a bot restart: the bot stores its day's aggregates (shared/store/shadow-day-repository.ts),
 * carries them into the new process, and the panel is built from stored ⊕ this process's journal.
 *
 * Limits: a fill's markouts still pending at a restart (up to 60 s after it) are lost; an order that becomes
 * excluded after the restart (a late venue rejection) cannot be taken out of the stored part.
 */
import type { Qty } from '../domain/quantity.js';
import { MARKOUT_HORIZONS_MS, PRICE_LEVELS, RESTING_LEVELS, addWeighted, emptyMean, type PriceLevel, type WeightedMean } from './calibration.js';
import type { TwinSpec } from './shadow-bench.js';
import { LIVE, PRIMARY_PAPER, type JournalFill, type JournalOrder } from './shadow-journal.js';

export const SHADOW_AGGREGATES_VERSION = 1;

/** One side's figures in a cell. */
export interface SideAggregate {
  /** Contracts filled (hundredths). */
  filled: Qty;
  /** Per horizon (MARKOUT_HORIZONS_MS order): Σ markout micros × qty, Σ qty, fills measured. */
  markouts: WeightedMean[];
  /** Fills whose markout at the longest horizon was measured. */
  markoutFills: number;
}

/** One strategy × price level. */
export interface CellAggregate {
  postings: number;
  posted: Qty;
  live: SideAggregate;
  paper: SideAggregate;
}

export interface PostedFilled {
  posted: Qty;
  filled: Qty;
}

export interface ShadowAggregates {
  version: number;
  from: number;
  to: number | null;
  orders: { mirrored: number; compared: number; excluded: number; dropped: number };
  /** strategy → price level → figures. */
  cells: Record<string, Partial<Record<PriceLevel, CellAggregate>>>;
  /** By side label (live, and each paper exchange): the postings the fit compares. */
  fit: { resting: Record<string, PostedFilled>; crossing: Record<string, PostedFilled> };
  /** The paper exchanges that ran (the latest process's, after a merge). */
  twins: TwinSpec[];
  /** Orders each paper exchange refused, by label. */
  rejections: Record<string, number>;
}

export interface JournalDay {
  orders: readonly JournalOrder[];
  fills: readonly JournalFill[];
  from: number;
  to: number | null;
  droppedOrders: number;
  twins: readonly TwinSpec[];
  rejections: Record<string, number>;
}

const emptySide = (): SideAggregate => ({ filled: 0, markouts: MARKOUT_HORIZONS_MS.map(emptyMean), markoutFills: 0 });
export const emptyCell = (): CellAggregate => ({ postings: 0, posted: 0, live: emptySide(), paper: emptySide() });

export function emptyShadowAggregates(from: number, twins: readonly TwinSpec[] = []): ShadowAggregates {
  return { version: SHADOW_AGGREGATES_VERSION, from, to: null, orders: { mirrored: 0, compared: 0, excluded: 0, dropped: 0 }, cells: {}, fit: { resting: {}, crossing: {} }, twins: [...twins], rejections: {} };
}

function cellOf(a: ShadowAggregates, strategy: string, level: PriceLevel): CellAggregate {
  const byLevel = (a.cells[strategy] ??= {});
  return (byLevel[level] ??= emptyCell());
}

function bump(m: Record<string, PostedFilled>, side: string, posted: Qty, filled: Qty): void {
  const e = (m[side] ??= { posted: 0, filled: 0 });
  e.posted += posted;
  e.filled += filled;
}

/** A day's journal (its compared orders and their fills) as aggregates. */
export function aggregateJournal(day: JournalDay): ShadowAggregates {
  const out = emptyShadowAggregates(day.from, day.twins);
  out.to = day.to;
  out.rejections = { ...day.rejections };
  const compared = day.orders.filter((o) => o.excluded === undefined);
  out.orders = { mirrored: day.orders.length + day.droppedOrders, compared: compared.length, excluded: day.orders.length - compared.length, dropped: day.droppedOrders };
  const sides = [LIVE, ...day.twins.map((t) => t.label)];
  for (const o of compared) {
    const strategy = o.strategy ?? 'unknown';
    for (const p of o.postings) {
      const c = cellOf(out, strategy, p.level);
      c.postings++;
      c.posted += p.qty;
      c.live.filled += p.filled.get(LIVE) ?? 0;
      c.paper.filled += p.filled.get(PRIMARY_PAPER) ?? 0;
      const target = p.level === 'cross' ? out.fit.crossing : RESTING_LEVELS.includes(p.level) ? out.fit.resting : undefined;
      if (target) for (const side of sides) bump(target, side, p.qty, p.filled.get(side) ?? 0);
    }
  }
  for (const f of day.fills) {
    if (f.order.excluded !== undefined || (f.side !== LIVE && f.side !== PRIMARY_PAPER)) continue;
    const side = cellOf(out, f.order.strategy ?? 'unknown', f.level)[f.side === LIVE ? 'live' : 'paper'];
    f.markouts.forEach((m, i) => {
      if (m !== null) addWeighted(side.markouts[i] as WeightedMean, m, f.qty);
    });
    const last = f.markouts[f.markouts.length - 1];
    if (last !== null && last !== undefined) side.markoutFills++;
  }
  return out;
}

function addMean(into: WeightedMean, m: WeightedMean): void {
  into.sum += m.sum;
  into.weight += m.weight;
  into.n += m.n;
}

function addSide(into: SideAggregate, s: SideAggregate): void {
  into.filled += s.filled;
  s.markouts.forEach((m, i) => addMean(into.markouts[i] as WeightedMean, m));
  into.markoutFills += s.markoutFills;
}

/** Adds cell `c` into `into`. */
export function addCell(into: CellAggregate, c: CellAggregate): void {
  into.postings += c.postings;
  into.posted += c.posted;
  addSide(into.live, c.live);
  addSide(into.paper, c.paper);
}

/** `a` ⊕ `b` (b the later part of the day): sums, the wider time span, b's twins when it has any. Pure. */
export function mergeShadowAggregates(a: ShadowAggregates, b: ShadowAggregates): ShadowAggregates {
  const out = emptyShadowAggregates(Math.min(a.from, b.from), b.twins.length ? b.twins : a.twins);
  out.to = a.to === null ? b.to : b.to === null ? a.to : Math.max(a.to, b.to);
  for (const k of ['mirrored', 'compared', 'excluded', 'dropped'] as const) out.orders[k] = a.orders[k] + b.orders[k];
  for (const src of [a, b]) {
    for (const [strategy, levels] of Object.entries(src.cells)) {
      for (const level of PRICE_LEVELS) {
        const c = levels[level];
        if (c) addCell(cellOf(out, strategy, level), c);
      }
    }
    for (const kind of ['resting', 'crossing'] as const) for (const [side, e] of Object.entries(src.fit[kind])) bump(out.fit[kind], side, e.posted, e.filled);
    for (const [label, n] of Object.entries(src.rejections)) out.rejections[label] = (out.rejections[label] ?? 0) + n;
  }
  return out;
}

/** True when nothing was mirrored. */
export function isEmptyShadowDay(a: ShadowAggregates): boolean {
  return a.orders.mirrored === 0;
}

export class InvalidShadowAggregatesError extends Error {
  constructor(detail: string) {
    super(`stored shadow aggregates are not usable: ${detail}`);
    this.name = 'InvalidShadowAggregatesError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function checkSide(s: unknown, where: string): void {
  if (!isRecord(s) || !isCount(s.filled) || !isCount(s.markoutFills) || !Array.isArray(s.markouts) || s.markouts.length !== MARKOUT_HORIZONS_MS.length) {
    throw new InvalidShadowAggregatesError(`${where}: malformed side`);
  }
  for (const m of s.markouts) {
    if (!isRecord(m) || typeof m.sum !== 'number' || !Number.isFinite(m.sum) || !isCount(m.weight) || !isCount(m.n)) throw new InvalidShadowAggregatesError(`${where}: malformed markout`);
  }
}

/** Checks the shape of stored aggregates (a document from the store); throws InvalidShadowAggregatesError. */
export function parseShadowAggregates(value: unknown): ShadowAggregates {
  if (!isRecord(value)) throw new InvalidShadowAggregatesError('not an object');
  if (value.version !== SHADOW_AGGREGATES_VERSION) throw new InvalidShadowAggregatesError(`version ${String(value.version)}, expected ${SHADOW_AGGREGATES_VERSION}`);
  if (typeof value.from !== 'number' || !(value.to === null || typeof value.to === 'number')) throw new InvalidShadowAggregatesError('from/to');
  const orders = value.orders;
  if (!isRecord(orders) || !['mirrored', 'compared', 'excluded', 'dropped'].every((k) => isCount(orders[k]))) throw new InvalidShadowAggregatesError('orders');
  if (!isRecord(value.cells)) throw new InvalidShadowAggregatesError('cells');
  for (const [strategy, levels] of Object.entries(value.cells)) {
    if (!isRecord(levels)) throw new InvalidShadowAggregatesError(`cells.${strategy}`);
    for (const [level, c] of Object.entries(levels)) {
      const where = `cells.${strategy}.${level}`;
      if (!(PRICE_LEVELS as readonly string[]).includes(level) || !isRecord(c) || !isCount(c.postings) || !isCount(c.posted)) throw new InvalidShadowAggregatesError(where);
      checkSide(c.live, where);
      checkSide(c.paper, where);
    }
  }
  const fit = value.fit;
  if (!isRecord(fit) || !isRecord(fit.resting) || !isRecord(fit.crossing)) throw new InvalidShadowAggregatesError('fit');
  for (const m of [fit.resting, fit.crossing]) {
    for (const e of Object.values(m)) if (!isRecord(e) || !isCount(e.posted) || !isCount(e.filled)) throw new InvalidShadowAggregatesError('fit entry');
  }
  if (!Array.isArray(value.twins) || !value.twins.every((t) => isRecord(t) && typeof t.label === 'string' && isRecord(t.model))) throw new InvalidShadowAggregatesError('twins');
  if (!isRecord(value.rejections) || !Object.values(value.rejections).every(isCount)) throw new InvalidShadowAggregatesError('rejections');
  return value as unknown as ShadowAggregates;
}
