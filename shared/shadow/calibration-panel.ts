/**
 * The calibration panel of a shadow day (JSON-safe): paper vs live per strategy and price level — postings,
 * contracts posted, filled and fill rate, markouts at 1 s / 10 s / 60 s — and the fitted paper parameters
 * (calibration.ts `fitByFillRate` over the candidate twins of shadow-bench.ts), with the `trading.paper`
 * block a backtest takes (`npm run backtest -- --paper-params <panel.json>`, paper-params-file.ts).
 *
 * What the fit is: the queue-ahead fraction is chosen on the resting postings (L0..L3+), the order latency
 * on the crossing ones (takers), each with the other parameter held at its configured value. Orders whose
 * live create failed or was rejected are left out. Figures are contracts as decimal text and rates/markouts
 * as numbers (markouts in USD per contract, rounded to 1e-6: a report figure, not money).
 */
import { formatQuantity, type Qty } from '../domain/quantity.js';
import { MICROS_PER_USD } from '../domain/money.js';
import {
  MARKOUT_HORIZONS_MS, PRICE_LEVELS, RESTING_LEVELS, addWeighted, emptyMean, fillRate, fitByFillRate, meanOf,
  type CandidateOutcome, type FitResult, type PriceLevel, type WeightedMean,
} from './calibration.js';
import type { PaperModel, TwinSpec } from './shadow-bench.js';
import { LIVE, PRIMARY_PAPER, type JournalFill, type JournalOrder } from './shadow-journal.js';

export const SHADOW_PANEL_VERSION = 1;

export interface SideFigures {
  /** Contracts filled, exact decimal text. */
  filled: string;
  fillRate: number | null;
  /** Mean markout per horizon ('1s', '10s', '60s'), USD per contract in the fill's favour; null without fills. */
  markoutUsd: Record<string, number | null>;
  /** Fills whose markout at the longest horizon was measured. */
  markoutFills: number;
}

export interface PanelRow {
  strategy: string;
  level: PriceLevel | 'all';
  postings: number;
  /** Contracts posted, exact decimal text (the same for both sides: they got the same orders). */
  posted: string;
  live: SideFigures;
  paper: SideFigures;
}

export interface FittedParameter extends FitResult {
  /** The trading.paper key it sets. */
  key: 'queue_ahead_fraction' | 'order_latency_ms';
  /** The configured value (what the primary paper exchange ran with). */
  configured: number;
  /** The postings it was fitted on. */
  on: 'resting' | 'crossing';
}

export interface ShadowPanel {
  version: number;
  from: number;
  to: number | null;
  /** Orders mirrored; left out of the comparison (live create failed or rejected); dropped over the day's budget. */
  orders: { mirrored: number; compared: number; excluded: number; dropped: number };
  /** The primary paper exchange's model (trading.paper.*). */
  paperModel: PaperModel;
  rows: PanelRow[];
  fitted: FittedParameter[];
  /** Orders each paper exchange refused, by label. */
  paperRejections: Record<string, number>;
  /** The trading.paper block that would have made paper match live best (keys as in config.yaml). */
  suggestedPaperParams: { order_latency_ms: number; cancel_latency_ms: number; market_data_delay_ms: number; queue_ahead_fraction: number };
  notes: string[];
}

export interface PanelInput {
  orders: readonly JournalOrder[];
  fills: readonly JournalFill[];
  from: number;
  to: number | null;
  droppedOrders: number;
  twins: readonly TwinSpec[];
  rejections: Record<string, number>;
}

const horizonLabel = (ms: number): string => `${ms / 1_000}s`;
const round = (x: number | null, places: number): number | null => (x === null ? null : Math.round(x * 10 ** places) / 10 ** places);

interface Acc {
  postings: number;
  posted: Qty;
  filled: Map<string, Qty>;
  markouts: Map<string, WeightedMean[]>;
  markoutFills: Map<string, number>;
}

const newAcc = (): Acc => ({ postings: 0, posted: 0, filled: new Map(), markouts: new Map(), markoutFills: new Map() });

function sideFigures(acc: Acc, side: string): SideFigures {
  const filled = acc.filled.get(side) ?? 0;
  const means = acc.markouts.get(side);
  return {
    filled: formatQuantity(filled),
    fillRate: round(fillRate(filled, acc.posted), 4),
    markoutUsd: Object.fromEntries(MARKOUT_HORIZONS_MS.map((h, i) => [horizonLabel(h), round(means ? toUsd(meanOf(means[i] as WeightedMean)) : null, 6)])),
    markoutFills: acc.markoutFills.get(side) ?? 0,
  };
}

const toUsd = (micros: number | null): number | null => (micros === null ? null : micros / MICROS_PER_USD);

/** Builds the panel from a day's journal and the twins that ran. */
export function buildShadowPanel(input: PanelInput): ShadowPanel {
  const compared = input.orders.filter((o) => o.excluded === undefined);
  const cells = new Map<string, Acc>();
  const cell = (strategy: string, level: string): Acc => {
    const k = `${strategy}\u0000${level}`;
    let a = cells.get(k);
    if (!a) cells.set(k, (a = newAcc()));
    return a;
  };
  // Postings and fills per (strategy, level) and per (strategy, all).
  const restingByTwin = new Map<string, { posted: Qty; filled: Qty }>();
  const crossingByTwin = new Map<string, { posted: Qty; filled: Qty }>();
  const bump = (m: Map<string, { posted: Qty; filled: Qty }>, side: string, posted: Qty, filled: Qty) => {
    const e = m.get(side) ?? { posted: 0, filled: 0 };
    e.posted += posted;
    e.filled += filled;
    m.set(side, e);
  };
  const sides = [LIVE, ...input.twins.map((t) => t.label)];
  for (const o of compared) {
    const strategy = o.strategy ?? 'unknown';
    for (const p of o.postings) {
      for (const a of [cell(strategy, p.level), cell(strategy, 'all')]) {
        a.postings++;
        a.posted += p.qty;
        for (const [side, q] of p.filled) a.filled.set(side, (a.filled.get(side) ?? 0) + q);
      }
      const target = p.level === 'cross' ? crossingByTwin : RESTING_LEVELS.includes(p.level) ? restingByTwin : undefined;
      if (target) for (const side of sides) bump(target, side, p.qty, p.filled.get(side) ?? 0);
    }
  }
  for (const f of input.fills) {
    if (f.order.excluded !== undefined) continue;
    const strategy = f.order.strategy ?? 'unknown';
    const last = f.markouts[f.markouts.length - 1];
    for (const a of [cell(strategy, f.level), cell(strategy, 'all')]) {
      let means = a.markouts.get(f.side);
      if (!means) a.markouts.set(f.side, (means = MARKOUT_HORIZONS_MS.map(emptyMean)));
      f.markouts.forEach((m, i) => {
        if (m !== null) addWeighted(means[i] as WeightedMean, m, f.qty);
      });
      if (last !== null && last !== undefined) a.markoutFills.set(f.side, (a.markoutFills.get(f.side) ?? 0) + 1);
    }
  }

  const levelOrder = (l: string) => (l === 'all' ? -1 : PRICE_LEVELS.indexOf(l as PriceLevel));
  const rows: PanelRow[] = [...cells.entries()]
    .map(([k, a]) => {
      const [strategy, level] = k.split('\u0000') as [string, string];
      return { strategy, level: level as PanelRow['level'], postings: a.postings, posted: formatQuantity(a.posted), live: sideFigures(a, LIVE), paper: sideFigures(a, PRIMARY_PAPER) };
    })
    .sort((a, b) => a.strategy.localeCompare(b.strategy) || levelOrder(a.level) - levelOrder(b.level));

  const primary = input.twins.find((t) => t.kind === 'primary');
  const base: PaperModel = primary?.model ?? { orderLatencyMs: 0, cancelLatencyMs: 0, marketDataDelayMs: 0, queueAheadFraction: 1 };
  const outcomes = (m: Map<string, { posted: Qty; filled: Qty }>, kind: 'queue' | 'latency', value: (t: TwinSpec) => number): CandidateOutcome[] =>
    input.twins.filter((t) => t.kind === kind || t.kind === 'primary').map((t) => ({ value: value(t), ...(m.get(t.label) ?? { posted: 0, filled: 0 }) }));
  const queueFit: FittedParameter = {
    key: 'queue_ahead_fraction',
    configured: base.queueAheadFraction,
    on: 'resting',
    ...fitByFillRate(restingByTwin.get(LIVE) ?? { posted: 0, filled: 0 }, outcomes(restingByTwin, 'queue', (t) => t.model.queueAheadFraction)),
  };
  const latencyFit: FittedParameter = {
    key: 'order_latency_ms',
    configured: base.orderLatencyMs,
    on: 'crossing',
    ...fitByFillRate(crossingByTwin.get(LIVE) ?? { posted: 0, filled: 0 }, outcomes(crossingByTwin, 'latency', (t) => t.model.orderLatencyMs)),
  };
  const latencyTwin = input.twins.find((t) => (t.kind === 'latency' || t.kind === 'primary') && t.model.orderLatencyMs === latencyFit.value);
  const notes: string[] = [];
  if (queueFit.value === null) notes.push('queue_ahead_fraction not fitted: no resting postings compared (kept as configured)');
  if (latencyFit.value === null) notes.push('order_latency_ms not fitted: no crossing postings compared (kept as configured)');
  if (input.droppedOrders > 0) notes.push(`${input.droppedOrders} orders over the day's journal budget were not compared`);
  notes.push('Each parameter is fitted with the other at its configured value: the candidate whose fill rate is nearest live; ties go to the more pessimistic value.');

  return {
    version: SHADOW_PANEL_VERSION,
    from: input.from,
    to: input.to,
    orders: { mirrored: input.orders.length + input.droppedOrders, compared: compared.length, excluded: input.orders.length - compared.length, dropped: input.droppedOrders },
    paperModel: base,
    rows,
    fitted: [queueFit, latencyFit],
    paperRejections: input.rejections,
    suggestedPaperParams: {
      order_latency_ms: latencyFit.value ?? base.orderLatencyMs,
      cancel_latency_ms: latencyTwin?.model.cancelLatencyMs ?? base.cancelLatencyMs,
      market_data_delay_ms: base.marketDataDelayMs,
      queue_ahead_fraction: queueFit.value ?? base.queueAheadFraction,
    },
    notes,
  };
}
