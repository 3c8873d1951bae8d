/**
 * Reference data: the exchange's events and markets, with stable ids, lookups by id or slug and the list
 * filters of GET /v1/events and GET /v1/markets. Markets belong to events; a market is active until it is
 * settled or terminated, then closed.
 */
import { formatQuantity, parseQuantity, type Qty } from '../../../shared/domain/quantity.js';
import { thetaToPpm, ppmToTheta, type FeeRates } from '../../../shared/domain/fees.js';
import { ONE_DOLLAR, type PriceMicros } from '../../../shared/domain/money.js';
import { MARKET_STATES, type VenueMarketState } from '../../../shared/domain/venue-enums.js';
import type { SimEventSpec, SimMarketSpec } from '../module.js';
import { badRequest, notFound } from './errors.js';
import { ID_PREFIX, type IdGenerator } from './ids.js';
import { MIN_ORDER_PRICE, tickDecimal } from './price-rules.js';
import type { EventFilter, MarketFilter, Settlement, SimEvent, SimMarket, VenueMarketStatus } from './types.js';

const STATUS_OF: Record<VenueMarketState, VenueMarketStatus> = {
  MARKET_STATE_OPEN: 'MARKET_STATUS_OPEN',
  MARKET_STATE_PREOPEN: 'MARKET_STATUS_CLOSED',
  MARKET_STATE_SUSPENDED: 'MARKET_STATUS_HALTED',
  MARKET_STATE_HALTED: 'MARKET_STATUS_HALTED',
  MARKET_STATE_EXPIRED: 'MARKET_STATUS_RESOLVED',
  MARKET_STATE_TERMINATED: 'MARKET_STATUS_CLOSED',
  MARKET_STATE_MATCH_AND_CLOSE_AUCTION: 'MARKET_STATUS_CLOSED',
};

/** The fee rates of a market now, given its own coefficient (ppm, or null for the schedule's) and sport. */
export type MarketFeeRates = (feeCoefficientPpm: number | null, sport: string | null) => FeeRates;

const CLOSED_STATES: ReadonlySet<VenueMarketState> = new Set<VenueMarketState>([
  'MARKET_STATE_EXPIRED',
  'MARKET_STATE_TERMINATED',
]);

export function isClosedState(state: VenueMarketState): boolean {
  return CLOSED_STATES.has(state);
}

interface EventRecord {
  id: string;
  spec: SimEventSpec;
  marketSlugs: string[];
}

export interface MarketRecord {
  id: string;
  spec: SimMarketSpec;
  tick: PriceMicros;
  minQty: Qty;
  /** The wire's minimumTradeQty, a decimal string. */
  minimumTradeQty: string;
  /** The market's own taker Θ in ppm, or null for the fee schedule's default. */
  feeCoefficientPpm: number | null;
  state: VenueMarketState;
  settlement: Settlement | null;
}

export class ReferenceData {
  private readonly events = new Map<string, EventRecord>();
  private readonly eventIds = new Map<string, string>();
  private readonly markets = new Map<string, MarketRecord>();
  private readonly marketIds = new Map<string, string>();

  constructor(
    private readonly ids: IdGenerator,
    private readonly defaultTick: PriceMicros,
    private readonly defaultMinQty: Qty,
    private readonly feeRates: MarketFeeRates,
  ) {}

  addEvent(spec: SimEventSpec): SimEvent {
    if (!spec.slug) throw badRequest('INVALID_EVENT', 'event slug is required');
    if (this.events.has(spec.slug)) throw badRequest('DUPLICATE_EVENT', `event ${spec.slug} already exists`);
    if (!Number.isFinite(spec.startTime)) throw badRequest('INVALID_EVENT', `event ${spec.slug}: startTime must be epoch ms`);
    const record: EventRecord = { id: this.ids.next(ID_PREFIX.event), spec: { ...spec }, marketSlugs: [] };
    this.events.set(spec.slug, record);
    this.eventIds.set(record.id, spec.slug);
    return this.eventView(record);
  }

  addMarket(spec: SimMarketSpec): MarketRecord {
    if (!spec.slug) throw badRequest('INVALID_MARKET', 'market slug is required');
    if (this.markets.has(spec.slug)) throw badRequest('DUPLICATE_MARKET', `market ${spec.slug} already exists`);
    const event = this.events.get(spec.eventSlug);
    if (!event) throw notFound('UNKNOWN_EVENT', `event ${spec.eventSlug} not found`);
    const tick = spec.tick ?? this.defaultTick;
    if (!Number.isSafeInteger(tick) || tick <= 0 || tick >= ONE_DOLLAR || ONE_DOLLAR % tick !== 0) {
      throw badRequest('INVALID_MARKET', `market ${spec.slug}: tick must divide 1 USD, got ${tick}`);
    }
    // The minimum size is also the size increment: minQty (hundredths of a contract) or the wire's
    // minimumTradeQty ("0.01" or "1"), which must agree when both are given.
    const stated = spec.minimumTradeQty === undefined ? null : parseQuantity(spec.minimumTradeQty);
    if (spec.minimumTradeQty !== undefined && (stated === null || stated.rounded || stated.qty <= 0 || !/^\d+(\.\d+)?$/.test(spec.minimumTradeQty))) {
      throw badRequest('INVALID_MARKET', `market ${spec.slug}: minimumTradeQty must be a positive decimal string in hundredths (e.g. "1" or "0.01"), got ${spec.minimumTradeQty}`);
    }
    const minQty = spec.minQty ?? stated?.qty ?? this.defaultMinQty;
    if (!Number.isSafeInteger(minQty) || minQty < 1) throw badRequest('INVALID_MARKET', `market ${spec.slug}: minQty must be a whole number ≥ 1 of hundredths of a contract`);
    if (stated !== null && stated.qty !== minQty) {
      throw badRequest('INVALID_MARKET', `market ${spec.slug}: minimumTradeQty ${spec.minimumTradeQty} disagrees with minQty ${formatQuantity(minQty)}`);
    }
    if (tick > MIN_ORDER_PRICE || MIN_ORDER_PRICE % tick !== 0) {
      throw badRequest('INVALID_MARKET', `market ${spec.slug}: tick must divide 0.01 (the venue lists 0.01, 0.005, 0.0025), got ${tick}`);
    }
    const minimumTradeQty = formatQuantity(minQty);
    let feeCoefficientPpm: number | null = null;
    if (spec.feeCoefficient !== undefined) {
      try {
        feeCoefficientPpm = thetaToPpm(spec.feeCoefficient);
      } catch (err) {
        throw badRequest('INVALID_MARKET', `market ${spec.slug}: feeCoefficient ${(err as Error).message}`);
      }
    }
    const state = spec.state ?? 'MARKET_STATE_OPEN';
    if (!MARKET_STATES.includes(state)) throw badRequest('INVALID_MARKET', `market ${spec.slug}: unknown state ${String(state)}`);
    const record: MarketRecord = {
      id: this.ids.next(ID_PREFIX.market),
      spec: { ...spec },
      tick,
      minQty,
      minimumTradeQty,
      feeCoefficientPpm,
      state,
      settlement: null,
    };
    this.markets.set(spec.slug, record);
    this.marketIds.set(record.id, spec.slug);
    event.marketSlugs.push(spec.slug);
    return record;
  }

  /** The market record, or a 404. */
  market(slug: string): MarketRecord {
    const m = this.markets.get(slug);
    if (!m) throw notFound('UNKNOWN_MARKET', `market ${slug} not found`);
    return m;
  }

  hasMarket(slug: string): boolean {
    return this.markets.has(slug);
  }

  marketSlugs(): string[] {
    return [...this.markets.keys()];
  }

  findEvent(idOrSlug: string): SimEvent | undefined {
    const slug = this.eventIds.get(idOrSlug) ?? idOrSlug;
    const e = this.events.get(slug);
    return e ? this.eventView(e) : undefined;
  }

  findMarket(idOrSlug: string): SimMarket | undefined {
    const slug = this.marketIds.get(idOrSlug) ?? idOrSlug;
    const m = this.markets.get(slug);
    return m ? this.marketView(m) : undefined;
  }

  listEvents(filter: EventFilter = {}): SimEvent[] {
    const slugSet = filter.slugs && filter.slugs.length > 0 ? new Set(filter.slugs) : null;
    const out: SimEvent[] = [];
    for (const rec of this.events.values()) {
      if (slugSet && !slugSet.has(rec.spec.slug)) continue;
      if (filter.gameId !== undefined && rec.spec.gameId !== filter.gameId) continue;
      if (filter.startTimeMin !== undefined && rec.spec.startTime < filter.startTimeMin) continue;
      if (filter.startTimeMax !== undefined && rec.spec.startTime > filter.startTimeMax) continue;
      const view = this.eventView(rec);
      if (filter.active !== undefined && view.active !== filter.active) continue;
      if (filter.closed !== undefined && view.closed !== filter.closed) continue;
      out.push(view);
    }
    out.sort((a, b) => a.startTime - b.startTime || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
    return page(out, filter.offset, filter.limit);
  }

  listMarkets(filter: MarketFilter = {}): SimMarket[] {
    const slugSet = filter.slugs && filter.slugs.length > 0 ? new Set(filter.slugs) : null;
    const eventSet = filter.eventSlugs && filter.eventSlugs.length > 0 ? new Set(filter.eventSlugs) : null;
    const out: SimMarket[] = [];
    for (const rec of this.markets.values()) {
      if (slugSet && !slugSet.has(rec.spec.slug)) continue;
      if (eventSet && !eventSet.has(rec.spec.eventSlug)) continue;
      const view = this.marketView(rec);
      if (filter.gameId !== undefined && view.gameId !== filter.gameId) continue;
      if (filter.active !== undefined && view.active !== filter.active) continue;
      if (filter.closed !== undefined && view.closed !== filter.closed) continue;
      out.push(view);
    }
    return page(out, filter.offset, filter.limit);
  }

  /** The sport of a market's event (for the fee schedule's per-sport overrides). */
  sportOf(rec: MarketRecord): string | null {
    return this.events.get(rec.spec.eventSlug)?.spec.sport ?? null;
  }

  marketView(rec: MarketRecord): SimMarket {
    const closed = isClosedState(rec.state);
    const rates = this.feeRates(rec.feeCoefficientPpm, this.sportOf(rec));
    return {
      id: rec.id,
      slug: rec.spec.slug,
      eventSlug: rec.spec.eventSlug,
      title: rec.spec.title,
      outcome: rec.spec.outcome,
      team: rec.spec.team ?? null,
      tick: rec.tick,
      orderPriceMinTickSize: tickDecimal(rec.tick),
      minQty: rec.minQty,
      minimumTradeQty: rec.minimumTradeQty,
      feeCoefficient: ppmToTheta(rates.takerThetaPpm),
      feeCoefficientPpm: rates.takerThetaPpm,
      makerFeeCoefficientPpm: rates.makerThetaPpm,
      state: rec.state,
      status: STATUS_OF[rec.state],
      settlementPrice: rec.settlement?.settlementPrice ?? null,
      settlementReason: rec.settlement?.reason ?? null,
      active: !closed,
      closed,
      initialProbability: rec.spec.initialProbability ?? null,
      gameId: this.events.get(rec.spec.eventSlug)?.spec.gameId ?? null,
    };
  }

  private eventView(rec: EventRecord): SimEvent {
    const markets = rec.marketSlugs.map((s) => this.marketView(this.markets.get(s) as MarketRecord));
    const closed = markets.length > 0 && markets.every((m) => m.closed);
    return {
      id: rec.id,
      slug: rec.spec.slug,
      title: rec.spec.title,
      startTime: rec.spec.startTime,
      sport: rec.spec.sport ?? null,
      league: rec.spec.league ?? null,
      gameId: rec.spec.gameId ?? null,
      homeTeam: rec.spec.homeTeam ?? null,
      awayTeam: rec.spec.awayTeam ?? null,
      active: !closed,
      closed,
      markets,
    };
  }
}

function page<T>(items: T[], offset = 0, limit?: number): T[] {
  const start = Math.max(0, Math.floor(offset));
  return limit === undefined ? items.slice(start) : items.slice(start, start + Math.max(0, Math.floor(limit)));
}
