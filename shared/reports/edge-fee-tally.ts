/**
 * Edges and fees by strategy, for the session summary and the reports: what the strategies expected to earn
 * per contract before and after fees when their signals were approved (Signal.grossEdge / netEdge, weighted
 * by the approved quantity), and what the fills then paid in taker fees and received in maker rebates
 * (Fill.fee: > 0 paid, < 0 rebate). Sums are integers (edge sums in micros × hundredths of a contract); the
 * figures are exact USD and contract decimal strings.
 */
import { QTY_SCALE, formatQuantity, type Qty } from '../domain/quantity.js';
import { Decimal } from 'decimal.js';
import { MICROS_PER_USD, type Micros } from '../domain/money.js';
import type { Fill } from '../domain/order.js';
import type { Signal } from '../domain/signal.js';

export interface EdgeFeeRow {
  /** Approved signals that stated their edge, and their contracts (exact decimal text). */
  signals: number;
  contracts: string;
  /** Quantity-weighted mean edge per contract of those signals, USD (null before any). */
  grossEdgePerContract: string | null;
  netEdgePerContract: string | null;
  /** Σ contracts × edge, USD: the edge the approved signals expected, before and after fees. */
  expectedGross: string;
  expectedNet: string;
  fills: number;
  makerFills: number;
  takerFills: number;
  /** Taker fees paid, maker rebates received, and fees net of rebates (paid − received), USD. */
  feesPaid: string;
  rebates: string;
  netFees: string;
}

class Acc {
  signals = 0;
  contracts: Qty = 0;
  /** Σ qty × edge: micros × hundredths of a contract (exact; / QTY_SCALE for micros). */
  gross = 0;
  net = 0;
  fills = 0;
  makerFills = 0;
  takerFills = 0;
  paid: Micros = 0;
  rebates: Micros = 0;

  row(): EdgeFeeRow {
    const perContract = (sum: number) => (this.contracts > 0 ? usd(new Decimal(sum).div(this.contracts).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN)) : null);
    return {
      signals: this.signals,
      contracts: formatQuantity(this.contracts),
      grossEdgePerContract: perContract(this.gross),
      netEdgePerContract: perContract(this.net),
      expectedGross: usd(new Decimal(this.gross).div(QTY_SCALE)),
      expectedNet: usd(new Decimal(this.net).div(QTY_SCALE)),
      fills: this.fills,
      makerFills: this.makerFills,
      takerFills: this.takerFills,
      feesPaid: usd(this.paid),
      rebates: usd(this.rebates),
      netFees: usd(this.paid - this.rebates),
    };
  }
}

const usd = (micros: Micros | Decimal): string => new Decimal(micros).div(MICROS_PER_USD).toFixed(6);

export class EdgeFeeTally {
  private readonly byStrategy = new Map<string, Acc>();
  private readonly total = new Acc();

  private acc(name: string): Acc {
    let a = this.byStrategy.get(name);
    if (!a) this.byStrategy.set(name, (a = new Acc()));
    return a;
  }

  /** An approved signal (with the quantity the risk manager let through); others are ignored. */
  onApproved(signal: Signal): void {
    if (signal.grossEdge === undefined || signal.netEdge === undefined) return;
    for (const a of [this.acc(String(signal.strategyName)), this.total]) {
      a.signals++;
      a.contracts += signal.quantity;
      a.gross += signal.quantity * signal.grossEdge;
      a.net += signal.quantity * signal.netEdge;
    }
  }

  onFill(fill: Fill): void {
    for (const a of [this.acc(String(fill.strategyName ?? 'unknown')), this.total]) {
      a.fills++;
      if (fill.liquidity === 'MAKER') a.makerFills++;
      else a.takerFills++;
      if (fill.fee >= 0) a.paid += fill.fee;
      else a.rebates -= fill.fee;
    }
  }

  /** Per strategy (sorted by name). */
  rows(): Record<string, EdgeFeeRow> {
    return Object.fromEntries([...this.byStrategy.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, a]) => [k, a.row()]));
  }

  totals(): EdgeFeeRow {
    return this.total.row();
  }
}
