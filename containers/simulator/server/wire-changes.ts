/**
 * The private stream's change frames need the state BEFORE a change (`positionSubscription.beforePosition`,
 * `accountBalancesUpdate.balanceChange.beforeBalance`) while the engine reports only the state after. This keeps
 * the last state sent per account (and market) and builds both forms of a change frame: today's and the legacy
 * alias's (docs/venue-rules.md, "WebSockets"). It listens from the exchange's start and is seeded with the
 * balances of the accounts opened before, so "before" is known (a position's is null before its first fill).
 */
import type { VenueBalance, VenuePosition } from '../../../shared/domain/venue-models.js';
import type { BalanceChangeFrames, PositionChangeFrames } from './socket-hub.js';
import { balanceToWire, iso, legacyBalanceToWire, positionToWire, type MetadataOf } from './wire-format.js';

export interface WireChangesDeps {
  metadataOf: MetadataOf;
  now(): number;
}

export class WireChanges {
  private readonly positions = new Map<string, Record<string, unknown>>();
  private readonly balances = new Map<string, Record<string, unknown>>();

  constructor(private readonly deps: WireChangesDeps) {}

  /** Remembers an account's balance as the "before" of its first change (accounts opened before listening). */
  seedBalance(accountId: string, b: VenueBalance): void {
    this.balances.set(accountId, this.balance(b));
  }

  /** The account's UserBalance now. */
  balance(b: VenueBalance): Record<string, unknown> {
    return balanceToWire(b, this.deps.now());
  }

  legacyBalance(b: VenueBalance): Record<string, unknown> {
    return legacyBalanceToWire(b);
  }

  position(accountId: string, slug: string, p: VenuePosition, deprecatedCounts: boolean): PositionChangeFrames {
    const key = `${accountId}\u0000${slug}`;
    const after = positionToWire(p, { metadataOf: this.deps.metadataOf, deprecatedCounts });
    const before = this.positions.get(key) ?? null;
    this.positions.set(key, after);
    return {
      current: {
        beforePosition: before,
        afterPosition: after,
        updateTime: iso(p.updateTime ?? this.deps.now()),
        entryType: p.expired ? 'LEDGER_ENTRY_TYPE_RESOLUTION' : 'LEDGER_ENTRY_TYPE_ORDER_EXECUTION',
        description: p.expired ? 'market resolved' : 'position change',
      },
      legacy: { marketSlug: slug, position: after },
    };
  }

  balanceChange(accountId: string, b: VenueBalance): BalanceChangeFrames {
    const after = this.balance(b);
    const before = this.balances.get(accountId) ?? null;
    this.balances.set(accountId, after);
    return {
      current: {
        balanceChange: {
          beforeBalance: before,
          afterBalance: after,
          description: 'balance change',
          updateTime: iso(this.deps.now()),
          entryType: 'LEDGER_ENTRY_TYPE_ORDER_EXECUTION',
        },
      },
      legacy: legacyBalanceToWire(b),
    };
  }
}
