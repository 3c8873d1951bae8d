/**
 * A V8 flag turned one way while someone holds it, and back when the last holder lets go.
 *
 * V8's flags are process-wide: a worker thread cannot be given its own (Node refuses V8 options in a worker's
 * execArgv), so a setting the replays want is set for the whole process with `v8.setFlagsFromString` while at
 * least one holder needs it, then set back so the rest of the process runs as it was started. A process
 * started with the flag given either way is left alone (its operator chose). Only flags that V8 reads afresh
 * each time it acts are fit for this (serial-scavenges.ts and replay-heap.ts say why theirs are).
 */
import { setFlagsFromString } from 'node:v8';

export interface V8Flag {
  /** The flag as set while held, e.g. `--no-parallel-scavenge`. */
  held: string;
  /** The flag as set back after the last release, e.g. `--parallel-scavenge`. */
  released: string;
}

/** True when argv (default: this process's Node options) gives one of these flags, bare or with a value. */
export function givenAtStart(names: readonly string[], argv: readonly string[] = process.execArgv): boolean {
  return argv.some((a) => names.includes(a.split('=')[0] as string));
}

export class V8FlagHold {
  private holders = 0;

  constructor(
    readonly flag: V8Flag,
    /** Leave the flag alone (given at start, or not this thread's to set). */
    readonly leaveAlone: boolean,
    private readonly setFlags: (flags: string) => void = setFlagsFromString,
  ) {}

  /** The flag is set as held until the returned release is called (once; later calls do nothing). */
  hold(): () => void {
    if (this.holders++ === 0 && !this.leaveAlone) this.setFlags(this.flag.held);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0 && !this.leaveAlone) this.setFlags(this.flag.released);
    };
  }

  /** Holders now. */
  get held(): number {
    return this.holders;
  }
}
