/**
 * Allocation-site pretenuring off while replays run (`--no-allocation-site-pretenuring`).
 *
 * Why: V8 pretenures an allocation site (makes its objects straight in the old generation) once most of its
 * objects survive a scavenge. A replay makes long-lived objects at sites whose later objects mostly die young
 * (book levels, the state's records, orders, positions): pretenured, those become old-generation garbage, and
 * each allocation is slower (a replay form's ~7,900 book levels took ~1 ms to make at its open instead of
 * ~0.1 ms). Measured (Node 22, separate processes alternated, as the flag is process-wide): replays of
 * data/sample ~10 % faster, of a 50k-line recording ~8 %; steady replays in a sweep worker (`npm run bench
 * backtest`) 5–15 %. It changes where objects live, never what a replay computes.
 *
 * Held by each replay on the main thread (runReplay) and by a sweep pool for its life (its workers' replays
 * run under the process-wide flag; a worker thread leaves the flag alone, as its own replays cannot count the
 * other threads' ones). V8 reads the flag when it decides a site's tenuring at a scavenge, so setting it
 * between replays is safe (more than 1,000 replays run with it flipped at run time, digests identical). The
 * rest of the process (every other bench of `npm run bench`, the bot) runs as started.
 */
import { isMainThread } from 'node:worker_threads';
import { givenAtStart, V8FlagHold } from './v8-flag-hold.js';

const PRETENURING_FLAGS = ['--allocation-site-pretenuring', '--allocation_site_pretenuring', '--no-allocation-site-pretenuring', '--no-allocation_site_pretenuring'];

/** The process's one holder (the flag is process-wide). */
export const replayHeap = new V8FlagHold(
  { held: '--no-allocation-site-pretenuring', released: '--allocation-site-pretenuring' },
  !isMainThread || givenAtStart(PRETENURING_FLAGS),
);
