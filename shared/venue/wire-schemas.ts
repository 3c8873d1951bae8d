/**
 * zod schemas of the Polymarket US REST responses (docs/venue-rules.md, sections "Values, enums, identifiers",
 * "Authenticated REST", "Public REST"). They check structure only and stay lenient where the venue drifts:
 * - unknown extra fields are ignored (zod objects strip them);
 * - enum fields are plain strings here: wire-convert.ts reads them through WireDrift, so an unknown value is
 *   counted and handled conservatively instead of failing the whole response;
 * - quantities accept a decimal string, a JSON number or an Amount-like `{ value }` (QuantityWireSchema) and
 *   are parsed exactly by parseQuantity on conversion;
 * - bodies that moved under a wrapper (`{ marketData: … }` for book and BBO) are accepted wrapped or bare.
 * Money stays strict: an Amount must be a plain decimal string with at most six decimal places, in USD.
 *
 * Each composite schema is a `z.lazy`: built when a parse first needs it, not at import. A process uses a few
 * of these endpoints (the reconciler Lambda: open orders, one order, positions, activities) and building all of
 * them was most of that Lambda's schema work at every cold start; z.lazy parses exactly as the schema it wraps
 * (same result, same issues, optionality forwarded) and keeps each schema built once.
 */
import * as z from 'zod';

/** A plain decimal with at most six significant decimal places (trailing zeros past six are tolerated). */
export const DECIMAL_TEXT = /^-?\d+(?:\.\d{1,6}0*)?$/;

export const AmountSchema = z.lazy(() => z.object({
  value: z.string().regex(DECIMAL_TEXT, 'amount value must be a plain decimal with at most 6 places'),
  currency: z.literal('USD'),
}));
export type WireAmount = z.infer<typeof AmountSchema>;

/** Money reported as a bare JSON number (balances, today) or decimal string, or an Amount (older shape). */
export const LooseMoneySchema = z.lazy(() => z.union([
  z.number().finite(),
  z.string().regex(DECIMAL_TEXT),
  AmountSchema,
]));
export type WireLooseMoney = z.infer<typeof LooseMoneySchema>;

/**
 * A contract quantity: a decimal string ("19.6000", "12"), a JSON number (order quantities are doubles) or an
 * Amount-like `{ value }` (the socket's trade quantity). Checked exactly by parseQuantity on conversion.
 */
export const QuantityWireSchema = z.lazy(() => z.union([
  z.number().finite(),
  z.string().min(1).max(40),
  z.object({ value: z.union([z.string().min(1).max(40), z.number().finite()]) }),
]));
export type WireQuantity = z.infer<typeof QuantityWireSchema>;
/** Kept for readers of the older name. */
export const QuantitySchema = QuantityWireSchema;

/** An enum field: any short string, read through WireDrift on conversion. */
export const EnumTextSchema = z.string().max(200);

/** An id: a non-empty string (orders, executions) … */
export const IdSchema = z.string().min(1).max(200);
/** … or a number/string for catalogue objects (events, markets, series). */
export const CatalogueIdSchema = z.lazy(() => z.union([z.number().int().nonnegative(), z.string().min(1).max(200)]));

/** ISO-8601 (any number of fractional digits) or epoch ms; null tolerated. */
export const TimestampSchema = z.lazy(() => z
  .union([z.string().refine((s) => Number.isFinite(Date.parse(s)), 'not an ISO timestamp'), z.number().int()])
  .nullable());

/** Basis points: a numeric string (today) or a number. */
export const BpsSchema = z.lazy(() => z.union([z.number().finite(), z.string().regex(/^-?\d+(?:\.\d+)?$/)]).nullable());

/** A decimal reported as a JSON number (tick size, minimum quantity, fee coefficient, settlement) or text. */
export const WireNumberSchema = z.lazy(() => z.union([z.number().finite(), z.string().regex(/^-?\d+(?:\.\d+)?$/)]));

/** Accepts a body either wrapped under `key` (today) or bare (older shape, the simulator before the rewrite). */
function wrappedOrBare<S extends z.ZodType>(key: string, schema: S) {
  return z.preprocess((v) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, key)) {
      const inner = (v as Record<string, unknown>)[key];
      if (typeof inner === 'object' && inner !== null) return inner;
    }
    return v;
  }, schema);
}

const MarketMetadataSchema = z.lazy(() => z
  .object({ slug: z.string().min(1).max(200).optional() })
  .nullable()
  .optional());

// ---- catalogue (public gateway) ----

export const TeamSchema = z.lazy(() => z.object({
  id: CatalogueIdSchema.nullable().optional(),
  name: z.string().nullable().optional(),
  abbreviation: z.string().optional(),
  league: z.string().optional(),
}));

export const MarketSideSchema = z.lazy(() => z.object({
  id: z.union([z.string(), z.number()]).nullable().optional(),
  long: z.boolean().nullable().optional(),
  quote: AmountSchema.nullable().optional(),
  tradable: z.boolean().nullable().optional(),
  identifier: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  /** The team the side is about (today's wire; the event's `teams[]` names it). */
  teamId: z.union([z.number(), z.string()]).nullable().optional(),
  /** Deprecated: the team itself, as older markets sent it. */
  team: TeamSchema.nullable().optional(),
}));

export const MarketSchema = z.lazy(() => z.object({
  id: CatalogueIdSchema,
  slug: z.string().min(1),
  /** Today's markets may omit it (`question`/`title` are nullable); the slug stands in. */
  title: z.string().nullable().optional(),
  question: z.string().nullable().optional(),
  outcome: z.string().nullable().optional(),
  status: EnumTextSchema.nullable().optional(),
  orderPriceMinTickSize: WireNumberSchema.nullable().optional(),
  minimumTradeQty: WireNumberSchema.nullable().optional(),
  feeCoefficient: WireNumberSchema.nullable().optional(),
  sportsMarketType: EnumTextSchema.nullable().optional(),
  line: WireNumberSchema.nullable().optional(),
  marketSides: z.array(MarketSideSchema).nullable().optional(),
  description: z.string().nullable().optional(),
  active: z.boolean().nullable().optional(),
  closed: z.boolean().nullable().optional(),
  eventSlug: z.string().nullable().optional(),
  team: TeamSchema.nullable().optional(),
  liquidity: z.number().nullable().optional(),
  volume: z.number().nullable().optional(),
}));
export type WireMarket = z.infer<typeof MarketSchema>;

export const EventSchema = z.lazy(() => z.object({
  id: CatalogueIdSchema,
  slug: z.string().min(1),
  title: z.string(),
  description: z.string().optional(),
  startTime: TimestampSchema.optional(),
  endTime: TimestampSchema.optional(),
  active: z.boolean().optional().default(true),
  closed: z.boolean().optional().default(false),
  gameId: CatalogueIdSchema.nullable().optional(),
  /** The teams of the game (today's wire): what a market side's `teamId` refers to. */
  teams: z.array(TeamSchema).nullable().optional(),
  markets: z.array(MarketSchema).optional().default([]),
}));
export type WireEvent = z.infer<typeof EventSchema>;

export const EventsResponseSchema = z.lazy(() => z.object({ events: z.array(EventSchema) }));
export const EventResponseSchema = z.lazy(() => z.object({ event: EventSchema }));
export const MarketsResponseSchema = z.lazy(() => z.object({ markets: z.array(MarketSchema) }));
export const MarketResponseSchema = z.lazy(() => z.object({ market: MarketSchema }));

export const BookLevelSchema = z.lazy(() => z.object({ px: AmountSchema, qty: QuantityWireSchema }));

export const MarketStatsSchema = z.lazy(() => z.object({
  lastTradePx: AmountSchema.nullable().optional(),
  sharesTraded: QuantityWireSchema.optional(),
  openInterest: QuantityWireSchema.optional(),
  highPx: AmountSchema.nullable().optional(),
  lowPx: AmountSchema.nullable().optional(),
}));

export const BookBodySchema = z.lazy(() => z.object({
  marketSlug: z.string().min(1),
  bids: z.array(BookLevelSchema).optional().default([]),
  offers: z.array(BookLevelSchema).optional().default([]),
  state: EnumTextSchema.optional(),
  stats: MarketStatsSchema.nullable().optional(),
  transactTime: TimestampSchema.optional(),
}));
/** GET /v1/markets/{slug}/book: `{ marketData: { … } }` today, a bare book before. */
export const BookSchema = z.lazy(() => wrappedOrBare('marketData', BookBodySchema));
export type WireBook = z.infer<typeof BookBodySchema>;

export const BboBodySchema = z.lazy(() => z.object({
  marketSlug: z.string().min(1),
  bestBid: AmountSchema.nullable().optional(),
  bestAsk: AmountSchema.nullable().optional(),
  bidDepth: z.number().int().nonnegative().optional(),
  askDepth: z.number().int().nonnegative().optional(),
  currentPx: AmountSchema.nullable().optional(),
  lastTradePx: AmountSchema.nullable().optional(),
  settlementPx: AmountSchema.nullable().optional(),
  longQuote: AmountSchema.nullable().optional(),
  shortQuote: AmountSchema.nullable().optional(),
  sharesTraded: QuantityWireSchema.optional(),
  openInterest: QuantityWireSchema.optional(),
  state: EnumTextSchema.optional(),
}));
/** GET /v1/markets/{slug}/bbo: `{ marketData: { … } }` today, a bare BBO before. */
export const BboSchema = z.lazy(() => wrappedOrBare('marketData', BboBodySchema));
export type WireBbo = z.infer<typeof BboBodySchema>;

/** GET /v1/markets/{slug}/settlement: `{ slug, settlement: number }` today; `{ marketSlug, settlementPrice: Amount, settledAt }` before. */
export const SettlementSchema = z.lazy(() => z.union([
  z.object({ slug: z.string().min(1), settlement: WireNumberSchema }),
  z.object({ marketSlug: z.string().min(1), settlementPrice: AmountSchema, settledAt: TimestampSchema.optional() }),
]));
export type WireSettlement = z.infer<typeof SettlementSchema>;

// ---- orders and executions ----

export const OrderSchema = z.lazy(() => z.object({
  id: IdSchema,
  marketSlug: z.string().min(1),
  side: EnumTextSchema.nullable().optional(),
  type: EnumTextSchema.nullable().optional(),
  price: AmountSchema.nullable().optional(),
  quantity: QuantityWireSchema,
  cumQuantity: QuantityWireSchema.nullable().optional(),
  leavesQuantity: QuantityWireSchema.nullable().optional(),
  tif: EnumTextSchema.nullable().optional(),
  goodTillTime: TimestampSchema.optional(),
  intent: EnumTextSchema.nullable().optional(),
  outcomeSide: EnumTextSchema.nullable().optional(),
  action: EnumTextSchema.nullable().optional(),
  state: EnumTextSchema,
  avgPx: AmountSchema.nullable().optional(),
  createTime: TimestampSchema.optional(),
  insertTime: TimestampSchema.optional(),
  commissionsBasisPoints: BpsSchema.optional(),
  makerCommissionsBasisPoints: BpsSchema.optional(),
  commissionNotionalTotalCollected: AmountSchema.nullable().optional(),
  marketMetadata: MarketMetadataSchema,
}));
export type WireOrder = z.infer<typeof OrderSchema>;

export const ExecutionSchema = z.lazy(() => z.object({
  id: IdSchema,
  order: OrderSchema,
  lastShares: QuantityWireSchema.nullable().optional(),
  lastPx: AmountSchema.nullable().optional(),
  type: EnumTextSchema,
  text: z.string().nullable().optional(),
  orderRejectReason: z.string().nullable().optional(),
  transactTime: TimestampSchema.optional(),
  tradeId: z.string().nullable().optional(),
  aggressor: z.boolean().nullable().optional(),
  commissionNotionalCollected: AmountSchema.nullable().optional(),
  unsolicitedCancelReason: EnumTextSchema.nullable().optional(),
}));
export type WireExecution = z.infer<typeof ExecutionSchema>;

export const CreateOrderResponseSchema = z.lazy(() => z.object({
  id: IdSchema,
  executions: z.array(ExecutionSchema).nullable().optional(),
}));
export const OpenOrdersResponseSchema = z.lazy(() => z.object({ orders: z.array(OrderSchema).optional().default([]) }));
export const OrderResponseSchema = z.lazy(() => z.object({ order: OrderSchema }));
export const CancelAllResponseSchema = z.lazy(() => z.object({ canceledOrderIds: z.array(IdSchema).optional().default([]) }));

// ---- portfolio and account ----

/** A position: the `…Decimal` fields are today's; the rounded int64 strings are deprecated (either may be absent). */
export const UserPositionSchema = z.lazy(() => z.object({
  netPosition: QuantityWireSchema.nullable().optional(),
  netPositionDecimal: QuantityWireSchema.nullable().optional(),
  qtyBought: QuantityWireSchema.nullable().optional(),
  qtyBoughtDecimal: QuantityWireSchema.nullable().optional(),
  qtySold: QuantityWireSchema.nullable().optional(),
  qtySoldDecimal: QuantityWireSchema.nullable().optional(),
  bodPosition: QuantityWireSchema.nullable().optional(),
  bodPositionDecimal: QuantityWireSchema.nullable().optional(),
  qtyAvailable: QuantityWireSchema.nullable().optional(),
  qtyAvailableDecimal: QuantityWireSchema.nullable().optional(),
  cost: AmountSchema.nullable().optional(),
  realized: AmountSchema.nullable().optional(),
  expired: z.boolean().nullable().optional(),
  updateTime: TimestampSchema.optional(),
  cashValue: AmountSchema.nullable().optional(),
  marketMetadata: MarketMetadataSchema,
}));
export type WireUserPosition = z.infer<typeof UserPositionSchema>;

export const PositionsResponseSchema = z.lazy(() => z.object({
  positions: z.record(z.string(), UserPositionSchema).optional().default({}),
  nextCursor: z.string().nullable().optional(),
  eof: z.boolean().optional(),
}));

export const ActivityTradeSchema = z.lazy(() => z.object({
  id: IdSchema.optional(),
  marketSlug: z.string().min(1),
  state: EnumTextSchema.nullable().optional(),
  createTime: TimestampSchema.optional(),
  updateTime: TimestampSchema.optional(),
  price: AmountSchema.nullable().optional(),
  /** Deprecated rounded count; qtyDecimal is preferred. */
  qty: QuantityWireSchema.nullable().optional(),
  qtyDecimal: QuantityWireSchema.nullable().optional(),
  isAggressor: z.boolean().nullable().optional(),
  costBasis: AmountSchema.nullable().optional(),
  realizedPnl: AmountSchema.nullable().optional(),
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
}));

export const ActivitySchema = z.lazy(() => z.object({
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
    .object({
      marketSlug: z.string().min(1),
      updateTime: TimestampSchema.optional(),
      tradeId: z.string().optional(),
      side: EnumTextSchema.nullable().optional(),
    })
    .nullable()
    .optional(),
  accountBalanceChange: z.unknown().optional(),
  /** Order lifecycle activity (the simulator's; other fields are ignored). */
  order: z.object({ orderId: IdSchema.optional(), executionId: IdSchema.optional() }).nullable().optional(),
}));
export type WireActivity = z.infer<typeof ActivitySchema>;

export const ActivitiesResponseSchema = z.lazy(() => z.object({
  activities: z.array(ActivitySchema).optional().default([]),
  nextCursor: z.string().nullable().optional(),
  eof: z.boolean().optional(),
}));

/** A balance: JSON numbers today (Amount objects and decimal strings accepted too). */
export const BalanceSchema = z.lazy(() => z.object({
  currentBalance: LooseMoneySchema,
  currency: z.string().min(1).optional().default('USD'),
  buyingPower: LooseMoneySchema,
  openOrders: LooseMoneySchema.nullable().optional(),
  lastUpdated: TimestampSchema.optional(),
}));
export type WireBalance = z.infer<typeof BalanceSchema>;
export const BalancesResponseSchema = z.lazy(() => z.object({ balances: z.array(BalanceSchema) }));

/** The error body: `{ message }` or `{ error }` (its own module, error-body-schema.ts, built on first use). */
export { errorBodySchema } from './error-body-schema.js';
