/**
 * The bot's recording hooks: plug them into `startBot` (onVenueEvent, onFeedEvent, onDiscovery, onSettle,
 * onEngineStart) and every inbound message is recorded with its receive time (the bot's clock when the hook
 * ran), and the moment the engine started (a replay starts its engine at the same line).
 *
 * The bot's own order activity is recorded too (`own` lines, own-order-records.ts): every private-socket event
 * about the live account's orders is followed by the own records it implies (where the order rests now, its
 * fills), and `onPaperEvent` (the paper exchange's events) records the paper account's, marked `paper`.
 */
import type { AppConfig } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import type { FeedEvent } from '../domain/feed-events.js';
import type { VenueEvent } from '../domain/venue-events.js';
import type { FixtureRef } from '../feeds/market-mapper.js';
import type { MarketDirectory } from '../state/market-directory.js';
import { OwnOrderDeriver } from './own-order-records.js';
import { configDigest, discoveryRecord, sanitizeConfig } from './record-format.js';
import { RecordingWriter, newSessionId, type RecordingStats, type RecordingWriterOptions } from './recording-writer.js';

export interface BotRecorderOptions {
  dir: string;
  config: AppConfig;
  clock: Clock;
  /** Label of the session id and the header's source, e.g. "local-session" or "bot". */
  source: string;
  version: string;
  seed?: number;
  sessionId?: string;
  writer?: Partial<Omit<RecordingWriterOptions, 'dir' | 'sessionId' | 'header'>>;
}

export interface BotRecorder {
  readonly writer: RecordingWriter;
  readonly sessionId: string;
  onVenueEvent(ev: VenueEvent, channel: 'markets' | 'private'): void;
  /** An event of the paper exchange (engine.paper.onEvent): its own-order records, marked `paper`. */
  onPaperEvent(ev: VenueEvent): void;
  onFeedEvent(ev: FeedEvent): void;
  onDiscovery(d: { directory: MarketDirectory; fixtures: readonly FixtureRef[] }): void;
  onSettle(marketSlug: string, settlementPrice: number): void;
  onEngineStart(): void;
  close(): Promise<RecordingStats>;
}

export function createBotRecorder(opts: BotRecorderOptions): BotRecorder {
  const { clock } = opts;
  const sessionId = opts.sessionId ?? newSessionId(opts.source, clock.now());
  const writer = new RecordingWriter({
    ...opts.writer,
    dir: opts.dir,
    sessionId,
    header: {
      source: opts.source,
      version: opts.version,
      configDigest: configDigest(opts.config),
      config: sanitizeConfig(opts.config),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    },
  });
  const own = { live: new OwnOrderDeriver('live'), paper: new OwnOrderDeriver('paper') };
  const recordOwn = (deriver: OwnOrderDeriver, ev: VenueEvent, t: number): void => {
    if (ev.type !== 'execution' && ev.type !== 'orders_snapshot') return;
    try {
      for (const e of deriver.derive(ev)) writer.record('own', e, t);
    } catch {
      // an event without the shape of its type: recorded as received above, no own record
    }
  };
  return {
    writer,
    sessionId,
    onVenueEvent: (ev, channel) => {
      const t = clock.now();
      if (channel === 'markets') return writer.record('market', ev, t);
      writer.record('private', ev, t);
      recordOwn(own.live, ev, t);
    },
    onPaperEvent: (ev) => recordOwn(own.paper, ev, clock.now()),
    onFeedEvent: (ev) => writer.record('feed', ev, clock.now()),
    onDiscovery: (d) => writer.record('meta', discoveryRecord(d.directory, d.fixtures), clock.now()),
    onSettle: (marketSlug, settlementPrice) => writer.record('settle', { marketSlug, settlementPrice }, clock.now()),
    onEngineStart: () => writer.record('meta', { type: 'engine_start' }, clock.now()),
    close: () => writer.close(),
  };
}
