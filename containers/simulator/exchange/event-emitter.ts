/**
 * Batches the engine's events during one operation and delivers them synchronously once the operation has
 * left the state consistent. Per operation, position and balance events are coalesced to the final value
 * per account (and market), and book events to one per market. A listener that calls back into the
 * exchange is allowed: the nested operation's events are delivered after the current batch, in order.
 * A throwing listener is logged and does not disturb the engine or other listeners.
 */
import type { Logger } from '../../../shared/observability/logger.js';
import type { ExchangeEvent, ExchangeEventListener } from './types.js';

export class EventBatcher {
  private readonly listeners = new Set<ExchangeEventListener>();
  private ordered: ExchangeEvent[] = [];
  private positions = new Set<string>();
  private balances = new Set<string>();
  private books = new Set<string>();
  private depth = 0;
  private flushing = false;

  constructor(
    private readonly logger: Logger,
    private readonly resolvePosition: (accountId: string, marketSlug: string) => ExchangeEvent,
    private readonly resolveBalance: (accountId: string) => ExchangeEvent,
  ) {}

  subscribe(listener: ExchangeEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Runs `fn` as one operation: events raised inside are delivered when the outermost operation ends. */
  run<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0 && !this.flushing) this.flush();
    }
  }

  push(event: ExchangeEvent): void {
    this.ordered.push(event);
  }

  positionChanged(accountId: string, marketSlug: string): void {
    this.positions.add(`${accountId}\u0000${marketSlug}`);
  }

  balanceChanged(accountId: string): void {
    this.balances.add(accountId);
  }

  bookChanged(marketSlug: string): void {
    this.books.add(marketSlug);
  }

  private flush(): void {
    this.flushing = true;
    try {
      while (this.ordered.length > 0 || this.positions.size > 0 || this.balances.size > 0 || this.books.size > 0) {
        const batch = this.ordered;
        const positions = this.positions;
        const balances = this.balances;
        const books = this.books;
        this.ordered = [];
        this.positions = new Set();
        this.balances = new Set();
        this.books = new Set();
        for (const e of batch) this.deliver(e);
        for (const key of positions) {
          const [accountId, slug] = key.split('\u0000') as [string, string];
          this.deliver(this.resolvePosition(accountId, slug));
        }
        for (const accountId of balances) this.deliver(this.resolveBalance(accountId));
        for (const marketSlug of books) this.deliver({ type: 'book', marketSlug });
      }
    } finally {
      this.flushing = false;
    }
  }

  private deliver(event: ExchangeEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.logger.warn('exchange event listener threw', { eventType: event.type, error: String(err) });
      }
    }
  }
}
