/**
 * A one-line progress bar on stderr for long replays: percent, events per second, time left. Drawn only when
 * stderr is a TTY or when forced (--progress); redrawn at most every `minIntervalMs` of wall time. Wall time
 * here is display only: it never reaches the engine.
 */
export interface ProgressBarOptions {
  stream?: NodeJS.WriteStream;
  force?: boolean;
  label?: string;
  minIntervalMs?: number;
  now?: () => number;
}

export class ProgressBar {
  private readonly stream: NodeJS.WriteStream;
  private readonly enabled: boolean;
  private readonly now: () => number;
  private readonly started: number;
  private lastDraw = 0;

  constructor(private readonly opts: ProgressBarOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.enabled = opts.force === true || this.stream.isTTY === true;
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
  }

  update(done: number, total: number): void {
    if (!this.enabled) return;
    const now = this.now();
    if (done < total && now - this.lastDraw < (this.opts.minIntervalMs ?? 200)) return;
    this.lastDraw = now;
    this.stream.write(`\r${formatProgress(done, total, now - this.started, this.opts.label)}`);
    if (done >= total) this.stream.write('\n');
  }
}

/** "label [#####-----]  52.0%  1,234,567 ev/s  ETA 0:12" */
export function formatProgress(done: number, total: number, elapsedMs: number, label = 'replay'): string {
  const width = 24;
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * width);
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const leftS = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
  const eta = `${Math.floor(leftS / 60)}:${String(Math.floor(leftS % 60)).padStart(2, '0')}`;
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}%  ${Math.round(rate).toLocaleString('en-US')} ev/s  ETA ${eta}  `;
}
