/**
 * Per-account activity history (trades, order lifecycle, settlements, deposits) with the cursor paging of
 * GET /v1/portfolio/activities. The cursor is the opaque sequence number of the last activity returned.
 */
import { badRequest } from './errors.js';
import type { ActivityPage, ActivityQuery, SimActivity } from './types.js';

export const DEFAULT_ACTIVITY_LIMIT = 100;
export const MAX_ACTIVITY_LIMIT = 1000;

/** Default number of most recent activities kept per account (older ones are dropped, oldest first). */
export const DEFAULT_MAX_ACTIVITIES_PER_ACCOUNT = 50_000;

export class ActivityLog {
  private readonly byAccount = new Map<string, SimActivity[]>();
  private seq = 0;

  constructor(private readonly maxPerAccount: number = DEFAULT_MAX_ACTIVITIES_PER_ACCOUNT) {
    if (!Number.isInteger(maxPerAccount) || maxPerAccount < 1) throw new RangeError('maxPerAccount must be a positive integer');
  }

  record(activity: Omit<SimActivity, 'id' | 'seq'>): SimActivity {
    this.seq++;
    const full = activity as SimActivity;
    full.id = `act-${this.seq}`;
    full.seq = this.seq;
    let list = this.byAccount.get(activity.accountId);
    if (!list) {
      list = [];
      this.byAccount.set(activity.accountId, list);
    }
    list.push(full);
    // Drop the oldest in batches so that a long simulation keeps bounded memory at O(1) amortized cost.
    if (list.length > this.maxPerAccount + Math.ceil(this.maxPerAccount / 4)) list.splice(0, list.length - this.maxPerAccount);
    return full;
  }

  query(accountId: string, q: ActivityQuery = {}): ActivityPage {
    const limit = q.limit ?? DEFAULT_ACTIVITY_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ACTIVITY_LIMIT) {
      throw badRequest('INVALID_LIMIT', `limit must be an integer between 1 and ${MAX_ACTIVITY_LIMIT}`);
    }
    let after: number | null = null;
    if (q.cursor !== undefined && q.cursor !== null && q.cursor !== '') {
      if (!/^\d+$/.test(q.cursor)) throw badRequest('INVALID_CURSOR', 'cursor is not valid');
      after = Number(q.cursor);
    }
    const descending = (q.sortOrder ?? 'SORT_ORDER_DESCENDING') === 'SORT_ORDER_DESCENDING';
    const types = q.types && q.types.length > 0 ? new Set(q.types) : null;
    const list = this.byAccount.get(accountId) ?? [];
    const out: SimActivity[] = [];
    let more = false;
    const n = list.length;
    for (let k = 0; k < n; k++) {
      const a = list[descending ? n - 1 - k : k] as SimActivity;
      if (after !== null && (descending ? a.seq >= after : a.seq <= after)) continue;
      if (q.marketSlug && a.marketSlug !== q.marketSlug) continue;
      if (types && !types.has(a.type)) continue;
      if (out.length === limit) {
        more = true;
        break;
      }
      out.push(a);
    }
    const last = out[out.length - 1];
    return { activities: out, nextCursor: more && last ? String(last.seq) : null, eof: !more };
  }
}
