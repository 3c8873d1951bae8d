/** Request signing: µs per Ed25519 signature through node:crypto (hot path) and, for contrast, @noble/ed25519. */
import { generateKeyPairSync } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { ManualClock } from '../../shared/domain/clock.js';
import { RequestSigner } from '../../shared/venue/auth.js';
import type { BenchResult } from './bench-types.js';
import { round, timeEach } from './measure.js';

export async function run(): Promise<BenchResult[]> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const seed = der.subarray(der.length - 32);
  const clock = new ManualClock(1_705_420_800_000);
  const signer = new RequestSigner({ keyId: 'bench-key', secretBase64: seed.toString('base64') }, clock);

  let sink = 0;
  const headers = timeEach((i) => {
    const h = signer.headers('POST', i % 2 ? '/v1/orders' : '/v1/order/abc/cancel');
    sink += h['X-PM-Signature'].length;
  }, 20_000, 2_000);

  // noble, async API (what the simulator verifies with): sequential awaits, timed in bulk.
  const msg = new TextEncoder().encode('1705420800000POST/v1/orders');
  const N = 500;
  for (let i = 0; i < 50; i++) await ed.signAsync(msg, seed);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += (await ed.signAsync(msg, seed)).length;
  const nobleUs = Number(process.hrtime.bigint() - t0) / 1000 / N;
  if (sink === 0) throw new Error('unreachable');

  return [
    { name: 'venue: sign request headers (node:crypto)', unit: 'µs', p50: round(headers.p50), p99: round(headers.p99), rate: Math.round(headers.rate), target: 'p50 ≤ 60 µs' },
    { name: 'venue: sign (@noble/ed25519 signAsync, mean)', unit: 'µs', value: round(nobleUs) },
  ];
}
