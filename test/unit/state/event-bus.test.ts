import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../shared/state/event-bus.js';
import { MetricsRegistry } from '../../../shared/observability/metrics-registry.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';

interface Topics {
  a: number;
  b: string;
}

describe('EventBus', () => {
  it('delivers synchronously, in subscription order, only to the topic subscribed', () => {
    const bus = new EventBus<Topics>();
    const seen: string[] = [];
    bus.on('a', (n) => seen.push(`1:${n}`));
    bus.on('a', (n) => seen.push(`2:${n}`));
    bus.on('b', (s) => seen.push(`b:${s}`));
    bus.emit('a', 7);
    seen.push('after');
    expect(seen).toEqual(['1:7', '2:7', 'after']);
  });

  it('unsubscribes, also from inside a handler without skipping the others', () => {
    const bus = new EventBus<Topics>();
    const seen: number[] = [];
    const off1 = bus.on('a', () => {
      seen.push(1);
      off1();
    });
    bus.on('a', () => seen.push(2));
    bus.emit('a', 0);
    bus.emit('a', 0);
    expect(seen).toEqual([1, 2, 2]);
    expect(bus.subscriberCount('a')).toBe(1);
  });

  it('isolates a throwing subscriber: logged, counted, the rest still run', () => {
    const metrics = new MetricsRegistry();
    const logger = new MemoryLogger();
    const bus = new EventBus<Topics>(logger, metrics);
    const seen: number[] = [];
    bus.on('a', () => {
      throw new Error('boom');
    });
    bus.on('a', (n) => seen.push(n));
    bus.emit('a', 3);
    expect(seen).toEqual([3]);
    expect(metrics.counter('bus.handler_error', { topic: 'a' })).toBe(1);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('a topic\'s channel is the topic: emitting on it reaches who subscribed before and after, not who left', () => {
    const metrics = new MetricsRegistry();
    const bus = new EventBus<Topics>(new MemoryLogger(), metrics);
    const seen: string[] = [];
    const offEarly = bus.on('a', (n) => seen.push(`early:${n}`));
    const a = bus.channel('a');
    expect(bus.channel('a')).toBe(a);
    bus.on('a', (n) => seen.push(`late:${n}`));
    bus.on('b', (s) => seen.push(`b:${s}`));
    a.emit(1);
    offEarly();
    a.emit(2);
    bus.emit('a', 3);
    const offThrow = a.on(() => {
      throw new Error('boom');
    });
    a.emit(4);
    offThrow();
    expect(seen).toEqual(['early:1', 'late:1', 'late:2', 'late:3', 'late:4']);
    expect(bus.subscriberCount('a')).toBe(1);
    expect(metrics.counter('bus.handler_error', { topic: 'a' })).toBe(1);
  });
});
