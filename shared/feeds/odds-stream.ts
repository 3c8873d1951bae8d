/**
 * The OpticOdds odds stream `/stream/odds/{sport}` → FeedEvents:
 * `odds` → { type: 'odds', quotes }, `locked-odds` → the same with `locked: true` (off the board: consensus
 * must drop them), `fixture-status` → { type: 'fixture_status' }. Odd objects are validated one by one: a bad
 * one is counted in `feeds.malformed` (stream=odds) and skipped, the rest of the frame is kept. Replayed
 * entries (same entry id, e.g. after a resume) are dropped.
 */
import type { SseFrame } from './sse-stream.js';
import { OpticOddsFeedStream, type FeedStreamOptions } from './feed-stream.js';
import { feedWireSchemas, fixtureStatusToEvent, parseOdds } from './wire.js';

export interface OddsStreamOptions extends FeedStreamOptions {
  sportsbooks: readonly string[];
  markets?: readonly string[];
  leagues?: readonly string[];
  fixtureIds?: readonly string[];
  isMain?: boolean;
  /** Ask for `fixture-status` events. Default true. */
  includeFixtureUpdates?: boolean;
}

export class OddsStream extends OpticOddsFeedStream {
  constructor(options: OddsStreamOptions) {
    super(
      'odds',
      `/stream/odds/${encodeURIComponent(options.sport)}`,
      {
        sportsbook: options.sportsbooks,
        market: options.markets,
        league: options.leagues,
        fixture_id: options.fixtureIds,
        is_main: options.isMain,
        include_fixture_updates: options.includeFixtureUpdates ?? true,
      },
      options,
    );
  }

  protected handle(frame: SseFrame): void {
    switch (frame.event) {
      case 'odds':
      case 'locked-odds':
        return this.handleOdds(frame, frame.event === 'locked-odds');
      case 'fixture-status':
        return this.handleStatus(frame);
      default:
        this.metrics.increment('feeds.unknown_events', 1, { stream: 'odds' });
        this.logger.debug('unknown event ignored', { event: frame.event });
    }
  }

  private handleOdds(frame: SseFrame, locked: boolean): void {
    const json = this.parseJson(frame);
    if (json === undefined) return;
    const env = feedWireSchemas().oddsFrameSchema.safeParse(json);
    if (!env.success) return this.malformed(frame.event, 'not { data: [...] }');
    const entryId = frame.id ?? env.data.entry_id ?? null;
    if (!this.accept(entryId)) return;
    const { quotes, malformed } = parseOdds(env.data.data, { locked, receivedAt: this.clock.now() });
    if (malformed > 0) this.malformed(frame.event, 'invalid Odd objects', malformed);
    if (quotes.length > 0) this.emit({ type: 'odds', quotes, entryId });
  }

  private handleStatus(frame: SseFrame): void {
    const json = this.parseJson(frame);
    if (json === undefined) return;
    const env = feedWireSchemas().fixtureStatusFrameSchema.safeParse(json);
    if (!env.success) return this.malformed(frame.event, 'invalid fixture-status');
    const entryId = frame.id ?? env.data.entry_id ?? null;
    if (!this.accept(entryId)) return;
    this.emit(fixtureStatusToEvent(env.data.data, entryId));
  }
}
