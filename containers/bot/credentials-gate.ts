/**
 * Start-up gate on the trading credentials (shared/aws/credentials.ts), and the watch for their rotation.
 *
 *  - waitUntilReady(): reads the secrets; while they hold the stack's placeholder (a first deploy) or anything
 *    unusable, the bot stays up, healthy and idle: one "waiting for credentials" log line (again only if the
 *    reason changes), the gauge `bot.waiting_for_credentials` = 1, a read every `pollMs` (default 30 s, so
 *    trading begins within a minute of `put-secret-value`, with no redeploy). Transient read errors are retried.
 *  - waitForChange(fingerprint): re-reads every `rotationPollMs` (default 60 s) and resolves with the new
 *    credentials once they differ (a key rotation); main.ts then stops trading gracefully and starts again with
 *    the new key. A value that becomes unusable (placeholder again, malformed) is logged and ignored: the running
 *    bot keeps the key it has.
 * Both resolve undefined when `signal` aborts (the process is stopping).
 */
import type { CredentialsRead, TradingCredentials } from '../../shared/aws/credentials.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Metrics } from '../../shared/observability/metrics.js';

export const WAITING_FOR_CREDENTIALS = 'waiting for credentials';

export interface CredentialsGateOptions {
  read: () => Promise<CredentialsRead>;
  logger: Logger;
  metrics: Metrics;
  pollMs?: number;
  rotationPollMs?: number;
  /** Called when waiting starts (once per wait). */
  onWaiting?: (reason: string) => void;
}

export class CredentialsGate {
  readonly pollMs: number;
  readonly rotationPollMs: number;

  constructor(private readonly o: CredentialsGateOptions) {
    this.pollMs = o.pollMs ?? 30_000;
    this.rotationPollMs = o.rotationPollMs ?? 60_000;
  }

  async waitUntilReady(signal: AbortSignal): Promise<TradingCredentials | undefined> {
    let lastReason: string | undefined;
    let waiting = false;
    const started = Date.now();
    while (!signal.aborted) {
      const r = await this.safeRead();
      if (r.state === 'ready') {
        if (waiting) {
          this.o.metrics.gauge('bot.waiting_for_credentials', 0);
          this.o.logger.info('credentials found: starting', { keyFingerprint: r.credentials.keyFingerprint, waitedMs: Date.now() - started });
        }
        return r.credentials;
      }
      if (r.state === 'not-set') {
        this.o.metrics.gauge('bot.waiting_for_credentials', 1);
        if (!waiting) this.o.onWaiting?.(r.reason);
        waiting = true;
        if (r.reason !== lastReason) {
          lastReason = r.reason;
          this.o.logger.warn(WAITING_FOR_CREDENTIALS, {
            reason: r.reason,
            pollMs: this.pollMs,
            fix: 'aws secretsmanager put-secret-value (README, "Putting the keys in"); the bot starts by itself, no redeploy',
          });
        }
      } else {
        this.o.metrics.increment('bot.credentials_read_errors');
        this.o.logger.warn('credentials could not be read; retrying', { reason: r.reason });
      }
      await sleep(this.pollMs, signal);
    }
    return undefined;
  }

  async waitForChange(fingerprint: string, signal: AbortSignal): Promise<TradingCredentials | undefined> {
    let unusableLogged = false;
    while (!signal.aborted) {
      await sleep(this.rotationPollMs, signal);
      if (signal.aborted) break;
      const r = await this.safeRead();
      if (r.state === 'ready') {
        unusableLogged = false;
        if (r.credentials.fingerprint !== fingerprint) return r.credentials;
      } else if (r.state === 'not-set' && !unusableLogged) {
        unusableLogged = true;
        this.o.logger.error('credentials in the secret store are no longer usable; trading keeps the key it started with', { reason: r.reason });
      }
    }
    return undefined;
  }

  private async safeRead(): Promise<CredentialsRead> {
    try {
      return await this.o.read();
    } catch (err) {
      return { state: 'unreadable', reason: (err as Error)?.message ?? String(err) };
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
