/**
 * The recording format: what the bot received, one JSON object per line, in receive order.
 *
 *   { "t": receivedAtMs, "k": "market" | "private" | "feed" | "meta" | "settle" | "own", "e": … }
 *
 * - market:  a VenueEvent from the exchange's public socket (book, bbo, trade, connection)
 * - private: a VenueEvent from the exchange's private socket (executions, positions, balances, orders)
 * - feed:    a FeedEvent from the sports/odds feeds (scores, odds, fixture status, feed health)
 * - settle:  a settlement the bot applied ({ marketSlug, settlementPrice })
 * - own:     the bot's own order activity (format 3): an order's resting state after an event, a fill, the
 *            complete set of open orders (own-order-records.ts). A replay takes this liquidity out of the
 *            recorded market (shared/backtest/own-liquidity-filter.ts); the engine never hears these lines.
 * - meta:    the header (first line of every chunk: format version, session id, config digest, seed),
 *            the discovery result (which markets, which games, the join between them) that a replay needs,
 *            and the moment the engine started (`engine_start`): lines before it reached the bot's state but
 *            not its strategies (start-up snapshots, early socket messages), and a replay does the same
 *
 * Files are gzip streams of those lines, chunked: `<sessionId>-<chunk 00000>.ndjson.gz`. Every chunk starts
 * with the header, so any single chunk is readable on its own; a replay reads a session's chunks in order.
 */
import { createHash } from 'node:crypto';
import type { AppConfig } from '../config/schema.js';
import type { FeedEvent } from '../domain/feed-events.js';
import type { MarketInfo } from '../domain/market.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { FixtureRef } from '../feeds/market-mapper.js';
import { MarketDirectory, type MarketLink } from '../state/market-directory.js';
import type { OwnRecord } from './own-order-records.js';

/**
 * 3: adds the `own` line kind (the bot's own orders and fills). 2: quantities are Qty (hundredths of a
 * contract). Formats 1 and 2 are still read (record-upgrade.ts): a format-1 chunk's quantities are scaled, and
 * the own lines of a format-1/2 chunk are derived from its private lines when it is read (recording-reader.ts).
 */
export const RECORD_FORMAT_VERSION = 3;
/** The first format that records the bot's own order activity as `own` lines. */
export const OWN_RECORDS_FORMAT = 3;
export const RECORD_FILE_SUFFIX = '.ndjson.gz';

export type RecordKind = 'market' | 'private' | 'feed' | 'meta' | 'settle' | 'own';

export interface SettlementRecord {
  marketSlug: string;
  /** As the bot applied it (long-side price, micros: 0 or 1_000_000 for a binary market). */
  settlementPrice: number;
}

export interface RecordingHeader {
  type: 'header';
  format: typeof RECORD_FORMAT_VERSION | 2 | 1;
  sessionId: string;
  /** Index of this chunk in the session (0-based). */
  chunk: number;
  /** Receive time of the session's first line (epoch ms). */
  startedAt: number;
  /** Who recorded it, e.g. "bot", "local-session", "make-sample". */
  source: string;
  /** The project's package version. */
  version: string;
  /** sha256 of the sanitized configuration (configDigest). */
  configDigest: string;
  /** The configuration in force, without secrets (sanitizeConfig). */
  config?: unknown;
  /** The simulator's seed when the session ran against it. */
  seed?: number;
}

export interface DiscoveryRecord {
  type: 'discovery';
  markets: { info: MarketInfo; link?: MarketLink }[];
  fixtures: FixtureRef[];
}

/** Lines the writer had to drop (bounded buffer, slow disk) between two receive times: the replay is told. */
export interface GapRecord {
  type: 'gap';
  dropped: number;
  fromT: number;
  toT: number;
}

/**
 * The bot started its engine here (after its start-up snapshots and any crash recovery): from this line on
 * the strategies hear the events; before it, only the state did.
 */
export interface EngineStartRecord {
  type: 'engine_start';
}

export type MetaRecord = RecordingHeader | DiscoveryRecord | GapRecord | EngineStartRecord;

export type RecordLine =
  | { t: number; k: 'market'; e: VenueEvent }
  | { t: number; k: 'private'; e: VenueEvent }
  | { t: number; k: 'feed'; e: FeedEvent }
  | { t: number; k: 'settle'; e: SettlementRecord }
  | { t: number; k: 'meta'; e: MetaRecord }
  | { t: number; k: 'own'; e: OwnRecord };

export type RecordPayload<K extends RecordKind> = Extract<RecordLine, { k: K }>['e'];

export class RecordFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordFormatError';
  }
}

const KINDS: ReadonlySet<string> = new Set(['market', 'private', 'feed', 'meta', 'settle', 'own']);

/** Parses one line; throws RecordFormatError on anything that is not a record (the reader counts and skips). */
export function parseRecordLine(text: string): RecordLine {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new RecordFormatError('not JSON');
  }
  if (typeof v !== 'object' || v === null) throw new RecordFormatError('not an object');
  const o = v as { t?: unknown; k?: unknown; e?: unknown };
  if (typeof o.t !== 'number' || !Number.isFinite(o.t)) throw new RecordFormatError('t is not a number');
  if (typeof o.k !== 'string' || !KINDS.has(o.k)) throw new RecordFormatError(`unknown kind ${JSON.stringify(o.k)}`);
  if (typeof o.e !== 'object' || o.e === null) throw new RecordFormatError('e is not an object');
  return o as RecordLine;
}

/** The configuration without anything secret (keys, account references): safe to store next to the data. */
export function sanitizeConfig(config: AppConfig): unknown {
  const { api, sportsData, aws: _aws, ...rest } = config;
  const { apiKeyId: _k, privateKey: _p, ...apiRest } = api;
  const { apiKey: _a, ...sportsRest } = sportsData;
  return { ...rest, api: apiRest, sportsData: sportsRest };
}

/** Stable JSON (sorted keys) of a value. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}

/**
 * Digest of what decides trading: the sanitized configuration minus endpoints (URLs differ between the
 * simulator, staging and production without changing a decision).
 */
export function configDigest(config: AppConfig): string {
  const s = sanitizeConfig(config) as Record<string, unknown>;
  const { api: _api, logging: _logging, ...decisive } = s;
  const sd = { ...(decisive.sportsData as Record<string, unknown>) };
  delete sd.baseUrl;
  delete sd.streamBaseUrl;
  return createHash('sha256').update(stableStringify({ ...decisive, sportsData: sd })).digest('hex').slice(0, 16);
}

/** The discovery result as a meta record. */
export function discoveryRecord(directory: MarketDirectory, fixtures: readonly FixtureRef[]): DiscoveryRecord {
  const markets: DiscoveryRecord['markets'] = [];
  for (const slug of directory.slugs()) {
    const info = directory.info(slug);
    if (!info) continue;
    const link = directory.link(slug);
    markets.push(link ? { info, link } : { info });
  }
  return { type: 'discovery', markets, fixtures: [...fixtures] };
}

/** Adds a recorded discovery to a directory (markets already known are overwritten with the same data). */
export function applyDiscovery(directory: MarketDirectory, d: DiscoveryRecord): void {
  for (const m of d.markets) directory.addMarket(m.info, m.link);
}

export function directoryFromDiscovery(d: DiscoveryRecord): MarketDirectory {
  const dir = new MarketDirectory();
  applyDiscovery(dir, d);
  return dir;
}
