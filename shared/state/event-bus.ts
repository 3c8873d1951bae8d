/**
 * A typed, synchronous, allocation-light publish/subscribe bus (seed: event_bus). `emit` calls every
 * subscriber of the topic in subscription order, on the caller's stack: no queue, no promise, no copy of the
 * payload. A subscriber that throws is logged and counted, and the others still run.
 */
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { nullLogger } from '../observability/logger.js';
import { nullMetrics } from '../observability/metrics.js';

export type Handler<T> = (payload: T) => void;

export class EventBus<Events extends { [K in keyof Events]: unknown }> {
  private readonly handlers = new Map<keyof Events, Handler<never>[]>();

  constructor(
    private readonly logger: Logger = nullLogger,
    private readonly metrics: Metrics = nullMetrics,
  ) {}

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(topic: K, handler: Handler<Events[K]>): () => void {
    const list = (this.handlers.get(topic) ?? []) as Handler<Events[K]>[];
    // Copy on write: an emit in progress keeps iterating the array it started with.
    this.handlers.set(topic, [...list, handler] as Handler<never>[]);
    return () => {
      const current = (this.handlers.get(topic) ?? []) as Handler<Events[K]>[];
      this.handlers.set(
        topic,
        current.filter((h) => h !== handler) as Handler<never>[],
      );
    };
  }

  emit<K extends keyof Events>(topic: K, payload: Events[K]): void {
    const list = this.handlers.get(topic) as Handler<Events[K]>[] | undefined;
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as Handler<Events[K]>)(payload);
      } catch (err) {
        this.metrics.increment('bus.handler_error', 1, { topic: String(topic) });
        this.logger.error('event handler failed', { topic: String(topic), err });
      }
    }
  }

  subscriberCount<K extends keyof Events>(topic: K): number {
    return this.handlers.get(topic)?.length ?? 0;
  }
}
