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
import { MARKOUT_HORIZONS_MS, PRICE_LEVELS, fillRate, fitByFillRate, meanOf, type CandidateOutcome, type FitResult, type PriceLevel, type WeightedMean } from './calibration.js';
import type { PaperModel, TwinSpec } from './shadow-bench.js';
import { LIVE } from './shadow-journal.js';
import { addCell, aggregateJournal, emptyCell, type CellAggregate, type JournalDay, type PostedFilled, type ShadowAggregates, type SideAggregate } from './shadow-aggregates.js';

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

/** A day's journal and the twins that ran (shadow-aggregates.ts `JournalDay`). */
export type PanelInput = JournalDay;

const horizonLabel = (ms: number): string => `${ms / 1_000}s`;
const round = (x: number | null, places: number): number | null => (x === null ? null : Math.round(x * 10 ** places) / 10 ** places);
const toUsd = (micros: number | null): number | null => (micros === null ? null : micros / MICROS_PER_USD);

function sideFigures(s: SideAggregate, posted: Qty): SideFigures {
  return {
    filled: formatQuantity(s.filled),
    fillRate: round(fillRate(s.filled, posted), 4),
    markoutUsd: Object.fromEntries(MARKOUT_HORIZONS_MS.map((h, i) => [horizonLabel(h), round(toUsd(meanOf(s.markouts[i] as WeightedMean)), 6)])),
    markoutFills: s.markoutFills,
  };
}

function row(strategy: string, level: PanelRow['level'], c: CellAggregate): PanelRow {
  return { strategy, level, postings: c.postings, posted: formatQuantity(c.posted), live: sideFigures(c.live, c.posted), paper: sideFigures(c.paper, c.posted) };
}

/** Builds the panel from a day's journal and the twins that ran. */
export function buildShadowPanel(input: PanelInput): ShadowPanel {
  return panelFromAggregates(aggregateJournal(input));
}

/** Builds the panel from a day's aggregates (one process's journal, or stored ⊕ this process's after a restart). */
export function panelFromAggregates(agg: ShadowAggregates): ShadowPanel {
  const rows: PanelRow[] = [];
  for (const strategy of Object.keys(agg.cells).sort((a, b) => a.localeCompare(b))) {
    const levels = agg.cells[strategy] ?? {};
    const all = emptyCell();
    const perLevel: PanelRow[] = [];
    for (const level of PRICE_LEVELS) {
      const c = levels[level];
      if (!c) continue;
      addCell(all, c);
      perLevel.push(row(strategy, level, c));
    }
    rows.push(row(strategy, 'all', all), ...perLevel);
  }
  const restingByTwin = agg.fit.resting;
  const crossingByTwin = agg.fit.crossing;
  const primary = agg.twins.find((t) => t.kind === 'primary');
  const base: PaperModel = primary?.model ?? { orderLatencyMs: 0, cancelLatencyMs: 0, marketDataDelayMs: 0, queueAheadFraction: 1 };
  const outcomes = (m: Record<string, PostedFilled>, kind: 'queue' | 'latency', value: (t: TwinSpec) => number): CandidateOutcome[] =>
    agg.twins.filter((t) => t.kind === kind || t.kind === 'primary').map((t) => ({ value: value(t), ...(m[t.label] ?? { posted: 0, filled: 0 }) }));
  const queueFit: FittedParameter = {
    key: 'queue_ahead_fraction',
    configured: base.queueAheadFraction,
    on: 'resting',
    ...fitByFillRate(restingByTwin[LIVE] ?? { posted: 0, filled: 0 }, outcomes(restingByTwin, 'queue', (t) => t.model.queueAheadFraction)),
  };
  const latencyFit: FittedParameter = {
    key: 'order_latency_ms',
    configured: base.orderLatencyMs,
    on: 'crossing',
    ...fitByFillRate(crossingByTwin[LIVE] ?? { posted: 0, filled: 0 }, outcomes(crossingByTwin, 'latency', (t) => t.model.orderLatencyMs)),
  };
  const latencyTwin = agg.twins.find((t) => (t.kind === 'latency' || t.kind === 'primary') && t.model.orderLatencyMs === latencyFit.value);
  const notes: string[] = ['Compared: orders created while shadow was on (quotes already resting when shadow started have no paper copy); orders whose live create failed or was rejected are left out.'];
  if (queueFit.value === null) notes.push('queue_ahead_fraction not fitted: no resting postings compared (kept as configured)');
  if (latencyFit.value === null) notes.push('order_latency_ms not fitted: no crossing postings compared (kept as configured)');
  if (agg.orders.dropped > 0) notes.push(`${agg.orders.dropped} orders over the day's journal budget were not compared`);
  notes.push('Each parameter is fitted with the other at its configured value: the candidate whose fill rate is nearest live; ties go to the more pessimistic value.');

  return {
    version: SHADOW_PANEL_VERSION,
    from: agg.from,
    to: agg.to,
    orders: { ...agg.orders },
    paperModel: base,
    rows,
    fitted: [queueFit, latencyFit],
    paperRejections: { ...agg.rejections },
    suggestedPaperParams: {
      order_latency_ms: latencyFit.value ?? base.orderLatencyMs,
      cancel_latency_ms: latencyTwin?.model.cancelLatencyMs ?? base.cancelLatencyMs,
      market_data_delay_ms: base.marketDataDelayMs,
      queue_ahead_fraction: queueFit.value ?? base.queueAheadFraction,
    },
    notes,
  };
}
