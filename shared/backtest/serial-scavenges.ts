/**
 * Serial scavenges while a sweep pool runs: V8's minor GC (the scavenge) runs on the thread that allocates
 * instead of being split with helper tasks on V8's platform threads (`--no-parallel-scavenge`).
 *
 * Why: a sweep worker's scavenges copy little (~1 MB survives each, out of ~50 MB allocated), so the split
 * costs more than it saves. Measured on the 2-core box (one warm worker, 32 jobs, `--trace-gc-nvp`, Node 22):
 * ~10 scavenges per sweep took 46–91 ms of pause serial against 73–87 ms of pause plus 69–83 ms of helper CPU
 * in parallel; the helpers are the "V8 background" CPU a second worker has to share its cores with.
 *
 * V8's flags are process-wide and cannot be given to a worker thread (Node refuses V8 options in a worker's
 * execArgv), so this sets the flag for the whole process while at least one pool holds it, and sets it back
 * when the last one lets go: meanwhile the main thread's scavenges are serial too (slightly longer pauses on
 * a thread that only dispatches jobs; no change to what any code computes). Only this flag is changed at run
 * time: it is read when a scavenge starts, so flipping it between scavenges is safe. Flags that steer
 * concurrent marking are not: changing `--single-threaded-gc`'s set at run time crashed V8 (cppgc's marker).
 * A process started with parallel scavenging off (`--no-parallel-scavenge`, `--single-threaded-gc`,
 * `--single-threaded`) is left alone.
 */
import { givenAtStart, V8FlagHold } from './v8-flag-hold.js';

const OFF_FROM_START = ['--no-parallel-scavenge', '--no-parallel_scavenge', '--single-threaded-gc', '--single_threaded_gc', '--single-threaded', '--single_threaded'];

/** The process's one holder (the flag is process-wide). */
export const serialScavenges = new V8FlagHold({ held: '--no-parallel-scavenge', released: '--parallel-scavenge' }, givenAtStart(OFF_FROM_START));
