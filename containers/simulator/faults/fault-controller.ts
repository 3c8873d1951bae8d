/**
 * The fault switch of the simulated exchange: tests and local runs use it to inject the failures a real venue
 * produces (dropped and delayed socket messages, disconnects, 429 and 5xx bursts, REST latency, clock skew,
 * ambiguous order creates that commit on the exchange but never answer cleanly, and the venue's latency stopgap
 * that rejects new orders and modifies with `Global Rate Limit Exceeded`). Every random choice comes from the
 * run's seed.
 */
import { createRandom, type Random } from './seeded-random.js';

export type SocketChannel = 'markets' | 'private';
export type AmbiguousCreateMode = 'reset' | 'timeout' | '5xx-after-commit';

/**
 * The paths of the create requests (POST /v1/orders and the batched POST /v1/orders/batched, not the batched
 * cancel or modify): a failure burst on creates uses it as its `path` (with method POST).
 */
export const CREATE_ORDER_PATHS = /^\/v1\/orders(?:\/batched)?\/?$/;

export interface HttpFailureFault {
  /** How many matching requests fail. */
  count: number;
  /** Status to answer: 429 or a 5xx (default 503). */
  status?: number;
  /** Only requests whose path contains this string (or matches this pattern) fail. */
  path?: string | RegExp;
  /** Only requests with this method fail (upper case). */
  method?: string;
}

export interface AmbiguousCreateFault {
  /** How many of the next create requests (POST /v1/orders or POST /v1/orders/batched, a whole batch) are affected. */
  count: number;
  mode: AmbiguousCreateMode;
  /** For 'timeout': how long to hold the response before answering (default: never, until the client gives up). */
  holdMs?: number;
}

export interface SocketDropFault {
  /** Probability in [0, 1] that each outgoing message is dropped. */
  probability: number;
  /** Only this channel (default both). */
  channel?: SocketChannel;
}

export interface SocketDelayFault {
  /** Delay added to every outgoing message (order is preserved per socket). */
  ms: number;
  /** Extra uniform random delay in [0, jitterMs]. */
  jitterMs?: number;
  channel?: SocketChannel;
}

export interface FaultStats {
  socketMessagesDropped: number;
  socketMessagesDelayed: number;
  socketsClosed: number;
  httpFailuresInjected: number;
  requestsDelayed: number;
  ambiguousCreates: number;
}

/** What tests and the local runner call. */
export interface FaultController {
  dropSocketMessages(fault: SocketDropFault): void;
  delaySocketMessages(fault: SocketDelayFault): void;
  /** Closes every open WebSocket now (code 1012 "service restart" by default); returns how many were closed. */
  closeAllSockets(code?: number, reason?: string): number;
  /** The next `count` matching requests are answered with `status` (429 or 5xx) without being processed. */
  failNextRequests(fault: HttpFailureFault): void;
  /** Adds latency before every REST request is processed. */
  setRestLatency(ms: number, jitterMs?: number): void;
  /** Skews the server's clock (as used for authentication) by `ms`. */
  setClockSkew(ms: number): void;
  readonly clockSkewMs: number;
  /**
   * The next `count` create requests (POST /v1/orders, or POST /v1/orders/batched: one batch is one request,
   * every entry of it committed) are processed by the exchange and then answered ambiguously.
   */
  ambiguousCreate(fault: AmbiguousCreateFault): void;
  /**
   * The venue's latency stopgap: while on, every new order (create, batched create, close-position) and every
   * modify is rejected on the order stream with the text `Global Rate Limit Exceeded`; the create still gets an
   * order id. Pure cancels are never hit. Not a rate limit: no 429.
   */
  setLatencyStopgap(on: boolean): void;
  readonly latencyStopgap: boolean;
  /** Removes every fault (counters are kept). */
  clear(): void;
  stats(): FaultStats;
}

interface PendingHttpFailure {
  remaining: number;
  status: number;
  path?: string | RegExp;
  method?: string;
}

/** The controller plus the hooks the wire server consults. */
export class Faults implements FaultController {
  private readonly random: Random;
  private drops: SocketDropFault[] = [];
  private delays: SocketDelayFault[] = [];
  private httpFailures: PendingHttpFailure[] = [];
  private latency = { ms: 0, jitterMs: 0 };
  private skew = 0;
  private ambiguous: { remaining: number; mode: AmbiguousCreateMode; holdMs?: number }[] = [];
  private stopgap = false;
  private readonly closeListeners = new Set<(code: number, reason: string) => number>();
  private readonly counters: FaultStats = {
    socketMessagesDropped: 0,
    socketMessagesDelayed: 0,
    socketsClosed: 0,
    httpFailuresInjected: 0,
    requestsDelayed: 0,
    ambiguousCreates: 0,
  };

  constructor(seed: number) {
    this.random = createRandom(seed).fork('faults');
  }

  dropSocketMessages(fault: SocketDropFault): void {
    if (!(fault.probability >= 0 && fault.probability <= 1)) throw new RangeError('probability must be in [0, 1]');
    this.drops = this.drops.filter((d) => d.channel !== fault.channel);
    if (fault.probability > 0) this.drops.push({ ...fault });
  }

  delaySocketMessages(fault: SocketDelayFault): void {
    if (!(fault.ms >= 0) || !((fault.jitterMs ?? 0) >= 0)) throw new RangeError('delay must be >= 0');
    this.delays = this.delays.filter((d) => d.channel !== fault.channel);
    if (fault.ms > 0 || (fault.jitterMs ?? 0) > 0) this.delays.push({ ...fault });
  }

  closeAllSockets(code = 1012, reason = 'fault injected'): number {
    let closed = 0;
    for (const l of this.closeListeners) closed += l(code, reason);
    this.counters.socketsClosed += closed;
    return closed;
  }

  failNextRequests(fault: HttpFailureFault): void {
    const status = fault.status ?? 503;
    if (!(status === 429 || (status >= 500 && status <= 599))) throw new RangeError('status must be 429 or 5xx');
    if (!(Number.isInteger(fault.count) && fault.count > 0)) throw new RangeError('count must be a positive integer');
    this.httpFailures.push({ remaining: fault.count, status, path: fault.path, method: fault.method?.toUpperCase() });
  }

  setRestLatency(ms: number, jitterMs = 0): void {
    if (!(ms >= 0 && jitterMs >= 0)) throw new RangeError('latency must be >= 0');
    this.latency = { ms, jitterMs };
  }

  setClockSkew(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('skew must be finite');
    this.skew = ms;
  }

  get clockSkewMs(): number {
    return this.skew;
  }

  ambiguousCreate(fault: AmbiguousCreateFault): void {
    if (!(Number.isInteger(fault.count) && fault.count > 0)) throw new RangeError('count must be a positive integer');
    this.ambiguous.push({ remaining: fault.count, mode: fault.mode, holdMs: fault.holdMs });
  }

  setLatencyStopgap(on: boolean): void {
    this.stopgap = on;
  }

  get latencyStopgap(): boolean {
    return this.stopgap;
  }

  clear(): void {
    this.stopgap = false;
    this.drops = [];
    this.delays = [];
    this.httpFailures = [];
    this.latency = { ms: 0, jitterMs: 0 };
    this.skew = 0;
    this.ambiguous = [];
  }

  stats(): FaultStats {
    return { ...this.counters };
  }

  // ---- hooks for the wire server ----

  /** Registers the socket hub's "close everything" action; returns an unregister function. */
  onCloseAllSockets(listener: (code: number, reason: string) => number): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Consumes one injected HTTP failure matching this request, if any; returns its status. */
  takeHttpFailure(method: string, path: string): number | null {
    for (const f of this.httpFailures) {
      if (f.method && f.method !== method) continue;
      if (f.path !== undefined && !(typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))) continue;
      f.remaining--;
      if (f.remaining <= 0) this.httpFailures = this.httpFailures.filter((x) => x !== f);
      this.counters.httpFailuresInjected++;
      return f.status;
    }
    return null;
  }

  /** The latency to add to this REST request, in ms. */
  restLatencyMs(): number {
    const { ms, jitterMs } = this.latency;
    if (ms === 0 && jitterMs === 0) return 0;
    this.counters.requestsDelayed++;
    return ms + (jitterMs > 0 ? this.random.next() * jitterMs : 0);
  }

  /** Consumes one ambiguous-create fault, if armed. */
  takeAmbiguousCreate(): { mode: AmbiguousCreateMode; holdMs?: number } | null {
    const f = this.ambiguous[0];
    if (!f) return null;
    f.remaining--;
    if (f.remaining <= 0) this.ambiguous.shift();
    this.counters.ambiguousCreates++;
    return { mode: f.mode, holdMs: f.holdMs };
  }

  /** Decides the fate of one outgoing socket message: dropped, or sent after `delayMs` (0 = now). */
  socketMessageFate(channel: SocketChannel): { drop: boolean; delayMs: number } {
    for (const d of this.drops) {
      if ((d.channel === undefined || d.channel === channel) && this.random.chance(d.probability)) {
        this.counters.socketMessagesDropped++;
        return { drop: true, delayMs: 0 };
      }
    }
    let delayMs = 0;
    for (const d of this.delays) {
      if (d.channel === undefined || d.channel === channel) {
        delayMs = Math.max(delayMs, d.ms + (d.jitterMs ? this.random.next() * d.jitterMs : 0));
      }
    }
    if (delayMs > 0) this.counters.socketMessagesDelayed++;
    return { drop: false, delayMs };
  }
}
