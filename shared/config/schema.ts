/**
 * The configuration schema: the original configuration schema (api, trading, risk, strategies, sports_data, logging) plus what a
 * production system needs (fee schedule, ticks, paper-exchange model, sportsbook weights, base URLs, an
 * optional aws section). Keys are snake_case as written in YAML; unknown keys are errors (a typo in a risk
 * limit must not be silently ignored). Every range check carries a message naming the fix.
 *
 * `RawConfig` is the validated YAML shape (USD as numbers); `toAppConfig` turns it into the typed `AppConfig`
 * the engine uses (money and prices in integer micros, durations in ms, camelCase).
 */
import { Decimal } from 'decimal.js';
import * as z from 'zod';
import { usdToMicros, type Micros, type PriceMicros } from '../domain/money.js';
import { thetaToPpm, type FeeSchedule } from '../domain/fees.js';
import { contracts, type Qty } from '../domain/quantity.js';
import { WEEKDAYS, isKnownTimeZone, parseClockTime, type WeeklyWindow } from '../domain/maintenance-calendar.js';
import { toOpticOddsId, toOpticOddsIds } from '../feeds/opticodds-ids.js';

// ---------------------------------------------------------------------------------------------------------
// Field builders: numbers may arrive as strings after ${ENV} interpolation, so numeric strings are coerced.

function coerceNumber(v: unknown): unknown {
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}
function coerceBoolean(v: unknown): unknown {
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return v;
}
function emptyToUndefined(v: unknown): unknown {
  return typeof v === 'string' && v.trim() === '' ? undefined : v;
}

interface Range {
  /** Lower bound and whether it is included. */
  min?: number;
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
  int?: boolean;
  /** Suggestion appended to the message, e.g. "0.25 (quarter Kelly) is a common choice". */
  hint?: string;
  /** At most this many decimals (6 for USD amounts: micros). */
  decimals?: number;
}

function describeRange(r: Range): string {
  if (r.min !== undefined && r.max !== undefined) {
    return `in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
  }
  if (r.min !== undefined) return r.minOpen ? `greater than ${r.min}` : `at least ${r.min}`;
  if (r.max !== undefined) return r.maxOpen ? `less than ${r.max}` : `at most ${r.max}`;
  return 'a number';
}

function num(r: Range = {}) {
  return z.preprocess(
    coerceNumber,
    z
      .number({ error: (iss) => `must be a number — got ${JSON.stringify(iss.input) ?? 'nothing'}` })
      .superRefine((v, ctx) => {
        const bad =
          !Number.isFinite(v) ||
          (r.min !== undefined && (r.minOpen ? v <= r.min : v < r.min)) ||
          (r.max !== undefined && (r.maxOpen ? v >= r.max : v > r.max));
        const hint = r.hint ? `; ${r.hint}` : '';
        if (bad) {
          ctx.addIssue({ code: 'custom', message: `must be ${r.int ? 'an integer ' : ''}${describeRange(r)} — got ${v}${hint}` });
          return;
        }
        if (r.int && !Number.isInteger(v)) ctx.addIssue({ code: 'custom', message: `must be a whole number — got ${v}${hint}` });
        if (r.decimals !== undefined && new Decimal(v).decimalPlaces() > r.decimals) {
          ctx.addIssue({ code: 'custom', message: `must have at most ${r.decimals} decimal places — got ${v}` });
        }
      }),
  );
}

/** Integer micros are exact below 2^53: about 9 billion USD (shared/domain/money.ts). */
const MAX_USD = 9_000_000_000;
/**
 * The largest contract count a quantity setting may hold: in hundredths (shared/domain/quantity.ts) times a price
 * in micros it stays below 2^53, so sizes and notionals stay exact (and contracts() never refuses it).
 */
const MAX_CONTRACTS = 90_000_000;
/** Node clamps a timer delay above 2^31 − 1 ms to 1 ms: a larger timeout would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** A USD amount (≤ 6 decimals), converted to micros by toAppConfig. */
const usd = (r: Range = {}) =>
  num({ decimals: 6, ...r }).superRefine((v, ctx) => {
    if (Math.abs(v) > MAX_USD) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_USD} USD in size (beyond, micros are not exact) — got ${v}` });
  });
/** A long-side price or price difference in USD per contract, strictly inside (0, 1). */
const priceDelta = (r: Range = {}) => num({ min: 0, minOpen: true, max: 1, maxOpen: true, decimals: 6, ...r });
const bool = () => z.preprocess(coerceBoolean, z.boolean({ error: (iss) => `must be true or false — got ${JSON.stringify(iss.input)}` }));
const str = () => z.string({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a string — got ${JSON.stringify(iss.input)}`) });
/** A secret: its value is never echoed in an error message. */
const optionalSecret = () =>
  z.preprocess(emptyToUndefined, z.string({ error: 'must be a string (value not shown: it is a secret)' }).optional());
const optionalStr = () => z.preprocess(emptyToUndefined, str().optional());
const url = (protocols: string[]) =>
  str().superRefine((v, ctx) => {
    let ok = false;
    try {
      ok = protocols.includes(new URL(v).protocol);
    } catch {
      ok = false;
    }
    if (!ok) ctx.addIssue({ code: 'custom', message: `must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL — got ${JSON.stringify(v)}` });
  });
const httpUrl = () => url(['http:', 'https:']);
const wsUrl = () => url(['ws:', 'wss:']);
function oneOf<const T extends readonly [string, ...string[]]>(values: T, normalise: (s: string) => string = (s) => s) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? normalise(v) : v),
    z.enum(values, { error: (iss) => `must be one of ${values.join(', ')} — got ${JSON.stringify(iss.input)}` }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Sections

export const TRADING_MODES = ['paper', 'live'] as const;
export type TradingMode = (typeof TRADING_MODES)[number];

const apiSchema = z.strictObject({
  base_url: httpUrl().default('https://api.polymarket.us'),
  gateway_url: httpUrl().default('https://gateway.polymarket.us'),
  /** The seed's single socket base; when given, `/markets` and `/private` are appended unless set below. */
  ws_url: wsUrl().optional(),
  ws_markets_url: wsUrl().optional(),
  ws_private_url: wsUrl().optional(),
  api_key_id: optionalSecret(),
  private_key: optionalSecret(),
  request_timeout_ms: num({ min: 1, max: MAX_TIMER_MS, int: true }).default(5_000),
  /** Silence on a socket after which it is considered dead and reconnected. */
  ws_silence_timeout_ms: num({ min: 1_000, max: MAX_TIMER_MS, int: true }).default(30_000),
  /** The client-side budget of ALL authenticated requests of the API key, per second (the venue allows 20). */
  rate_limit_per_second: num({ min: 1, max: 1_000, int: true }).default(20),
});

/** A fee coefficient Θ: fee = Θ × contracts × p × (1 − p). At most 6 decimals (it is held in ppm). */
function theta(hint: string) {
  return num({ min: 0, max: 1, maxOpen: true, decimals: 6, hint });
}

const feeOverrideSchema = z.strictObject({
  /** The sport the change applies to (e.g. table_tennis); absent = every market. */
  sport: str().optional(),
  /** When the change takes effect: an ISO-8601 instant with its offset, e.g. 2026-10-01T03:59:00Z. */
  effective_from: str().superRefine((v, ctx) => {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || !Number.isFinite(Date.parse(v))) {
      ctx.addIssue({ code: 'custom', message: `must be an ISO-8601 instant with a zone, e.g. 2026-10-01T03:59:00Z — got ${JSON.stringify(v)}` });
    }
  }),
  taker_theta: theta('the taker coefficient from the venue fee page, e.g. 0.10').optional(),
  maker_theta: theta('the maker rebate coefficient, e.g. 0.0125').optional(),
});

const feesSchema = z.strictObject({
  /** Taker Θ for markets whose data carries no feeCoefficient (the venue's default since 2026-09-25). */
  taker_theta: theta('0.0695 is the venue default').default(0.0695),
  /** Maker rebate Θ, credited at the fill. */
  maker_theta: theta('0.0125 is the venue default').default(0.0125),
  /** Scheduled changes (the venue updates its fee page only when they take effect). */
  overrides: z.array(feeOverrideSchema).default([]),
});

const paperSchema = z.strictObject({
  starting_balance: usd({ min: 0, minOpen: true, hint: 'the paper account needs money to trade, e.g. 1000' }).default(1_000),
  order_latency_ms: num({ min: 0, max: MAX_TIMER_MS, int: true }).default(50),
  cancel_latency_ms: num({ min: 0, max: MAX_TIMER_MS, int: true }).default(50),
  seed: num({ int: true }).optional(),
});

const clockTime = () =>
  str().superRefine((v, ctx) => {
    if (parseClockTime(v) === null) ctx.addIssue({ code: 'custom', message: `must be a local time HH:MM between 00:00 and 24:00, e.g. "02:00" — got ${JSON.stringify(v)}` });
  });

/** The exchange's weekly maintenance (docs/venue-rules.md): orders cancelled, no quoting, resumed after. */
const maintenanceSchema = z
  .strictObject({
    enabled: bool().default(true),
    weekday: oneOf(WEEKDAYS, (s) => s.toLowerCase()).default('thursday'),
    start: clockTime().default('02:00'),
    end: clockTime().default('06:00'),
    time_zone: str()
      .superRefine((v, ctx) => {
        if (!isKnownTimeZone(v)) ctx.addIssue({ code: 'custom', message: `must be an IANA time zone, e.g. "America/New_York" — got ${JSON.stringify(v)}` });
      })
      .default('America/New_York'),
  })
  .superRefine((m, ctx) => {
    const start = parseClockTime(m.start);
    const end = parseClockTime(m.end);
    if (start !== null && end !== null && start >= end) ctx.addIssue({ code: 'custom', path: ['end'], message: `must be after start (${m.start}) on the same day — got ${m.end}` });
  });

const tradingSchema = z.strictObject({
  mode: oneOf(TRADING_MODES, (s) => s.toLowerCase()).default('paper'),
  markets: z.array(str()).default(['*']),
  fees: feesSchema.prefault({}),
  default_tick: priceDelta({ hint: '0.01 is the exchange default' }).default(0.01),
  default_min_qty: num({ min: 0.01, max: MAX_CONTRACTS, decimals: 2, hint: 'contracts: 1 (whole contracts) or 0.01 (hundredths)' }).default(1),
  paper: paperSchema.prefault({}),
  maintenance: maintenanceSchema.prefault({}),
});

const riskSchema = z.strictObject({
  max_position_per_market: usd({ min: 0, minOpen: true, hint: 'a positive USD amount, e.g. 100' }),
  max_portfolio_exposure: usd({ min: 0, minOpen: true, hint: 'a positive USD amount, e.g. 500' }),
  max_daily_loss: usd({ min: 0, minOpen: true, hint: 'a positive USD amount, e.g. 50' }),
  kelly_fraction: num({ min: 0, minOpen: true, max: 1, hint: '0.25 (quarter Kelly) is a common choice' }),
  min_trade_size: usd({ min: 0, hint: 'a USD amount, e.g. 1' }),
  /** Limit on the summed exposure of markets of one game or one team. Default: max_portfolio_exposure / 2. */
  max_correlated_exposure: usd({ min: 0, minOpen: true, hint: 'a positive USD amount, e.g. half of max_portfolio_exposure' }).optional(),
  daily_reset_timezone: str().default('America/New_York'),
});

// decimals: 6 — the edge becomes micros; 0.0000004 would round to a zero edge. The edge is in USD per
// contract (= probability points) and is what a trade must keep AFTER the taker fee.
const minEdge = () => num({ min: 0, minOpen: true, max: 0.5, maxOpen: true, decimals: 6, hint: 'an edge in probability points after fees, e.g. 0.03' });

/** How long a market-maker quote rests before it expires (GTD), ms. */
export const DEFAULT_QUOTE_LIFETIME_MS = 600_000;

const marketMakerSchema = z.strictObject({
  enabled: bool().default(false),
  spread: priceDelta({ hint: 'a full bid-ask width, e.g. 0.02' }),
  order_size: usd({ min: 0, minOpen: true, hint: 'USD per side, e.g. 10' }),
  refresh_interval: num({ min: 0, minOpen: true, hint: 'seconds between requotes, e.g. 5' }),
  consensus_weight: num({ min: 0, max: 1, hint: '0 = exchange mid only, 1 = sportsbook consensus only' }).default(0.5),
  require_consensus: bool().default(false),
  skew_per_contract: num({ min: 0, max: 0.1, decimals: 6 }).default(0.0005),
  max_skew: num({ min: 0, max: 0.5, decimals: 6 }).default(0.05),
  max_inventory: num({ min: 0, max: MAX_CONTRACTS, decimals: 2, hint: 'contracts, e.g. 200' }).default(200),
  stale_book_ms: num({ min: 1, int: true }).default(15_000),
  stale_consensus_ms: num({ min: 1, int: true }).default(120_000),
  pause_after_event_ms: num({ min: 0, int: true }).default(3_000),
  min_requote_ticks: num({ min: 1, int: true }).default(1),
  /** Seconds a quote rests before the exchange expires it (GTD): quotes end by themselves if the bot dies. */
  quote_lifetime: num({ min: 1, max: MAX_TIMER_MS / 1000, hint: 'seconds, e.g. 600' }).default(DEFAULT_QUOTE_LIFETIME_MS / 1000),
  max_position: usd({ min: 0, minOpen: true }).optional(),
});

const liveArbitrageSchema = z.strictObject({
  enabled: bool().default(false),
  min_edge: minEdge(),
  max_position: usd({ min: 0, minOpen: true, hint: 'a positive USD amount, e.g. 50' }),
  confidence: num({ min: 0, minOpen: true, max: 1 }).default(0.8),
  reaction_window_ms: num({ min: 0, int: true }).default(10_000),
  cooldown_ms: num({ min: 0, int: true }).default(1_000),
});

const statisticalEdgeSchema = z.strictObject({
  enabled: bool().default(false),
  min_edge: minEdge(),
  confidence_threshold: num({ min: 0, max: 1, hint: 'e.g. 0.7' }),
  order_size: usd({ min: 0, minOpen: true }).default(20),
  max_consensus_age_ms: num({ min: 1, int: true }).default(60_000),
  cooldown_ms: num({ min: 0, int: true }).default(5_000),
  max_position: usd({ min: 0, minOpen: true }).optional(),
});

const aggregatorSchema = z.strictObject({
  dedupe_window_ms: num({ min: 0, int: true }).default(1_000),
});

const strategiesSchema = z.strictObject({
  market_maker: marketMakerSchema,
  live_arbitrage: liveArbitrageSchema,
  statistical_edge: statisticalEdgeSchema,
  aggregator: aggregatorSchema.prefault({}),
});

export const DEVIG_METHODS = ['multiplicative', 'additive', 'power', 'shin'] as const;
export type DevigMethod = (typeof DEVIG_METHODS)[number];

const sportsDataSchema = z.strictObject({
  provider: oneOf(['opticodds'] as const, (s) => s.toLowerCase()).default('opticodds'),
  api_key: optionalSecret(),
  base_url: httpUrl().default('https://api.opticodds.com/api/v3'),
  stream_base_url: httpUrl().optional(),
  sports: z.array(str()).default(['basketball']),
  leagues: z.array(str()).default(['NBA']),
  odds_markets: z.array(str()).default(['Moneyline']),
  sportsbooks: z.array(str()).default(['Pinnacle', 'DraftKings', 'FanDuel']),
  /** Consensus weight per sportsbook display name; books not listed get default_sportsbook_weight. */
  sportsbook_weights: z.record(z.string(), num({ min: 0 })).default({}),
  default_sportsbook_weight: num({ min: 0 }).default(1),
  devig_method: oneOf(DEVIG_METHODS, (s) => s.toLowerCase()).default('multiplicative'),
  odds_poll_interval_seconds: num({ min: 1 }).default(10),
  /** A stream with no ping/data for this long is dead (about three missed 5 s pings). */
  stale_after_ms: num({ min: 1_000, int: true }).default(15_000),
  /**
   * Drop a price this long after its last change; null (default): never by age — a price stays valid until
   * locked or until its stream goes quiet (OpticOdds stamps an odd with its last change, not its last check).
   */
  odds_expire_after_ms: num({ min: 1_000, int: true }).nullable().default(null),
  /** OpticOdds takes at most 5 sportsbooks per odds-stream connection (more: several streams, merged). */
  max_sportsbooks_per_stream: num({ min: 1, max: 5, int: true }).default(5),
  /** At most this many leagues per odds-stream connection (OpticOdds advises 10). */
  max_leagues_per_stream: num({ min: 1, int: true }).default(10),
}).superRefine((sd, ctx) => {
  // OpticOdds filters on ids (slugs); display names are accepted when known (shared/feeds/opticodds-ids.ts).
  const lists = [
    ['sports', 'sport'],
    ['leagues', 'league'],
    ['odds_markets', 'market'],
    ['sportsbooks', 'sportsbook'],
  ] as const;
  for (const [field, kind] of lists) {
    sd[field].forEach((v, i) => {
      try {
        toOpticOddsId(kind, v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: [field, i], message: (e as Error).message });
      }
    });
  }
});

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const loggingSchema = z.strictObject({
  level: oneOf(LOG_LEVELS, (s) => s.toLowerCase()).default('info'),
  file: optionalStr(),
  format: oneOf(['json', 'pretty'] as const, (s) => s.toLowerCase()).default('json'),
});

const awsSchema = z.strictObject({
  region: optionalStr(),
  tables: z
    .strictObject({
      orders: optionalStr(),
      fills: optionalStr(),
      positions: optionalStr(),
      risk_day: optionalStr(),
      odds: optionalStr(),
    })
    .default({}),
  queues: z
    .strictObject({
      odds_updates_url: optionalStr(),
      control_url: optionalStr(),
      dead_letter_url: optionalStr(),
    })
    .default({}),
  ssm: z
    .strictObject({
      trading_mode_param: optionalStr(),
      kill_switch_param: optionalStr(),
    })
    .default({}),
  secrets: z
    .strictObject({
      exchange_key_secret_id: optionalStr(),
      data_provider_key_secret_id: optionalStr(),
    })
    .default({}),
  alerts_topic_arn: optionalStr(),
});

export const rawConfigSchema = z
  .strictObject({
    api: apiSchema.prefault({}),
    trading: tradingSchema.prefault({}),
    risk: riskSchema,
    strategies: strategiesSchema,
    sports_data: sportsDataSchema.prefault({}),
    logging: loggingSchema.prefault({}),
    aws: awsSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (c.trading.mode === 'live') {
      if (!c.api.api_key_id) issue(['api', 'api_key_id'], 'is required in live mode; set PM_API_KEY_ID (or run in paper mode)');
      if (!c.api.private_key) issue(['api', 'private_key'], 'is required in live mode; set PM_PRIVATE_KEY (or run in paper mode)');
      if (!c.sports_data.api_key) issue(['sports_data', 'api_key'], 'is required in live mode; set OPTICODDS_API_KEY');
    }
    const r = c.risk;
    if (r.max_position_per_market > r.max_portfolio_exposure) {
      issue(['risk', 'max_position_per_market'], `must not exceed risk.max_portfolio_exposure (${r.max_portfolio_exposure}) — got ${r.max_position_per_market}`);
    }
    if (r.min_trade_size > r.max_position_per_market) {
      issue(['risk', 'min_trade_size'], `must not exceed risk.max_position_per_market (${r.max_position_per_market}) — got ${r.min_trade_size}; no trade could ever pass`);
    }
    if (r.max_correlated_exposure !== undefined && r.max_correlated_exposure > r.max_portfolio_exposure) {
      issue(['risk', 'max_correlated_exposure'], `must not exceed risk.max_portfolio_exposure (${r.max_portfolio_exposure}) — got ${r.max_correlated_exposure}`);
    }
    const mm = c.strategies.market_maker;
    if (mm.spread < c.trading.default_tick) {
      issue(['strategies', 'market_maker', 'spread'], `must be at least one tick (trading.default_tick = ${c.trading.default_tick}) — got ${mm.spread}`);
    }
    if (mm.max_skew < mm.skew_per_contract) {
      issue(['strategies', 'market_maker', 'max_skew'], `must be at least skew_per_contract (${mm.skew_per_contract}) — got ${mm.max_skew}`);
    }
    const fee = worstTakerFee(c);
    for (const key of ['live_arbitrage', 'statistical_edge'] as const) {
      const edge = c.strategies[key].min_edge;
      if (new Decimal(edge).lt(fee.perContract)) {
        issue(
          ['strategies', key, 'min_edge'],
          `must cover the taker fee it would pay — got ${edge}: at the worst price p = 0.50 the fee is ${fee.theta} × 0.50 × 0.50 = ` +
            `${fee.perContract.toFixed()} USD per contract (${fee.source}); fees are Θ × p × (1 − p), docs/venue-rules.md "Fees". ` +
            `Set min_edge to at least ${fee.perContract.toFixed()} (it is in USD per contract = probability points, e.g. 0.03)`,
        );
      }
    }
  });

/**
 * The highest taker fee per contract the configured schedule can charge a traded market: Θ × 0.25 (p = 0.50)
 * for the largest taker Θ among the default and the overrides for every sport or for a sport in
 * sports_data.sports (future overrides included: the check must hold after they take effect).
 */
function worstTakerFee(c: { trading: { fees: { taker_theta: number; overrides: { sport?: string; taker_theta?: number; effective_from: string }[] } }; sports_data: { sports: string[] } }): {
  theta: number;
  perContract: Decimal;
  source: string;
} {
  const sports = new Set(c.sports_data.sports.map((x) => x.toLowerCase()));
  let theta = c.trading.fees.taker_theta;
  let source = 'trading.fees.taker_theta';
  c.trading.fees.overrides.forEach((o, i) => {
    if (o.taker_theta === undefined || o.taker_theta <= theta) return;
    if (o.sport !== undefined && !sports.has(o.sport.toLowerCase())) return;
    theta = o.taker_theta;
    source = `trading.fees.overrides[${i}]${o.sport !== undefined ? ` for ${o.sport}` : ''} from ${o.effective_from}`;
  });
  return { theta, perContract: new Decimal(theta).times(0.25), source };
}

export type RawConfig = z.output<typeof rawConfigSchema>;

// ---------------------------------------------------------------------------------------------------------
// The typed configuration the engine uses.

export interface MarketMakerConfig {
  enabled: boolean;
  /** Full quoted width, micros of price. */
  spread: PriceMicros;
  /** USD per side, micros. */
  orderSize: Micros;
  refreshIntervalMs: number;
  /** Weight of the sportsbook consensus in the fair value (the rest is the exchange mid). */
  consensusWeight: number;
  requireConsensus: boolean;
  /** Price shift per contract of inventory, micros. */
  skewPerContract: PriceMicros;
  maxSkew: PriceMicros;
  /** Hundredths of a contract (config: contracts); the side that would add inventory beyond this is not quoted. */
  maxInventory: Qty;
  staleBookMs: number;
  staleConsensusMs: number;
  pauseAfterEventMs: number;
  minRequoteTicks: number;
  maxPosition?: Micros;
  /** How long a quote rests (GTD goodTillTime = now + this), ms; default DEFAULT_QUOTE_LIFETIME_MS. */
  quoteLifetimeMs?: number;
}

export interface LiveArbitrageConfig {
  enabled: boolean;
  minEdge: PriceMicros;
  maxPosition: Micros;
  confidence: number;
  reactionWindowMs: number;
  cooldownMs: number;
}

export interface StatisticalEdgeConfig {
  enabled: boolean;
  minEdge: PriceMicros;
  confidenceThreshold: number;
  orderSize: Micros;
  maxConsensusAgeMs: number;
  cooldownMs: number;
  maxPosition?: Micros;
}

export interface RiskConfig {
  maxPositionPerMarket: Micros;
  maxPortfolioExposure: Micros;
  maxDailyLoss: Micros;
  kellyFraction: number;
  minTradeSize: Micros;
  /** Defaults to maxPortfolioExposure / 2 (see shared/risk/correlation-checker.ts). */
  maxCorrelatedExposure: Micros;
  dailyResetTimezone: string;
}

export interface AppConfig {
  mode: TradingMode;
  api: {
    baseUrl: string;
    gatewayUrl: string;
    wsMarketsUrl: string;
    wsPrivateUrl: string;
    apiKeyId?: string;
    privateKey?: string;
    requestTimeoutMs: number;
    wsSilenceTimeoutMs: number;
    rateLimitPerSecond: number;
  };
  trading: {
    mode: TradingMode;
    markets: string[];
    fees: FeeSchedule;
    defaultTick: PriceMicros;
    /** Hundredths of a contract (config: contracts, 1 or 0.01). */
    defaultMinQty: Qty;
    paper: { startingBalance: Micros; orderLatencyMs: number; cancelLatencyMs: number; seed?: number };
    /** The weekly maintenance window; null when disabled. */
    maintenance: WeeklyWindow | null;
  };
  risk: RiskConfig;
  strategies: {
    marketMaker: MarketMakerConfig;
    liveArbitrage: LiveArbitrageConfig;
    statisticalEdge: StatisticalEdgeConfig;
    aggregator: { dedupeWindowMs: number };
  };
  sportsData: {
    provider: 'opticodds';
    apiKey?: string;
    baseUrl: string;
    streamBaseUrl: string;
    /** OpticOdds ids (slugs), resolved from the configured ids or display names: "basketball". */
    sports: string[];
    /** League ids: "nba". */
    leagues: string[];
    /** Market ids: "moneyline" (the directory's oddsMarket, matched against a quote's market id). */
    oddsMarkets: string[];
    /** Sportsbook ids: "pinnacle". */
    sportsbooks: string[];
    sportsbookWeights: Record<string, number>;
    defaultSportsbookWeight: number;
    devigMethod: DevigMethod;
    oddsPollIntervalMs: number;
    staleAfterMs: number;
    /** null = a price never expires by age (see sports_data.odds_expire_after_ms). */
    oddsExpireAfterMs: number | null;
    maxSportsbooksPerStream: number;
    maxLeaguesPerStream: number;
  };
  logging: { level: (typeof LOG_LEVELS)[number]; file?: string; format: 'json' | 'pretty' };
  aws?: {
    region?: string;
    tables: { orders?: string; fills?: string; positions?: string; riskDay?: string; odds?: string };
    queues: { oddsUpdatesUrl?: string; controlUrl?: string; deadLetterUrl?: string };
    ssm: { tradingModeParam?: string; killSwitchParam?: string };
    secrets: { exchangeKeySecretId?: string; dataProviderKeySecretId?: string };
    alertsTopicArn?: string;
  };
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');

/** Converts the validated YAML shape into engine units. Pure; never throws on a validated input. */
export function toAppConfig(raw: RawConfig): AppConfig {
  const r = raw.risk;
  const mm = raw.strategies.market_maker;
  const la = raw.strategies.live_arbitrage;
  const se = raw.strategies.statistical_edge;
  const sd = raw.sports_data;
  const wsBase = raw.api.ws_url ? trimSlash(raw.api.ws_url) : 'wss://api.polymarket.us/v1/ws';
  const maxPortfolio = usdToMicros(r.max_portfolio_exposure);
  return {
    mode: raw.trading.mode,
    api: {
      baseUrl: trimSlash(raw.api.base_url),
      gatewayUrl: trimSlash(raw.api.gateway_url),
      wsMarketsUrl: raw.api.ws_markets_url ?? `${wsBase}/markets`,
      wsPrivateUrl: raw.api.ws_private_url ?? `${wsBase}/private`,
      apiKeyId: raw.api.api_key_id,
      privateKey: raw.api.private_key,
      requestTimeoutMs: raw.api.request_timeout_ms,
      wsSilenceTimeoutMs: raw.api.ws_silence_timeout_ms,
      rateLimitPerSecond: raw.api.rate_limit_per_second,
    },
    trading: {
      mode: raw.trading.mode,
      markets: raw.trading.markets,
      fees: {
        defaults: { takerThetaPpm: thetaToPpm(raw.trading.fees.taker_theta), makerThetaPpm: thetaToPpm(raw.trading.fees.maker_theta) },
        overrides: raw.trading.fees.overrides.map((o) => ({
          ...(o.sport !== undefined ? { sport: o.sport } : {}),
          effectiveFrom: Date.parse(o.effective_from),
          ...(o.taker_theta !== undefined ? { takerThetaPpm: thetaToPpm(o.taker_theta) } : {}),
          ...(o.maker_theta !== undefined ? { makerThetaPpm: thetaToPpm(o.maker_theta) } : {}),
        })),
      },
      defaultTick: usdToMicros(raw.trading.default_tick),
      defaultMinQty: contracts(raw.trading.default_min_qty),
      paper: {
        startingBalance: usdToMicros(raw.trading.paper.starting_balance),
        orderLatencyMs: raw.trading.paper.order_latency_ms,
        cancelLatencyMs: raw.trading.paper.cancel_latency_ms,
        seed: raw.trading.paper.seed,
      },
      maintenance: raw.trading.maintenance.enabled
        ? {
            weekday: WEEKDAYS.indexOf(raw.trading.maintenance.weekday),
            startMinute: parseClockTime(raw.trading.maintenance.start)!,
            endMinute: parseClockTime(raw.trading.maintenance.end)!,
            timeZone: raw.trading.maintenance.time_zone,
          }
        : null,
    },
    risk: {
      maxPositionPerMarket: usdToMicros(r.max_position_per_market),
      maxPortfolioExposure: maxPortfolio,
      maxDailyLoss: usdToMicros(r.max_daily_loss),
      kellyFraction: r.kelly_fraction,
      minTradeSize: usdToMicros(r.min_trade_size),
      maxCorrelatedExposure: r.max_correlated_exposure !== undefined ? usdToMicros(r.max_correlated_exposure) : Math.floor(maxPortfolio / 2),
      dailyResetTimezone: r.daily_reset_timezone,
    },
    strategies: {
      marketMaker: {
        enabled: mm.enabled,
        spread: usdToMicros(mm.spread),
        orderSize: usdToMicros(mm.order_size),
        refreshIntervalMs: Math.round(mm.refresh_interval * 1000),
        consensusWeight: mm.consensus_weight,
        requireConsensus: mm.require_consensus,
        skewPerContract: usdToMicros(mm.skew_per_contract),
        maxSkew: usdToMicros(mm.max_skew),
        maxInventory: contracts(mm.max_inventory),
        staleBookMs: mm.stale_book_ms,
        staleConsensusMs: mm.stale_consensus_ms,
        pauseAfterEventMs: mm.pause_after_event_ms,
        minRequoteTicks: mm.min_requote_ticks,
        quoteLifetimeMs: Math.round(mm.quote_lifetime * 1000),
        maxPosition: mm.max_position !== undefined ? usdToMicros(mm.max_position) : undefined,
      },
      liveArbitrage: {
        enabled: la.enabled,
        minEdge: usdToMicros(la.min_edge),
        maxPosition: usdToMicros(la.max_position),
        confidence: la.confidence,
        reactionWindowMs: la.reaction_window_ms,
        cooldownMs: la.cooldown_ms,
      },
      statisticalEdge: {
        enabled: se.enabled,
        minEdge: usdToMicros(se.min_edge),
        confidenceThreshold: se.confidence_threshold,
        orderSize: usdToMicros(se.order_size),
        maxConsensusAgeMs: se.max_consensus_age_ms,
        cooldownMs: se.cooldown_ms,
        maxPosition: se.max_position !== undefined ? usdToMicros(se.max_position) : undefined,
      },
      aggregator: { dedupeWindowMs: raw.strategies.aggregator.dedupe_window_ms },
    },
    sportsData: {
      provider: sd.provider,
      apiKey: sd.api_key,
      baseUrl: trimSlash(sd.base_url),
      streamBaseUrl: trimSlash(sd.stream_base_url ?? sd.base_url),
      sports: toOpticOddsIds('sport', sd.sports),
      leagues: toOpticOddsIds('league', sd.leagues),
      oddsMarkets: toOpticOddsIds('market', sd.odds_markets),
      sportsbooks: toOpticOddsIds('sportsbook', sd.sportsbooks),
      sportsbookWeights: sd.sportsbook_weights,
      defaultSportsbookWeight: sd.default_sportsbook_weight,
      devigMethod: sd.devig_method,
      oddsPollIntervalMs: Math.round(sd.odds_poll_interval_seconds * 1000),
      staleAfterMs: sd.stale_after_ms,
      oddsExpireAfterMs: sd.odds_expire_after_ms,
      maxSportsbooksPerStream: sd.max_sportsbooks_per_stream,
      maxLeaguesPerStream: sd.max_leagues_per_stream,
    },
    logging: { level: raw.logging.level, file: raw.logging.file, format: raw.logging.format },
    aws: raw.aws
      ? {
          region: raw.aws.region,
          tables: {
            orders: raw.aws.tables.orders,
            fills: raw.aws.tables.fills,
            positions: raw.aws.tables.positions,
            riskDay: raw.aws.tables.risk_day,
            odds: raw.aws.tables.odds,
          },
          queues: {
            oddsUpdatesUrl: raw.aws.queues.odds_updates_url,
            controlUrl: raw.aws.queues.control_url,
            deadLetterUrl: raw.aws.queues.dead_letter_url,
          },
          ssm: { tradingModeParam: raw.aws.ssm.trading_mode_param, killSwitchParam: raw.aws.ssm.kill_switch_param },
          secrets: {
            exchangeKeySecretId: raw.aws.secrets.exchange_key_secret_id,
            dataProviderKeySecretId: raw.aws.secrets.data_provider_key_secret_id,
          },
          alertsTopicArn: raw.aws.alerts_topic_arn,
        }
      : undefined,
  };
}
