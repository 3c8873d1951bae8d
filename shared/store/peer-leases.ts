/**
 * Stage isolation on one exchange key: before trading live, a bot looks up the trading lease of every OTHER
 * stage (each stage's `leases` table, named by the stack `pmus-trader-<stage>-leases`) under its own lease key
 * — the key id's fingerprint (trading-lease-repository.ts `tradingLeaseKey`), never the key itself. A live,
 * unexpired lease there means another stage's bot runs on the same exchange key: this bot refuses to trade live
 * (it keeps paper) until that bot stops or uses its own key. Reads only; a failed read refuses too (fail
 * closed: live trading is the thing being guarded).
 *
 * PEER_LEASE_TABLES (set by the stack): "prod=pmus-trader-prod-leases,staging=…" — the other stages only.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TradingLeaseRepository } from './trading-lease-repository.js';

export interface PeerLeaseTable {
  stage: string;
  table: string;
}

export function parsePeerLeaseTables(raw: string | undefined): PeerLeaseTable[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      if (eq <= 0 || eq === p.length - 1) throw new Error(`PEER_LEASE_TABLES: "${p}" is not stage=table`);
      return { stage: p.slice(0, eq), table: p.slice(eq + 1) };
    });
}

/** Why live trading must be refused (another stage holds the key), or undefined when it may go ahead. */
export async function peerLeaseConflict(
  doc: DynamoDBDocumentClient,
  peers: readonly PeerLeaseTable[],
  leaseKey: string,
  now: number,
): Promise<string | undefined> {
  for (const peer of peers) {
    try {
      const lease = await new TradingLeaseRepository(doc, peer.table, leaseKey).get();
      if (lease && lease.expiresAt > now) {
        return `stage ${peer.stage} holds a trading lease on the same exchange key (${leaseKey}) until ${new Date(lease.expiresAt).toISOString()}: give each stage its own exchange key`;
      }
    } catch (err) {
      return `stage ${peer.stage}'s lease could not be read (${(err as Error)?.name ?? 'error'}): not trading live on a key another stage may hold`;
    }
  }
  return undefined;
}
