/**
 * The order in which the assembled engine hands a public market event on (assemble-engine.ts onMarketEvent):
 *  - paper mode: the paper exchange and the performance tracker first (a book that crosses a resting paper order
 *    fills it before the strategies see the book), then the state manager;
 *  - live mode: the state manager first, so the create this book leads to is written before the inactive paper
 *    exchange and the performance tracker take the book in; both still see every event, the same one.
 */
import { describe, expect, it } from 'vitest';
import type { VenueEvent } from '../../../shared/domain/venue-events.js';
import { parseVenueMessage } from '../../../shared/venue/ws-messages.js';
import { ScriptedWorld, bookEvent, buildBenchWorld } from '../../support/engine-fixtures.js';

interface Seen {
  who: 'paper' | 'performance';
  ev: VenueEvent;
  createsWritten: number;
  stateAsk: number | null | undefined;
}

function spy(engine: ScriptedWorld['engine'], slugOf: (ev: VenueEvent) => string, creates: () => number): Seen[] {
  const seen: Seen[] = [];
  const record = (who: Seen['who'], ev: VenueEvent): void => {
    seen.push({ who, ev, createsWritten: creates(), stateAsk: engine.state.market(slugOf(ev))?.yesAsk });
  };
  const paperOn = engine.paper.onMarketEvent.bind(engine.paper);
  engine.paper.onMarketEvent = (ev) => {
    record('paper', ev);
    paperOn(ev);
  };
  const perfOn = engine.performance.onMarketEvent.bind(engine.performance);
  engine.performance.onMarketEvent = (ev) => {
    record('performance', ev);
    perfOn(ev);
  };
  return seen;
}

const slugOf = (ev: VenueEvent): string => (ev as { marketSlug: string }).marketSlug;

describe('assembled engine: where a market event goes first', () => {
  it('live: the create is written before the paper exchange and the performance tracker see the book', () => {
    const { engine, gateway, texts, clock } = buildBenchWorld({ markets: 4, books: 'mispriced' });
    const seen = spy(engine, slugOf, () => gateway.creates);
    const r = parseVenueMessage(texts[0] as string, clock.now());
    if (r.kind !== 'event') throw new Error('bench text did not parse');
    engine.onMarketEvent(r.event);
    expect(gateway.creates).toBeGreaterThan(0);
    expect(seen.map((s) => s.who)).toEqual(['paper', 'performance']);
    for (const s of seen) {
      expect(s.ev).toBe(r.event);
      expect(s.createsWritten).toBe(gateway.creates);
      expect(s.stateAsk).not.toBeUndefined();
    }
  });

  it('paper: the paper exchange and the performance tracker see the book before the state manager', () => {
    const world = new ScriptedWorld();
    const fx = world.addFixture({ fixtureId: 'G1', home: 'Home', away: 'Away' });
    const engine = world.engine;
    world.market(bookEvent(fx.homeSlug, [[0.45, 100]], [[0.47, 100]], world.clock.now()));
    const seen = spy(engine, slugOf, () => 0);
    const ev = bookEvent(fx.homeSlug, [[0.5, 100]], [[0.52, 100]], world.clock.now());
    world.market(ev);
    expect(seen.map((s) => [s.who, s.stateAsk])).toEqual([
      ['paper', 470_000],
      ['performance', 470_000],
    ]);
    expect(engine.state.market(fx.homeSlug)?.yesAsk).toBe(520_000);
  });
});
