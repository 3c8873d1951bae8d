/**
 * WireDrift: what the venue sends that this build does not fully understand, read in one place.
 *
 * - Enum values (`readEnum`): a known value comes back typed; an unknown one is never given a guessed meaning:
 *   the caller gets `null` and substitutes its conservative stand-in (e.g. ORDER_STATE_UNRECOGNISED). Every
 *   occurrence is counted in `venue.unknown_enum` {field, value}; each new (field, value) is logged once and
 *   counted once in `venue.unknown_enum.distinct` {field}. Values are cut to 60 characters and, past
 *   `maxDistinct` distinct values, reported as `(other)` so a noisy venue cannot blow up metric cardinality.
 * - Quantities finer than the venue's 0.01 contract, rounded (`rounded`): counted in `venue.quantity_rounded` {field},
 *   logged once per field.
 *
 * One instance per client (REST client, each socket), created with that client's metrics and logger; parsers
 * called without one use a silent instance.
 */
import type { Logger } from '../observability/logger.js';
import { nullLogger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { nullMetrics } from '../observability/metrics.js';

export interface WireDriftOptions {
  metrics?: Metrics;
  logger?: Logger;
  /** Distinct unknown (field, value) pairs remembered (and logged) before values are reported as `(other)`. */
  maxDistinct?: number;
}

const MAX_VALUE_TEXT = 60;

export class WireDrift {
  private readonly metrics: Metrics;
  private readonly logger: Logger;
  private readonly maxDistinct: number;
  private readonly seen = new Map<string, number>();
  private readonly roundedFields = new Set<string>();

  constructor(options: WireDriftOptions = {}) {
    this.metrics = options.metrics ?? nullMetrics;
    this.logger = options.logger ?? nullLogger;
    this.maxDistinct = options.maxDistinct ?? 200;
  }

  /**
   * Reads an enum field. Missing (undefined/null) → null without a report; a known value → itself; anything
   * else (unknown string, number, object) → reported and null.
   */
  readEnum<T extends string>(field: string, allowed: readonly T[], value: unknown): T | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.unknownEnum(field, value);
    return null;
  }

  /** Reports an enum value this build does not know. */
  unknownEnum(field: string, value: unknown): void {
    let text = typeof value === 'string' ? value : (safeJson(value) ?? typeof value);
    text = text.slice(0, MAX_VALUE_TEXT);
    const key = `${field}\u0000${text}`;
    const count = this.seen.get(key);
    if (count === undefined && this.seen.size >= this.maxDistinct) {
      this.metrics.increment('venue.unknown_enum', 1, { field, value: '(other)' });
      return;
    }
    this.seen.set(key, (count ?? 0) + 1);
    this.metrics.increment('venue.unknown_enum', 1, { field, value: text });
    if (count === undefined) {
      this.metrics.increment('venue.unknown_enum.distinct', 1, { field });
      this.logger.warn('venue sent an enum value this build does not know; handled conservatively', { field, value: text });
    }
  }

  /** Reports a quantity finer than 0.01 contract rounded to hundredths (`qty`, in hundredths). */
  rounded(field: string, exact: string, qty: number): void {
    this.metrics.increment('venue.quantity_rounded', 1, { field });
    if (this.roundedFields.has(field)) return;
    this.roundedFields.add(field);
    this.logger.warn('quantity finer than 0.01 contract rounded to hundredths (exact value kept)', { field, exact: exact.slice(0, 40), hundredths: qty });
  }

  /** Unknown (field, value) pairs seen so far and how often (tests, diagnostics). */
  unknownSeen(): { field: string; value: string; count: number }[] {
    return [...this.seen].map(([k, count]) => {
      const [field = '', value = ''] = k.split('\u0000');
      return { field, value, count };
    });
  }
}

function safeJson(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/** A drift reporter that reports nowhere (parsers called without one). */
export const silentDrift = (): WireDrift => new WireDrift();
