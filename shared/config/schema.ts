/**
 * The configuration schema — the single declaration of every setting: the original sections (api, trading,
 * risk, strategies, sports_data, logging) plus what a production system needs (fee schedule, ticks,
 * paper-exchange model, maintenance window, sportsbook weights, base URLs, an optional aws section).
 *
 * Keys are snake_case as written in YAML; unknown keys are errors (a typo in a risk limit must not be
 * silently ignored). Every range check carries a message naming the fix. Each field converts itself to the
 * engine's unit next to its declaration (./fields.ts: USD → integer micros, Θ → ppm, seconds → ms, names →
 * OpticOdds ids), each mapping renames its keys to camelCase (./camel-keys.ts), and the few settings derived
 * from several others (socket URLs, the fee schedule, the maintenance window, the correlated limit) are built
 * by their section. `AppConfig`, the typed configuration the engine uses, is the schema's output type.
 *
 * A field default is a `prefault`: the YAML value it stands for, parsed and converted like a written one.
 * Each section is a function and the document's schema is built on first use (`appConfigSchema()`), so a
 * module importing this one pays nothing until a configuration is actually parsed.
 */
import { Decimal } from 'decimal.js';
import * as z from 'zod';
import { microsToDecimal, type Micros, type PriceMicros } from '../domain/money.js';
import { ppmToTheta, type FeeSchedule, type ThetaPpm } from '../domain/fees.js';
import { WEEKDAYS, isKnownTimeZone, parseClockTime, type WeeklyWindow } from '../domain/maintenance-calendar.js';
import { camelKeys } from './camel-keys.js';
import {
  MAX_TIMER_MS, baseUrl, bool, clockTime, contracts, instant, num, oneOf, opticOddsIds, optionalSecret, optionalStr, price,
  priceDelta, seconds, str, theta, trimSlash, usd, wsUrl,
} from './fields.js';
import { settingsReader } from './settings-reader.js';
import { TRADING_MODES, tradingAccount, type TradingMode } from './trading-mode.js';

// The modes live in trading-mode.ts (importable without building this schema); re-exported for the callers here.
export { TRADING_MODES, tradingAccount, type TradingAccount, type TradingMode } from './trading-mode.js';
export const DEVIG_METHODS = ['multiplicative', 'additive', 'power', 'shin'] as const;
export type DevigMethod = (typeof DEVIG_METHODS)[number];
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
/** How long a market-maker quote rests before it expires (GTD), ms. */
export const DEFAULT_QUOTE_LIFETIME_MS = 600_000;

/** A USD amount from micros as the YAML would write it, for messages: 500_000_000 → "500". */
const usdText = (m: Micros): string => microsToDecimal(m).toFixed();

// ---------------------------------------------------------------------------------------------------------
// Sections

const apiSchema = () =>
  z
    .strictObject({
      base_url: baseUrl().prefault('https://api.polymarket.us'),
      gateway_url: baseUrl().prefault('https://gateway.polymarket.us'),
      /** The seed's single socket base; when given, `/markets` and `/private` are appended unless set below. */
      ws_url: wsUrl().optional(),
      ws_markets_url: wsUrl().optional(),
      ws_private_url: wsUrl().optional(),
      api_key_id: optionalSecret(),
      private_key: optionalSecret(),
      request_timeout_ms: num({ min: 1, max: MAX_TIMER_MS, int: true }).prefault(5_000),
      /** Silence on a socket after which it is considered dead and reconnected. */
      ws_silence_timeout_ms: num({ min: 1_000, max: MAX_TIMER_MS, int: true }).prefault(30_000),
      /** The client-side budget of ALL authenticated requests of the API key, per second (the venue allows 20). */
      rate_limit_per_second: num({ min: 1, max: 1_000, int: true }).prefault(20),
    })
    .transform(({ ws_url, ws_markets_url, ws_private_url, ...rest }) => {
      const wsBase = ws_url ? trimSlash(ws_url) : 'wss://api.polymarket.us/v1/ws';
      return { ...camelKeys(rest), wsMarketsUrl: ws_markets_url ?? `${wsBase}/markets`, wsPrivateUrl: ws_private_url ?? `${wsBase}/private` };
    });

const feeOverrideSchema = () =>
  z
    .strictObject({
      /** The sport the change applies to (e.g. table_tennis); absent = every market. */
      sport: str().optional(),
      /** When the change takes effect: an ISO-8601 instant with its offset, e.g. 2026-10-01T03:59:00Z. */
      effective_from: instant(),
      taker_theta: theta('the taker coefficient from the venue fee page, e.g. 0.10').optional(),
      maker_theta: theta('the maker rebate coefficient, e.g. 0.0125').optional(),
    })
    .transform((o) => camelKeys(o, { taker_theta: 'takerThetaPpm', maker_theta: 'makerThetaPpm' }));

const feesSchema = () =>
  z
    .strictObject({
      /** Taker Θ for markets whose data carries no feeCoefficient (the venue's default since 2026-09-25). */
      taker_theta: theta('0.0695 is the venue default').prefault(0.0695),
      /** Maker rebate Θ, credited at the fill. */
      maker_theta: theta('0.0125 is the venue default').prefault(0.0125),
      /** Scheduled changes (the venue updates its fee page only when they take effect). */
      overrides: z.array(feeOverrideSchema()).prefault([]),
    })
    .transform((f): FeeSchedule => ({ defaults: { takerThetaPpm: f.taker_theta, makerThetaPpm: f.maker_theta }, overrides: f.overrides }));

const paperSchema = () =>
  z
    .strictObject({
      starting_balance: usd({ min: 0, minOpen: true, hint: 'the paper account needs money to trade, e.g. 1000' }).prefault(1_000),
      order_latency_ms: num({ min: 0, max: MAX_TIMER_MS, int: true }).prefault(50),
      cancel_latency_ms: num({ min: 0, max: MAX_TIMER_MS, int: true }).prefault(50),
      market_data_delay_ms: num({ min: 0, max: MAX_TIMER_MS, int: true }).prefault(0),
      /**
       * Share of the visible size at an order's price that queues ahead of it when it arrives (1 = the back of
       * the visible queue, the pessimistic default; lower = some of it is assumed to leave before us). A shadow
       * day's calibration panel fits it (README "Shadow mode").
       */
      queue_ahead_fraction: num({ min: 0, max: 1, hint: '1 (the back of the visible queue) unless a shadow calibration says otherwise' }).prefault(1),
      seed: num({ int: true }).optional(),
    })
    .transform((p) => camelKeys(p));

/** The exchange's weekly maintenance (docs/venue-rules.md): orders cancelled, no quoting, resumed after. Null when disabled. */
const maintenanceSchema = () =>
  z
    .strictObject({
      enabled: bool().prefault(true),
      weekday: oneOf(WEEKDAYS, (s) => s.toLowerCase()).prefault('thursday'),
      start: clockTime().prefault('02:00'),
      end: clockTime().prefault('06:00'),
      time_zone: str()
        .superRefine((v, ctx) => {
          if (!isKnownTimeZone(v)) ctx.addIssue({ code: 'custom', message: `must be an IANA time zone, e.g. "America/New_York" — got ${JSON.stringify(v)}` });
        })
        .prefault('America/New_York'),
    })
    .superRefine((m, ctx) => {
      const start = parseClockTime(m.start);
      const end = parseClockTime(m.end);
      if (start !== null && end !== null && start >= end) ctx.addIssue({ code: 'custom', path: ['end'], message: `must be after start (${m.start}) on the same day — got ${m.end}` });
    })
    .transform(
      (m): WeeklyWindow | null =>
        m.enabled ? { weekday: WEEKDAYS.indexOf(m.weekday), startMinute: parseClockTime(m.start)!, endMinute: parseClockTime(m.end)!, timeZone: m.time_zone } : null,
    );

const tradingSchema = () =>
  z
    .strictObject({
      mode: oneOf(TRADING_MODES, (s) => s.toLowerCase()).prefault('paper'),
      markets: z.array(str()).prefault(['*']),
      fees: feesSchema().prefault({}),
      default_tick: priceDelta({ hint: '0.01 is the exchange default' }).prefault(0.01),
      default_min_qty: contracts({ min: 0.01, hint: 'contracts: 1 (whole contracts) or 0.01 (hundredths)' }).prefault(1),
      paper: paperSchema().prefault({}),
      maintenance: maintenanceSchema().prefault({}),
    })
    .transform((t) => camelKeys(t));

const riskSchema = () =>
  z
    .strictObject({
      max_position_per_market: usd({ min: 0, minOpen: true, hint: 'a positive USD amount, e.g. 100' }),
      max_portfolio_exposure: usd({ min: 0, minOpen: true, hint: 'a positive USD amount, e.g. 500' }),
      max_daily_loss: usd({ min: 0, minOpen: true, hint: 'a positive USD amount, e.g. 50' }),
      kelly_fraction: num({ min: 0, minOpen: true, max: 1, hint: '0.25 (quarter Kelly) is a common choice' }),
      min_trade_size: usd({ min: 0, hint: 'a USD amount, e.g. 1' }),
      /** Limit on the summed exposure of markets of one game or one team. Default: max_portfolio_exposure / 2. */
      max_correlated_exposure: usd({ min: 0, minOpen: true, hint: 'a positive USD amount, e.g. half of max_portfolio_exposure' }).optional(),
      daily_reset_timezone: str().prefault('America/New_York'),
    })
    .superRefine((r, ctx) => {
      const s = settingsReader(r, ctx);
      const perMarket = s.get<Micros>(['max_position_per_market']);
      const portfolio = s.get<Micros>(['max_portfolio_exposure']);
      const minTrade = s.get<Micros>(['min_trade_size']);
      const correlated = s.get<Micros>(['max_correlated_exposure']);
      const issue = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
      if (perMarket !== undefined && portfolio !== undefined && perMarket > portfolio) {
        issue('max_position_per_market', `must not exceed risk.max_portfolio_exposure (${usdText(portfolio)}) — got ${usdText(perMarket)}`);
      }
      if (minTrade !== undefined && perMarket !== undefined && minTrade > perMarket) {
        issue('min_trade_size', `must not exceed risk.max_position_per_market (${usdText(perMarket)}) — got ${usdText(minTrade)}; no trade could ever pass`);
      }
      if (correlated !== undefined && portfolio !== undefined && correlated > portfolio) {
        issue('max_correlated_exposure', `must not exceed risk.max_portfolio_exposure (${usdText(portfolio)}) — got ${usdText(correlated)}`);
      }
    })
    .transform(({ max_correlated_exposure, ...r }) => ({
      ...camelKeys(r),
      /** Defaults to maxPortfolioExposure / 2 (see shared/risk/correlation-checker.ts). */
      maxCorrelatedExposure: max_correlated_exposure ?? Math.floor(r.max_portfolio_exposure / 2),
    }));

// decimals: 6 — the edge becomes micros; 0.0000004 would round to a zero edge. The edge is in USD per
// contract (= probability points) and is what a trade must keep AFTER the taker fee.
const minEdge = () => price({ min: 0, minOpen: true, max: 0.5, maxOpen: true, hint: 'an edge in probability points after fees, e.g. 0.03' });

const marketMakerSchema = () =>
  z
    .strictObject({
      enabled: bool().prefault(false),
      /** Full quoted width. */
      spread: priceDelta({ hint: 'a full bid-ask width, e.g. 0.02' }),
      /** USD per side. */
      order_size: usd({ min: 0, minOpen: true, hint: 'USD per side, e.g. 10' }),
      refresh_interval: seconds({ min: 0, minOpen: true, hint: 'seconds between requotes, e.g. 5' }),
      /** Weight of the sportsbook consensus in the fair value (the rest is the exchange mid). */
      consensus_weight: num({ min: 0, max: 1, hint: '0 = exchange mid only, 1 = sportsbook consensus only' }).prefault(0.5),
      require_consensus: bool().prefault(false),
      /** Price shift per contract of inventory. */
      skew_per_contract: price({ min: 0, max: 0.1 }).prefault(0.0005),
      max_skew: price({ min: 0, max: 0.5 }).prefault(0.05),
      /** The side that would add inventory beyond this is not quoted. */
      max_inventory: contracts({ min: 0, hint: 'contracts, e.g. 200' }).prefault(200),
      stale_book_ms: num({ min: 1, int: true }).prefault(15_000),
      stale_consensus_ms: num({ min: 1, int: true }).prefault(120_000),
      pause_after_event_ms: num({ min: 0, int: true }).prefault(3_000),
      min_requote_ticks: num({ min: 1, int: true }).prefault(1),
      /** Seconds a quote rests before the exchange expires it (GTD): quotes end by themselves if the bot dies. */
      quote_lifetime: seconds({ min: 1, max: MAX_TIMER_MS / 1000, hint: 'seconds, e.g. 600' }).prefault(DEFAULT_QUOTE_LIFETIME_MS / 1000),
      max_position: usd({ min: 0, minOpen: true }).optional(),
    })
    .superRefine((mm, ctx) => {
      const s = settingsReader(mm, ctx);
      const skew = s.get<PriceMicros>(['skew_per_contract']);
      const maxSkew = s.get<PriceMicros>(['max_skew']);
      if (skew !== undefined && maxSkew !== undefined && maxSkew < skew) {
        ctx.addIssue({ code: 'custom', path: ['max_skew'], message: `must be at least skew_per_contract (${usdText(skew)}) — got ${usdText(maxSkew)}` });
      }
    })
    .transform((mm) => camelKeys(mm, { refresh_interval: 'refreshIntervalMs', quote_lifetime: 'quoteLifetimeMs' }));

const liveArbitrageSchema = () =>
  z
    .strictObject({
      enabled: bool().prefault(false),
      min_edge: minEdge(),
      max_position: usd({ min: 0, minOpen: true, hint: 'a positive USD amount, e.g. 50' }),
      confidence: num({ min: 0, minOpen: true, max: 1 }).prefault(0.8),
      reaction_window_ms: num({ min: 0, int: true }).prefault(10_000),
      cooldown_ms: num({ min: 0, int: true }).prefault(1_000),
    })
    .transform((la) => camelKeys(la));

const statisticalEdgeSchema = () =>
  z
    .strictObject({
      enabled: bool().prefault(false),
      min_edge: minEdge(),
      confidence_threshold: num({ min: 0, max: 1, hint: 'e.g. 0.7' }),
      order_size: usd({ min: 0, minOpen: true }).prefault(20),
      max_consensus_age_ms: num({ min: 1, int: true }).prefault(60_000),
      cooldown_ms: num({ min: 0, int: true }).prefault(5_000),
      max_position: usd({ min: 0, minOpen: true }).optional(),
    })
    .transform((se) => camelKeys(se));

const strategiesSchema = () =>
  z
    .strictObject({
      market_maker: marketMakerSchema(),
      live_arbitrage: liveArbitrageSchema(),
      statistical_edge: statisticalEdgeSchema(),
      aggregator: z
        .strictObject({ dedupe_window_ms: num({ min: 0, int: true }).prefault(1_000) })
        .transform((a) => camelKeys(a))
        .prefault({}),
    })
    .transform((s) => camelKeys(s));

const sportsDataSchema = () =>
  z
    .strictObject({
      provider: oneOf(['opticodds'] as const, (s) => s.toLowerCase()).prefault('opticodds'),
      api_key: optionalSecret(),
      base_url: baseUrl().prefault('https://api.opticodds.com/api/v3'),
      /** Streams from another host than REST; default: base_url. */
      stream_base_url: baseUrl().optional(),
      // OpticOdds filters on ids (slugs): "basketball", "nba", "moneyline", "pinnacle"; known display names are accepted.
      sports: opticOddsIds('sport').prefault(['basketball']),
      leagues: opticOddsIds('league').prefault(['NBA']),
      /** Matched against a quote's market id (the directory's oddsMarket). */
      odds_markets: opticOddsIds('market').prefault(['Moneyline']),
      sportsbooks: opticOddsIds('sportsbook').prefault(['Pinnacle', 'DraftKings', 'FanDuel']),
      /** Consensus weight per sportsbook display name; books not listed get default_sportsbook_weight. */
      sportsbook_weights: z.record(z.string(), num({ min: 0 })).prefault({}),
      default_sportsbook_weight: num({ min: 0 }).prefault(1),
      devig_method: oneOf(DEVIG_METHODS, (s) => s.toLowerCase()).prefault('multiplicative'),
      odds_poll_interval_seconds: seconds({ min: 1 }).prefault(10),
      /** A stream with no ping/data for this long is dead (about three missed 5 s pings). */
      stale_after_ms: num({ min: 1_000, int: true }).prefault(15_000),
      /**
       * Drop a price this long after its last change; null (default): never by age — a price stays valid until
       * locked or until its stream goes quiet (OpticOdds stamps an odd with its last change, not its last check).
       */
      odds_expire_after_ms: num({ min: 1_000, int: true }).nullable().prefault(null),
      /** OpticOdds takes at most 5 sportsbooks per odds-stream connection (more: several streams, merged). */
      max_sportsbooks_per_stream: num({ min: 1, max: 5, int: true }).prefault(5),
      /** At most this many leagues per odds-stream connection (OpticOdds advises 10). */
      max_leagues_per_stream: num({ min: 1, int: true }).prefault(10),
    })
    .transform(({ stream_base_url, ...sd }) => ({
      ...camelKeys(sd, { odds_poll_interval_seconds: 'oddsPollIntervalMs' }),
      streamBaseUrl: stream_base_url ?? sd.base_url,
    }));

const loggingSchema = () =>
  z
    .strictObject({
      level: oneOf(LOG_LEVELS, (s) => s.toLowerCase()).prefault('info'),
      file: optionalStr(),
      format: oneOf(['json', 'pretty'] as const, (s) => s.toLowerCase()).prefault('json'),
    })
    .transform((l) => camelKeys(l));

const awsSchema = () =>
  z
    .strictObject({
      region: optionalStr(),
      tables: z
        .strictObject({ orders: optionalStr(), fills: optionalStr(), positions: optionalStr(), risk_day: optionalStr(), odds: optionalStr() })
        .transform((t) => camelKeys(t))
        .prefault({}),
      queues: z
        .strictObject({ odds_updates_url: optionalStr(), control_url: optionalStr(), dead_letter_url: optionalStr() })
        .transform((q) => camelKeys(q))
        .prefault({}),
      ssm: z
        .strictObject({ trading_mode_param: optionalStr(), kill_switch_param: optionalStr() })
        .transform((m) => camelKeys(m))
        .prefault({}),
      secrets: z
        .strictObject({ exchange_key_secret_id: optionalStr(), data_provider_key_secret_id: optionalStr() })
        .transform((x) => camelKeys(x))
        .prefault({}),
      alerts_topic_arn: optionalStr(),
    })
    .transform((a) => camelKeys(a));

// ---------------------------------------------------------------------------------------------------------
// The document, and the checks that span sections

const buildAppConfigSchema = () =>
  z
    .strictObject({
      api: apiSchema().prefault({}),
      trading: tradingSchema().prefault({}),
      risk: riskSchema(),
      strategies: strategiesSchema(),
      sports_data: sportsDataSchema().prefault({}),
      logging: loggingSchema().prefault({}),
      aws: awsSchema().optional(),
    })
    .superRefine((c, ctx) => {
      const s = settingsReader(c, ctx);
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      const missing = (path: string[]) => s.clean(path) && !s.get<string>(path);
      const tradingMode = s.get<TradingMode>(['trading', 'mode']);
      if (tradingMode !== undefined && tradingAccount(tradingMode) === 'live') {
        if (missing(['api', 'api_key_id'])) issue(['api', 'api_key_id'], `is required in ${tradingMode} mode; set PM_API_KEY_ID (or run in paper mode)`);
        if (missing(['api', 'private_key'])) issue(['api', 'private_key'], `is required in ${tradingMode} mode; set PM_PRIVATE_KEY (or run in paper mode)`);
        if (missing(['sports_data', 'api_key'])) issue(['sports_data', 'api_key'], `is required in ${tradingMode} mode; set OPTICODDS_API_KEY`);
      }
      const spread = s.get<PriceMicros>(['strategies', 'market_maker', 'spread']);
      const tick = s.get<PriceMicros>(['trading', 'default_tick']);
      if (spread !== undefined && tick !== undefined && spread < tick) {
        issue(['strategies', 'market_maker', 'spread'], `must be at least one tick (trading.default_tick = ${usdText(tick)}) — got ${usdText(spread)}`);
      }
      const fees = s.get<FeeSchedule>(['trading', 'fees']);
      const sports = s.get<string[]>(['sports_data', 'sports']);
      if (fees === undefined || sports === undefined) return;
      const fee = worstTakerFee(fees, sports);
      for (const key of ['live_arbitrage', 'statistical_edge'] as const) {
        const edge = s.get<PriceMicros>(['strategies', key, 'min_edge']);
        // edge (micros) < Θ (ppm) × 0.25, exactly
        if (edge !== undefined && edge * 4 < fee.thetaPpm) {
          const perContract = new Decimal(fee.thetaPpm).div(4_000_000).toFixed();
          issue(
            ['strategies', key, 'min_edge'],
            `must cover the taker fee it would pay — got ${usdText(edge)}: at the worst price p = 0.50 the fee is ${ppmToTheta(fee.thetaPpm)} × 0.50 × 0.50 = ` +
              `${perContract} USD per contract (${fee.source}); fees are Θ × p × (1 − p), docs/venue-rules.md "Fees". ` +
              `Set min_edge to at least ${perContract} (it is in USD per contract = probability points, e.g. 0.03)`,
          );
        }
      }
    })
    .transform((c) => ({ mode: c.trading.mode, ...camelKeys(c) }));

type AppConfigSchema = ReturnType<typeof buildAppConfigSchema>;
let builtSchema: AppConfigSchema | undefined;

/**
 * The document's schema, built on its first use rather than when this module is imported: building it is
 * most of what importing the configuration costs (module initialisation is part of every Lambda cold start).
 */
export function appConfigSchema(): AppConfigSchema {
  return (builtSchema ??= buildAppConfigSchema());
}

/** An instant as ISO-8601 UTC, without zero milliseconds: 2026-10-01T03:59:00Z. */
const isoText = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * The highest taker fee coefficient the configured schedule can charge a traded market (the fee per contract
 * is highest at p = 0.50: Θ × 0.25): the largest taker Θ among the default and the overrides for every sport
 * or for a sport in sports_data.sports (future overrides included: the check must hold after they take effect).
 */
function worstTakerFee(fees: FeeSchedule, sports: readonly string[]): { thetaPpm: ThetaPpm; source: string } {
  // Only well-formed names count: the fuzz found a document whose sports list held a mapping reach this check.
  const traded = new Set(sports.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase()));
  let thetaPpm = fees.defaults.takerThetaPpm;
  let source = 'trading.fees.taker_theta';
  fees.overrides.forEach((o, i) => {
    if (o.takerThetaPpm === undefined || o.takerThetaPpm <= thetaPpm) return;
    if (o.sport !== undefined && !(typeof o.sport === 'string' && traded.has(o.sport.toLowerCase()))) return;
    thetaPpm = o.takerThetaPpm;
    source = `trading.fees.overrides[${i}]${o.sport !== undefined ? ` for ${o.sport}` : ''} from ${isoText(o.effectiveFrom)}`;
  });
  return { thetaPpm, source };
}

// ---------------------------------------------------------------------------------------------------------
// The typed configuration the engine uses: money and prices in integer micros, Θ in ppm, durations in ms.

export type AppConfig = z.output<AppConfigSchema>;
export type RiskConfig = AppConfig['risk'];
export type LiveArbitrageConfig = AppConfig['strategies']['liveArbitrage'];
export type StatisticalEdgeConfig = AppConfig['strategies']['statisticalEdge'];
/** A market maker built by hand (tests, tools) may leave the quote lifetime out: DEFAULT_QUOTE_LIFETIME_MS applies. */
export type MarketMakerConfig = Omit<AppConfig['strategies']['marketMaker'], 'quoteLifetimeMs'> & { quoteLifetimeMs?: number };
