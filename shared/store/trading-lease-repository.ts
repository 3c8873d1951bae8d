/**
 * The trading lease: one item per account in the `leases` table, naming the one bot task allowed to send
 * orders and cancels for that account (the stack is per stage, so the lease is per account and stage).
 *
 * Every operation is a single-item conditional write (dynalite has no transactions; none are needed):
 *  - acquire: succeeds only if the item is absent, expired (`expiresAt <= now`) or already ours;
 *  - renew:   only if ours (the owner attribute is still our id);
 *  - release: a conditional delete, only if ours.
 * Time is the caller's wall clock in epoch milliseconds (`now`): the writer's clock decides expiry. Tasks on
 * Fargate are NTP-synchronised (Amazon Time Sync, skew in ms), far inside a lease of tens of seconds.
 *
 * A renewal deliberately does not require `expiresAt > now`: if our lease lapsed and nobody took it, the item
 * still names us and extending it is safe; if somebody took it, the owner differs and the renewal fails.
 * `generation` grows on every acquisition (a fencing number for logs and audits).
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, StoreError } from './errors.js';

export interface TradingLease {
  leaseKey: string;
  owner: string;
  /** Epoch ms after which anybody may take the lease. */
  expiresAt: number;
  acquiredAt: number;
  renewedAt: number;
  /** Incremented on every acquisition. */
  generation: number;
}

export type LeaseAcquireResult =
  | { acquired: true; lease: TradingLease; /** The owner the lease was taken from (expired), if another. */ previousOwner?: string; previousExpiresAt?: number }
  | { acquired: false; /** Who holds it and until when (undefined if it vanished between the write and the read). */ holder: TradingLease | undefined };

/** A lease argument that cannot be stored (empty owner, non-integer time or TTL). */
export class InvalidLeaseArgumentError extends StoreError {
  constructor(readonly field: string) {
    super(`invalid lease argument: ${field}`);
    this.name = 'InvalidLeaseArgumentError';
  }
}

/**
 * The lease key of an account: one lease per exchange account (its API key id) in the stage's table. The id is
 * hashed (SHA-256, 96 bits shown): the key id itself never lands in the table or in a log line.
 */
export function tradingLeaseKey(account: string): string {
  if (!account) throw new InvalidLeaseArgumentError('account');
  return `trading#${createHash('sha256').update(account).digest('hex').slice(0, 24)}`;
}

const MAX_OWNER_LENGTH = 256;
const RESERVED = new Set(['leaseKey', 'owner', 'expiresAt', 'acquiredAt', 'renewedAt', 'generation']);

function checkOwner(owner: string): void {
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > MAX_OWNER_LENGTH) throw new InvalidLeaseArgumentError('owner');
}

function checkTime(field: string, value: number, positive: boolean): void {
  if (!Number.isSafeInteger(value) || (positive ? value <= 0 : value < 0)) throw new InvalidLeaseArgumentError(field);
}

function toLease(item: Record<string, unknown>): TradingLease {
  return {
    leaseKey: String(item.leaseKey),
    owner: String(item.owner),
    expiresAt: Number(item.expiresAt),
    acquiredAt: Number(item.acquiredAt ?? 0),
    renewedAt: Number(item.renewedAt ?? 0),
    generation: Number(item.generation ?? 0),
  };
}

export class TradingLeaseRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly leaseKey: string,
    /** Written with every acquisition for audits and other stages' checks (e.g. stage, keyFingerprint); never a secret. */
    private readonly labels: Readonly<Record<string, string>> = {},
  ) {
    if (!leaseKey) throw new InvalidLeaseArgumentError('leaseKey');
    for (const k of Object.keys(labels)) if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(k) || RESERVED.has(k)) throw new InvalidLeaseArgumentError(`label ${k}`);
  }

  /** Takes the lease for `ttlMs` from `now` if it is free, expired or already `owner`'s. */
  async acquire(owner: string, ttlMs: number, now: number): Promise<LeaseAcquireResult> {
    checkOwner(owner);
    checkTime('ttlMs', ttlMs, true);
    checkTime('now', now, false);
    const expiresAt = now + ttlMs;
    const labelNames = Object.keys(this.labels);
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { leaseKey: this.leaseKey },
          UpdateExpression: `SET #owner = :owner, expiresAt = :exp, acquiredAt = :now, renewedAt = :now, generation = if_not_exists(generation, :zero) + :one${labelNames.map((k) => `, #l_${k} = :l_${k}`).join('')}`,
          ConditionExpression: 'attribute_not_exists(leaseKey) OR expiresAt <= :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner', ...Object.fromEntries(labelNames.map((k) => [`#l_${k}`, k])) },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':exp': expiresAt,
            ':now': now,
            ':zero': 0,
            ':one': 1,
            ...Object.fromEntries(labelNames.map((k) => [`:l_${k}`, this.labels[k]])),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = r.Attributes;
      const lease: TradingLease = {
        leaseKey: this.leaseKey,
        owner,
        expiresAt,
        acquiredAt: now,
        renewedAt: now,
        generation: Number(old?.generation ?? 0) + 1,
      };
      if (old && old.owner !== owner) return { acquired: true, lease, previousOwner: String(old.owner), previousExpiresAt: Number(old.expiresAt) };
      return { acquired: true, lease };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      return { acquired: false, holder: await this.get() };
    }
  }

  /** Extends `owner`'s lease to `now + ttlMs`. Returns undefined when the lease is not (or no longer) ours. */
  async renew(owner: string, ttlMs: number, now: number): Promise<TradingLease | undefined> {
    checkOwner(owner);
    checkTime('ttlMs', ttlMs, true);
    checkTime('now', now, false);
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { leaseKey: this.leaseKey },
          UpdateExpression: 'SET expiresAt = :exp, renewedAt = :now',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':exp': now + ttlMs, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toLease(r.Attributes ?? {});
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  }

  /** Deletes the lease if it is `owner`'s (conditional delete). Returns false when it was not ours (or absent). */
  async release(owner: string): Promise<boolean> {
    checkOwner(owner);
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { leaseKey: this.leaseKey },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /** The lease as stored (strongly consistent), expired or not. */
  async get(): Promise<TradingLease | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { leaseKey: this.leaseKey }, ConsistentRead: true }));
    return r.Item ? toLease(r.Item) : undefined;
  }
}
