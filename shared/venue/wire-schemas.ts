/**
 * zod schemas of the Polymarket US REST responses (api/polymarket-us.md). Lenient on unknown extra fields
 * (zod objects strip them), strict on money and ids: an Amount must be a plain decimal string with at most
 * six decimal places in USD, ids must be non-empty, quantities must be integers. Converters to the domain
 * models are in wire-convert.ts.
 */
import * as z from 'zod';
import {
  EXECUTION_TYPES,
  MARKET_STATES,
  ORDER_INTENTS,
  ORDER_SIDES,
  ORDER_STATES,
  ORDER_TYPES,
  TIMES_IN_FORCE,
} from '../domain/venue-enums.js';

/** A plain decimal with at most six significant decimal places (trailing zeros past six are tolerated). */
export const DECIMAL_TEXT = /^-?\d+(?:\.\d{1,6}0*)?$/;
const INTEGER_TEXT = /^-?\d+(?:\.0+)?$/;

export const AmountSchema = z.object({
  value: z.string().regex(DECIMAL_TEXT, 'amount value must be a plain decimal with at most 6 places'),
  currency: z.literal('USD'),
});
export type WireAmount = z.infer<typeof AmountSchema>;

/** Money reported as a bare JSON number or decimal string (balances): validated again on conversion. */
export const LooseMoneySchema = z.union([
  z.number().finite(),
  z.string().regex(DECIMAL_TEXT),
  AmountSchema,
]);
export type WireLooseMoney = z.infer<typeof LooseMoneySchema>;

/** A contract count: an integer as a number or as a string ("12", "12.0"). */
export const QuantitySchema = z.union([z.number().int().refine(Number.isSafeInteger), z.string().regex(INTEGER_TEXT)]);
export type WireQuantity = z.infer<typeof QuantitySchema>;

/** An id: a non-empty string (orders, executions) … */
export const IdSchema = z.string().min(1).max(200);
/** … or a number/string for catalogue objects (events, markets, series). */
export const CatalogueIdSchema = z.union([z.number().int().nonnegative(), z.string().min(1).max(200)]);

/** ISO-8601 (any number of fractional digits) or epoch ms; null tolerated. */
export const TimestampSchema = z
  .union([z.string().refine((s) => Number.isFinite(Date.parse(s)), 'not an ISO timestamp'), z.number().int()])
  .nullable();

/** Basis points: number or numeric string. */
export const BpsSchema = z.union([z.number().finite(), z.string().regex(/^-?\d+(?:\.\d+)?$/)]).nullable();

export const MarketStateSchema = z.enum(MARKET_STATES);
export const OrderIntentSchema = z.enum(ORDER_INTENTS);
export const OrderSideSchema = z.enum(ORDER_SIDES);
export const OrderTypeSchema = z.enum(ORDER_TYPES);
export const OrderStateSchema = z.enum(ORDER_STATES);
export const TifSchema = z.enum(TIMES_IN_FORCE);
export const ExecutionTypeSchema = z.enum(EXECUTION_TYPES);

// ---- catalogue (public gateway) ----

export const TeamSchema = z.object({
  id: CatalogueIdSchema.optional(),
  name: z.string(),
  abbreviation: z.string().optional(),
  league: z.string().optional(),
});

export const MarketSchema = z.object({
  id: CatalogueIdSchema,
  slug: z.string().min(1),
  title: z.string(),
  outcome: z.string().optional().default(''),
  description: z.string().optional(),
  active: z.boolean().optional().default(true),
  closed: z.boolean().optional().default(false),
  eventSlug: z.string().optional(),
  team: TeamSchema.nullable().optional(),
  liquidity: z.number().optional(),
  volume: z.number().optional(),
});
export type WireMarket = z.infer<typeof MarketSchema>;

export const EventSchema = z.object({
  id: CatalogueIdSchema,
  slug: z.string().min(1),
  title: z.string(),
  description: z.string().optional(),
  startTime: TimestampSchema.optional(),
  endTime: TimestampSchema.optional(),
  active: z.boolean().optional().default(true),
  closed: z.boolean().optional().default(false),
  gameId: CatalogueIdSchema.nullable().optional(),
  markets: z.array(MarketSchema).optional().default([]),
});
export type WireEvent = z.infer<typeof EventSchema>;

export const EventsResponseSchema = z.object({ events: z.array(EventSchema) });
export const EventResponseSchema = z.object({ event: EventSchema });
export const MarketsResponseSchema = z.object({ markets: z.array(MarketSchema) });
export const MarketResponseSchema = z.object({ market: MarketSchema });

export const BookLevelSchema = z.object({ px: AmountSchema, qty: QuantitySchema });

export const MarketStatsSchema = z.object({
  lastTradePx: AmountSchema.optional(),
  sharesTraded: QuantitySchema.optional(),
  openInterest: QuantitySchema.optional(),
  highPx: AmountSchema.optional(),
  lowPx: AmountSchema.optional(),
});

export const BookSchema = z.object({
  marketSlug: z.string().min(1),
  bids: z.array(BookLevelSchema),
  offers: z.array(BookLevelSchema),
  state: MarketStateSchema,
  stats: MarketStatsSchema.nullable().optional(),
  transactTime: TimestampSchema.optional(),
});
export type WireBook = z.infer<typeof BookSchema>;

export const BboSchema = z.object({
  marketSlug: z.string().min(1),
  bestBid: AmountSchema.nullable().optional(),
  bestAsk: AmountSchema.nullable().optional(),
  bidDepth: z.number().int().nonnegative().optional(),
  askDepth: z.number().int().nonnegative().optional(),
  lastTradePx: AmountSchema.nullable().optional(),
  sharesTraded: QuantitySchema.optional(),
  openInterest: QuantitySchema.optional(),
});
export type WireBbo = z.infer<typeof BboSchema>;

export const SettlementSchema = z.object({
  marketSlug: z.string().min(1),
  settlementPrice: AmountSchema,
  settledAt: TimestampSchema,
});
export type WireSettlement = z.infer<typeof SettlementSchema>;

// ---- orders and executions ----

export const OrderSchema = z.object({
  id: IdSchema,
  marketSlug: z.string().min(1),
  side: OrderSideSchema,
  type: OrderTypeSchema,
  price: AmountSchema.nullable().optional(),
  quantity: QuantitySchema,
  cumQuantity: QuantitySchema.optional().default(0),
  leavesQuantity: QuantitySchema.optional().default(0),
  tif: TifSchema,
  goodTillTime: TimestampSchema.optional(),
  intent: OrderIntentSchema,
  state: OrderStateSchema,
  avgPx: AmountSchema.nullable().optional(),
  createTime: TimestampSchema.optional(),
  insertTime: TimestampSchema.optional(),
  commissionsBasisPoints: BpsSchema.optional(),
  makerCommissionsBasisPoints: BpsSchema.optional(),
});
export type WireOrder = z.infer<typeof OrderSchema>;

export const ExecutionSchema = z.object({
  id: IdSchema,
  order: OrderSchema,
  lastShares: QuantitySchema.nullable().optional(),
  lastPx: AmountSchema.nullable().optional(),
  type: ExecutionTypeSchema,
  text: z.string().nullable().optional(),
  orderRejectReason: z.string().nullable().optional(),
  transactTime: TimestampSchema.optional(),
  tradeId: z.string().nullable().optional(),
  aggressor: z.boolean().nullable().optional(),
  commissionNotionalCollected: AmountSchema.nullable().optional(),
});
export type WireExecution = z.infer<typeof ExecutionSchema>;

export const CreateOrderResponseSchema = z.object({
  id: IdSchema,
  executions: z.array(ExecutionSchema).nullable().optional(),
});
export const OpenOrdersResponseSchema = z.object({ orders: z.array(OrderSchema) });
export const OrderResponseSchema = z.object({ order: OrderSchema });
export const CancelAllResponseSchema = z.object({ canceledOrderIds: z.array(IdSchema).optional().default([]) });

// ---- portfolio and account ----

export const UserPositionSchema = z.object({
  netPosition: QuantitySchema,
  qtyBought: QuantitySchema.optional().default(0),
  qtySold: QuantitySchema.optional().default(0),
  cost: AmountSchema.nullable().optional(),
  realized: AmountSchema.nullable().optional(),
  bodPosition: QuantitySchema.optional().default(0),
  expired: z.boolean().optional().default(false),
  updateTime: TimestampSchema.optional(),
  cashValue: AmountSchema.nullable().optional(),
  qtyAvailable: QuantitySchema.nullable().optional(),
});
export type WireUserPosition = z.infer<typeof UserPositionSchema>;

export const PositionsResponseSchema = z.object({
  positions: z.record(z.string(), UserPositionSchema),
  nextCursor: z.string().nullable().optional(),
  eof: z.boolean().optional(),
});

export const ActivityTradeSchema = z.object({
  id: IdSchema.optional(),
  marketSlug: z.string().min(1),
  state: z.string().optional(),
  createTime: TimestampSchema.optional(),
  updateTime: TimestampSchema.optional(),
  price: AmountSchema.optional(),
  qty: QuantitySchema.optional(),
  isAggressor: z.boolean().optional(),
  /** Not in the public SDK's shape; used when the venue (or the simulator) sends it. */
  orderId: IdSchema.optional(),
  executionId: IdSchema.optional(),
  /**
   * The order's intent and the signed fee of this trade (> 0 paid, < 0 rebate), when sent. Kept as given
   * (unknown) and validated where read (shared/reconciliation/venue-trade.ts), so an odd value never fails
   * the whole page; without them here zod would strip them and every reader would recompute the fee.
   */
  intent: z.unknown().optional(),
  fee: z.unknown().optional(),
});

export const ActivitySchema = z.object({
  type: z.string().min(1),
  /** Top-level references, when the venue (or the simulator) sends them. */
  id: z.union([IdSchema, z.number()]).optional(),
  marketSlug: z.string().min(1).nullable().optional(),
  orderId: IdSchema.nullable().optional(),
  executionId: IdSchema.nullable().optional(),
  time: TimestampSchema.optional(),
  createTime: TimestampSchema.optional(),
  trade: ActivityTradeSchema.nullable().optional(),
  positionResolution: z
    .object({ marketSlug: z.string().min(1), updateTime: TimestampSchema.optional(), tradeId: z.string().optional() })
    .nullable()
    .optional(),
  accountBalanceChange: z.unknown().optional(),
  /** Order lifecycle activity (the simulator's; other fields are ignored). */
  order: z.object({ orderId: IdSchema.optional(), executionId: IdSchema.optional() }).nullable().optional(),
});
export type WireActivity = z.infer<typeof ActivitySchema>;

export const ActivitiesResponseSchema = z.object({
  activities: z.array(ActivitySchema),
  nextCursor: z.string().nullable().optional(),
  eof: z.boolean().optional(),
});

export const BalanceSchema = z.object({
  currentBalance: LooseMoneySchema,
  currency: z.string().min(1),
  buyingPower: LooseMoneySchema,
  openOrders: LooseMoneySchema.nullable().optional(),
  lastUpdated: TimestampSchema.optional(),
});
export type WireBalance = z.infer<typeof BalanceSchema>;
export const BalancesResponseSchema = z.object({ balances: z.array(BalanceSchema) });

/** The error body: `{ message }` or `{ error }`. */
export const ErrorBodySchema = z.object({ message: z.string().optional(), error: z.string().optional() });
