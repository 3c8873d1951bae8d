/**
 * Joins the chunks of a socket snapshot (`orderSubscriptionSnapshot` / `positionSubscriptionSnapshot` frames
 * with `eof: false` until the last) into the one complete event consumers need: a positions snapshot is "the
 * whole truth" (positions it does not list are flat), so a half snapshot must never be emitted as one.
 * Chunks are keyed by requestId and snapshot type; a connect (clear) or an error frame for the request
 * (abandon) drops what was gathered.
 */
import type { VenueEvent } from '../domain/venue-events.js';

type SnapshotEvent = Extract<VenueEvent, { type: 'orders_snapshot' | 'positions_snapshot' }>;

/** Far more chunks than any real snapshot: past it the partial snapshot is dropped (memory stays bounded). */
const MAX_PARTS = 10_000;

export class SnapshotAssembler {
  private readonly pending = new Map<string, { event: SnapshotEvent; parts: number }>();

  /** Adds a chunk; returns the complete snapshot on its last chunk, else null. */
  add(requestId: string | null, chunk: SnapshotEvent, eof: boolean): SnapshotEvent | null {
    const key = `${chunk.type}\u0000${requestId ?? ''}`;
    const prior = this.pending.get(key);
    let joined: SnapshotEvent = chunk;
    if (prior) {
      joined =
        prior.event.type === 'orders_snapshot' && chunk.type === 'orders_snapshot'
          ? { ...chunk, orders: [...prior.event.orders, ...chunk.orders] }
          : prior.event.type === 'positions_snapshot' && chunk.type === 'positions_snapshot'
            ? { ...chunk, positions: [...prior.event.positions, ...chunk.positions] }
            : chunk;
    }
    if (eof) {
      this.pending.delete(key);
      return joined;
    }
    const parts = (prior?.parts ?? 0) + 1;
    if (parts > MAX_PARTS) this.pending.delete(key);
    else this.pending.set(key, { event: joined, parts });
    return null;
  }

  /** Drops the partial snapshots of a request (an error frame cut it short); true when there was one. */
  abandon(requestId: string | null): boolean {
    let dropped = false;
    for (const key of [...this.pending.keys()]) {
      if (key.endsWith(`\u0000${requestId ?? ''}`)) {
        this.pending.delete(key);
        dropped = true;
      }
    }
    return dropped;
  }

  /** Forgets everything (a new connection starts new snapshots). */
  clear(): void {
    this.pending.clear();
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}
