/** A REST client over a scripted transport, on a manual clock whose sleeps advance it (shared by the client tests). */
import { generateKeyPairSync } from 'node:crypto';
import { ManualClock } from '../../../shared/domain/clock.js';
import type { OrderRequest } from '../../../shared/domain/order.js';
import { contracts } from '../../../shared/domain/quantity.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../shared/venue/http.js';
import { PolymarketRestClient, type RestClientOptions } from '../../../shared/venue/rest-client.js';

const { privateKey } = generateKeyPairSync('ed25519');
const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
export const SECRET = pkcs8.subarray(pkcs8.length - 32).toString('base64');

export type Handler = (req: HttpRequest, n: number) => HttpResponse | Promise<HttpResponse>;

export class ScriptedTransport implements HttpTransport {
  readonly requests: HttpRequest[] = [];
  constructor(private readonly handler: Handler) {}
  async send(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    return this.handler(req, this.requests.length);
  }
  async close(): Promise<void> {}
  paths(): string[] {
    return this.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`);
  }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: JSON.stringify(body),
});

export function setup(handler: Handler, clock = new ManualClock(Date.parse('2024-01-16T16:00:00Z')), extra: Partial<RestClientOptions> = {}) {
  const transport = new ScriptedTransport(handler);
  const sleeps: number[] = [];
  const metrics = new MetricsRegistry();
  const client = new PolymarketRestClient({
    apiBaseUrl: 'https://api.example',
    gatewayBaseUrl: 'https://gateway.example',
    credentials: { keyId: 'key-1', secretBase64: SECRET },
    clock,
    transport,
    metrics,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    ...extra,
  });
  return { client, transport, sleeps, clock, metrics };
}

export const REQ: OrderRequest = {
  marketSlug: 'nba-bos-lal',
  intent: 'ORDER_INTENT_BUY_LONG',
  type: 'ORDER_TYPE_LIMIT',
  price: 550_000,
  quantity: contracts(10),
  tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
  postOnly: false,
};

