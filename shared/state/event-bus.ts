/**
 * A typed, synchronous, allocation-light publish/subscribe bus (seed: event_bus). `emit` calls every
 * subscriber of the topic in subscription order, on the caller's stack: no queue, no promise, no copy of the
 * payload. A subscriber that throws is logged and counted, and the others still run.
 *
 * Each topic is one Channel, made on first use and kept for good: a publisher of a hot topic (the state
 * manager's market updates) holds its channel (`channel`) and emits on it without looking the topic up.
 */
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { nullLogger } from '../observability/logger.js';
import { nullMetrics } from '../observability/metrics.js';

export type Handler<T> = (payload: T) => void;

/** One topic's subscribers, and its emit. */
export class Channel<T> {
  /** Replaced, never changed, on (un)subscribe: an emit in progress keeps iterating the array it started with. */
  private handlers: readonly Handler<T>[] = [];

  constructor(
    private readonly topic: string,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  /** Calls every subscriber in subscription order (see the header). */
  emit(payload: T): void {
    const list = this.handlers;
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as Handler<T>)(payload);
      } catch (err) {
        this.metrics.increment('bus.handler_error', 1, { topic: this.topic });
        this.logger.error('event handler failed', { topic: this.topic, err });
      }
    }
  }

  /** Subscribes; returns the function that unsubscribes. */
  on(handler: Handler<T>): () => void {
    this.handlers = [...this.handlers, handler];
    return () => {
      this.handlers = this.handlers.filter((h) => h !== handler);
    };
  }

  get subscriberCount(): number {
    return this.handlers.length;
  }
}

export class EventBus<Events extends { [K in keyof Events]: unknown }> {
  /** topic → its channel (a Channel<Events[topic]>: the map's type cannot say so). */
  private readonly channels = new Map<keyof Events, Channel<unknown>>();

  constructor(
    private readonly logger: Logger = nullLogger,
    private readonly metrics: Metrics = nullMetrics,
  ) {}

  /** A topic's channel (the same object for the bus's life): emitting on it is `emit(topic, …)`. */
  channel<K extends keyof Events>(topic: K): Channel<Events[K]> {
    let c = this.channels.get(topic) as Channel<Events[K]> | undefined;
    if (c === undefined) {
      c = new Channel<Events[K]>(String(topic), this.logger, this.metrics);
      this.channels.set(topic, c as Channel<unknown>);
    }
    return c;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(topic: K, handler: Handler<Events[K]>): () => void {
    return this.channel(topic).on(handler);
  }

  emit<K extends keyof Events>(topic: K, payload: Events[K]): void {
    (this.channels.get(topic) as Channel<Events[K]> | undefined)?.emit(payload);
  }

  subscriberCount<K extends keyof Events>(topic: K): number {
    return (this.channels.get(topic) as Channel<Events[K]> | undefined)?.subscriberCount ?? 0;
  }
}
