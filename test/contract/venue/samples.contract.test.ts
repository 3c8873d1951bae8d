/**
 * Every sample of the venue contract that is valid (`expect: true`) is read by the client's parser for its
 * definition: no refusal, no exception, no drift report (the samples use only values the contract knows).
 * Every definition with a sample is either parsed or deliberately send-only.
 */
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { WireContract } from '../../../shared/venue/contract/wire-contract.js';
import { WireDrift } from '../../../shared/venue/wire-drift.js';
import { PARSERS, SENT_ONLY, loadSamples } from './sample-parsers.js';

const samples = loadSamples();

describe('contract samples through the client parsers', () => {
  it('every sampled definition is covered (parsed, or sent only)', () => {
    const uncovered = [...new Set(samples.map((s) => s.def))].filter((d) => !PARSERS[d] && !SENT_ONLY.has(d));
    expect(uncovered).toEqual([]);
  });

  for (const s of samples.filter((x) => x.expect && PARSERS[x.def])) {
    it(`${s.file}#${s.index} ${s.def}`, () => {
      // The sample really is valid by the contract (guards the premise).
      expect(WireContract.load().judge(s.def, s.doc).errors).toEqual([]);
      const metrics = new MetricsRegistry();
      const outcome = PARSERS[s.def]!(s.doc, new WireDrift({ metrics }));
      expect(outcome).toMatchObject({ ok: true });
      for (const k of Object.keys(metrics.snapshot().counters)) expect(k.startsWith('venue.unknown_enum'), k).toBe(false);
    });
  }

  it('the sampled decimals come through exactly', () => {
    const book = samples.find((s) => s.def === 'GetMarketBookResponse' && s.expect)!;
    const b = PARSERS.GetMarketBookResponse!(book.doc, new WireDrift());
    expect(b.ok && (b.value as { bids: unknown[] }).bids).toEqual([
      // "0.50" and "2.50" contracts, exact in hundredths (no longer rounded to whole contracts)
      { price: 555_000, qty: 50 },
      { price: 550_000, qty: 250 },
    ]);
    const positions = samples.find((s) => s.def === 'GetUserPositionsResponse' && s.expect)!;
    const p = PARSERS.GetUserPositionsResponse!(positions.doc, new WireDrift());
    expect(p.ok && (p.value as { marketSlug: string; netPositionExact: string }[]).map((x) => [x.marketSlug, x.netPositionExact])).toEqual([
      ['will-x-happen', '19.6'],
      ['another-market', '-50'],
    ]);
    const activities = samples.find((s) => s.def === 'GetActivitiesResponse' && s.expect)!;
    const a = PARSERS.GetActivitiesResponse!(activities.doc, new WireDrift());
    expect(a.ok && (a.value as { trade: { qtyExact: string } | null }[])[0]?.trade?.qtyExact).toBe('19.6');
  });

  it('the position change sample carries no market slug: skipped (not guessed), everything else is an event', () => {
    const frames = samples.filter((s) => s.expect && PARSERS[s.def] && s.def !== 'error' && s.def !== 'heartbeat' && s.def !== 'WsPrivateServerFrame');
    for (const s of frames.filter((x) => !x.def.startsWith('Get') && !['Order', 'Execution', 'CreateOrderResponse', 'BBO'].includes(x.def))) {
      const o = PARSERS[s.def]!(s.doc, new WireDrift());
      const kind = o.ok ? (o.value as { kind: string }).kind : 'refused';
      expect(kind, s.def).toBe(s.def === 'positionSubscription' || s.def === 'rfqEvent' ? 'skipped' : 'event');
    }
  });
});
