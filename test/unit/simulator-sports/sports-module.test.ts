import { describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ManualClock } from '../../../shared/domain/clock.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';
import type { SimulatedVenueControl, SimulatorContext } from '../../../containers/simulator/module.js';
import { createSportsModule } from '../../../containers/simulator/sports/index.js';

function recordingVenue(): { venue: SimulatedVenueControl; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    venue: {
      addEvent: (e) => calls.push(`addEvent ${e.slug}`),
      addMarket: (m) => calls.push(`addMarket ${m.slug} ${m.state}`),
      setMarketState: (s, st) => calls.push(`state ${s} ${st}`),
      setTrueProbability: (s) => calls.push(`p ${s}`),
      settle: (s, px) => calls.push(`settle ${s} ${px}`),
    },
  };
}

describe('createSportsModule', () => {
  it('is a SimulatorModule factory: registers the games on the venue and ignores paths outside its prefix', () => {
    const { venue, calls } = recordingVenue();
    const clock = new ManualClock(Date.UTC(2026, 10, 25));
    const logger = new MemoryLogger();
    const ctx: SimulatorContext = { clock, logger, seed: 9, venue };
    const mod = createSportsModule({ games: { basketball: 1, football: 1 }, autoAdvance: false, apiKey: 'secret-key-123' })(ctx);
    try {
      expect(mod.name).toBe('sports');
      expect(mod.apiKey).toBe('secret-key-123');
      expect(mod.world.seed).toBe(9);
      expect(calls.filter((c) => c.startsWith('addEvent'))).toHaveLength(2);
      expect(calls.filter((c) => c.startsWith('addMarket') && c.endsWith('MARKET_STATE_PREOPEN'))).toHaveLength(4);
      const handled = mod.handleRequest({} as IncomingMessage, {} as ServerResponse, new URL('http://x/v1/markets'));
      expect(handled).toBe(false);
      expect(mod.handleRequest({} as IncomingMessage, {} as ServerResponse, new URL('http://x/api/v3x'))).toBe(false);
      expect(logger.lines.length).toBeGreaterThan(0);
      expect(JSON.stringify(logger.lines)).not.toContain('secret-key-123');
    } finally {
      void mod.close?.();
    }
  });

  it('uses its own seed when given one, and the same seed gives the same fixtures', () => {
    const make = (seed: number) => {
      const ctx: SimulatorContext = { clock: new ManualClock(0), logger: new MemoryLogger(), seed: 1, venue: recordingVenue().venue };
      const mod = createSportsModule({ seed, autoAdvance: false })(ctx);
      const ids = mod.world.fixtures().map((f) => `${f.fixtureId} ${f.eventSlug}`);
      void mod.close?.();
      return ids;
    };
    expect(make(5)).toEqual(make(5));
    expect(make(5)).not.toEqual(make(6));
  });

  it('keeps going when the venue throws', () => {
    const { venue } = recordingVenue();
    const clock = new ManualClock(0);
    const logger = new MemoryLogger();
    const angry: SimulatedVenueControl = { ...venue, setTrueProbability: () => { throw new Error('boom'); } };
    const mod = createSportsModule({ games: { basketball: 1 }, autoAdvance: false, firstStartDelayMs: 0, speed: 100 })({ clock, logger, seed: 2, venue: angry });
    clock.advance(10_000);
    mod.advance();
    expect(mod.world.views()[0]!.snapshot.status).not.toBe('unplayed');
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('venue call failed'))).toBe(true);
    void mod.close?.();
  });
});
