/**
 * What a sweep worker keeps between jobs besides the recordings: the YAML documents of the configuration
 * sources its jobs name, read and parsed once (a sweep's jobs differ by their overrides, applied per job on
 * top: backtestConfigFromDocuments), so a job no longer re-reads and re-parses the same YAML files.
 *
 * A source is known by its path and the size and mtime of each file it may read (present or not), so a file
 * edited, added or removed between jobs is read again. The documents held are frozen: applying overrides never
 * changes them (deepMerge and the configuration loader copy), and a change would throw instead of leaking
 * into the next job. At most `maxEntries` sources are held (least recently used dropped first).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { backtestConfigFiles, readBacktestConfigDocuments, type BacktestConfigDocuments } from './backtest-config.js';

/** The source's files as they stand on disk: changes when one is added, removed or rewritten. */
function sourceStamp(source: string): string {
  const parts = [resolve(source)];
  for (const f of backtestConfigFiles(source)) {
    const st = statSync(f, { throwIfNoEntry: false });
    parts.push(st ? `${st.size}\t${st.mtimeMs}` : '-');
  }
  return parts.join('\n');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export class ConfigDocumentsMemo {
  /** stamp → documents, least recently used first. */
  private readonly entries = new Map<string, BacktestConfigDocuments>();
  /** Sources read from disk over the memo's life. */
  reads = 0;

  constructor(
    private readonly read: (source: string) => BacktestConfigDocuments = readBacktestConfigDocuments,
    private readonly maxEntries = 4,
  ) {}

  get(source: string): BacktestConfigDocuments {
    const stamp = sourceStamp(source);
    let docs = this.entries.get(stamp);
    if (docs) {
      this.entries.delete(stamp);
    } else {
      docs = deepFreeze(this.read(source));
      this.reads++;
    }
    this.entries.set(stamp, docs);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return docs;
  }
}
