/**
 * Cursor paging of the venue's list endpoints (positions, activities: `limit`, `cursor` → `nextCursor`, `eof`).
 * Pages are read until `eof: true` or a page without a next cursor; a cursor the venue already returned
 * (a loop) or more than `maxPages` pages is refused as a ResponseValidationError instead of looping forever.
 */
import { ResponseValidationError } from './errors.js';

export interface Page<T> {
  items: readonly T[];
  nextCursor: string | null;
  eof: boolean;
}

/** More pages than any account has (100 items a page): a guard against a venue that never ends. */
export const MAX_PAGES = 10_000;

export async function* pageThrough<T>(endpoint: string, fetchPage: (cursor: string | undefined) => Promise<Page<T>>, maxPages = MAX_PAGES): AsyncGenerator<T> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (let pages = 1; ; pages++) {
    const page = await fetchPage(cursor);
    yield* page.items;
    if (page.eof || !page.nextCursor) return;
    if (seen.has(page.nextCursor)) throw pagingError(endpoint, 'the venue returned a cursor already seen', 'cursor loop');
    if (pages >= maxPages) throw pagingError(endpoint, `more than ${maxPages} pages`, 'too many pages');
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

function pagingError(endpoint: string, what: string, issue: string): ResponseValidationError {
  return new ResponseValidationError(`${endpoint}: ${what}`, { status: 200, endpoint, issues: [issue] });
}
