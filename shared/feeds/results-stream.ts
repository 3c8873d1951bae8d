/**
 * The OpticOdds results stream `/stream/results/{sport}` → { type: 'game', game: GameState } FeedEvents, one per
 * `fixture-results` frame. Malformed frames are counted in `feeds.malformed` (stream=results) and skipped;
 * replayed entries are dropped.
 */
import type { SseFrame } from './sse-stream.js';
import { OpticOddsFeedStream, type FeedStreamOptions } from './feed-stream.js';
import { parseResultsFrame, resultToGameState } from './wire.js';

export interface ResultsStreamOptions extends FeedStreamOptions {
  leagues?: readonly string[];
  fixtureIds?: readonly string[];
}

export class ResultsStream extends OpticOddsFeedStream {
  constructor(options: ResultsStreamOptions) {
    super(
      'results',
      `/stream/results/${encodeURIComponent(options.sport)}`,
      { league: options.leagues, fixture_id: options.fixtureIds },
      options,
    );
  }

  protected handle(frame: SseFrame): void {
    if (frame.event !== 'fixture-results') {
      this.metrics.increment('feeds.unknown_events', 1, { stream: 'results' });
      return;
    }
    const json = this.parseJson(frame);
    if (json === undefined) return;
    const parsed = parseResultsFrame(json);
    if (!parsed) return this.malformed(frame.event, 'invalid fixture-results');
    const entryId = frame.id ?? parsed.entryId;
    if (!this.accept(entryId)) return;
    this.emit({ type: 'game', game: resultToGameState(parsed.result, this.clock.now()), entryId });
  }
}
