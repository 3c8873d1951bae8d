/** WebSocket hot path: µs per whole-book message (10 levels a side) from text to a typed 'book' VenueEvent. */
import { BookSchema } from '../../shared/venue/wire-schemas.js';
import { toBookSnapshot } from '../../shared/venue/wire-convert.js';
import { parseVenueMessage } from '../../shared/venue/ws-messages.js';
import type { BenchResult } from './bench-types.js';
import { round, timeEach } from './measure.js';

function bookText(v: number): string {
  const bids = [];
  const offers = [];
  for (let i = 0; i < 10; i++) {
    bids.push({ px: { value: (0.5 - (i + (v % 5)) * 0.01).toFixed(2), currency: 'USD' }, qty: String(100 + i + v) });
    offers.push({ px: { value: (0.51 + (i + (v % 5)) * 0.01).toFixed(2), currency: 'USD' }, qty: String(200 + i + v) });
  }
  return JSON.stringify({
    requestId: 'req-1',
    subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA',
    marketData: { marketSlug: `market-${v}`, bids, offers, state: 'MARKET_STATE_OPEN', transactTime: '2024-01-16T16:00:00.500Z' },
  });
}

/**
 * The same book in the shape of the wire contract's sample frame (shared/venue/contract/samples/ws-frames.json):
 * 3-decimal prices, quantities in hundredths ("103.50"), and a `stats` object before the transactTime.
 */
function venueSampleText(v: number): string {
  const o = JSON.parse(bookText(v)) as { marketData: Record<string, unknown> & { bids: { px: { value: string }; qty: string }[]; offers: { px: { value: string }; qty: string }[] } };
  const md = o.marketData;
  for (const l of [...md.bids, ...md.offers]) {
    l.px.value = `${l.px.value}${v % 10}`;
    l.qty = `${l.qty}.${String(v % 100).padStart(2, '0')}`;
  }
  const transactTime = md.transactTime;
  delete md.transactTime;
  md.stats = { lastTradePx: { value: '0.555', currency: 'USD' }, sharesTraded: '150000', openInterest: '500000' };
  md.transactTime = transactTime;
  return JSON.stringify(o);
}

export async function run(): Promise<BenchResult[]> {
  const texts = Array.from({ length: 64 }, (_, v) => bookText(v));
  const samples = Array.from({ length: 64 }, (_, v) => venueSampleText(v));
  let sink = 0;
  const fast = timeEach((i) => {
    const r = parseVenueMessage(texts[i & 63] as string, 0);
    if (r.kind === 'event' && r.event.type === 'book') sink += r.event.bids.length;
  }, 200_000);
  const sampleShape = timeEach((i) => {
    const r = parseVenueMessage(samples[i & 63] as string, 0);
    if (r.kind === 'event' && r.event.type === 'book') sink += r.event.bids.length;
  }, 200_000);
  const jsonOnly = timeEach((i) => {
    sink += (JSON.parse(texts[i & 63] as string) as object) ? 1 : 0;
  }, 200_000);
  const zod = timeEach((i) => {
    const msg = JSON.parse(texts[i & 63] as string) as { marketData: unknown };
    sink += toBookSnapshot(BookSchema.parse(msg.marketData)).bids.length;
  }, 50_000);
  if (sink === 0) throw new Error('nothing parsed');
  return [
    { name: 'venue: parse 10-level book message (fast path)', unit: 'µs', p50: round(fast.p50), p99: round(fast.p99), rate: Math.round(fast.rate) },
    {
      name: "venue: parse 10-level book message, the wire contract sample's shape (stats, decimal quantities)",
      unit: 'µs',
      p50: round(sampleShape.p50),
      p99: round(sampleShape.p99),
      rate: Math.round(sampleShape.rate),
    },
    { name: 'venue: JSON.parse alone, same message', unit: 'µs', p50: round(jsonOnly.p50), p99: round(jsonOnly.p99), rate: Math.round(jsonOnly.rate) },
    { name: 'venue: same via zod schema + converter', unit: 'µs', p50: round(zod.p50), p99: round(zod.p99), rate: Math.round(zod.rate) },
  ];
}
