/** Typed errors of the DynamoDB store. Messages carry keys and versions, never item contents. */

export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** An optimistic-concurrency write lost: the item changed (or appeared / vanished) since it was read. */
export class VersionConflictError extends StoreError {
  constructor(readonly table: string, readonly key: string, readonly expectedVersion: number | null) {
    super(`version conflict on ${table} ${key}: expected version ${expectedVersion ?? '(absent)'}`);
    this.name = 'VersionConflictError';
  }
}

/** The same execution id was recorded before with different contents: the ledger refuses to overwrite. */
export class LedgerConflictError extends StoreError {
  constructor(readonly executionId: string, readonly differingFields: string[]) {
    super(`execution ${executionId} already recorded with different ${differingFields.join(', ')}`);
    this.name = 'LedgerConflictError';
  }
}

/** A write to a trading day that has already been archived. */
export class RiskDayArchivedError extends StoreError {
  constructor(readonly day: string) {
    super(`risk day ${day} is archived and no longer accepts updates`);
    this.name = 'RiskDayArchivedError';
  }
}

/** A value that must be stored as integer micros (or an integer count) is not a safe integer. */
export class NonIntegerAmountError extends StoreError {
  constructor(readonly field: string, readonly value: unknown) {
    super(`${field} must be a safe integer, got ${typeof value === 'number' ? value : typeof value}`);
    this.name = 'NonIntegerAmountError';
  }
}

export function assertSafeInteger(field: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new NonIntegerAmountError(field, value);
}

export function isConditionalCheckFailed(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'ConditionalCheckFailedException';
}
