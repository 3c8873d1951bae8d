/**
 * GET /healthz for the ECS container health check (infra/constructs/bot-service.ts runs `fetch` against
 * 127.0.0.1:HEALTH_PORT/healthz inside the task). 200 while the process is alive and its event loop turns
 * (the last heartbeat is recent); 503 once it is stopping or stalled, so ECS replaces the task. The body is a
 * small JSON status without secrets. Listens on loopback only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthStatus {
  /** waiting-for-credentials: idle and healthy until the secrets hold real keys; restarting: after a key rotation. */
  phase: 'starting' | 'waiting-for-credentials' | 'rebuilding' | 'trading' | 'restarting' | 'stopping';
  mode?: string;
  killSwitch?: boolean;
  breakerTripped?: boolean;
  persistenceLagMs?: number;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: {
  port: number;
  host?: string;
  status: () => HealthStatus;
  now?: () => number;
  /** The event loop counts as stalled when no beat happened for this long; default 30 s. */
  stallMs?: number;
}): Promise<HealthServer> {
  const now = options.now ?? Date.now;
  let lastBeat = now();
  const beat = setInterval(() => (lastBeat = now()), 1_000);
  beat.unref();
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    let status: HealthStatus;
    try {
      status = options.status();
    } catch {
      status = { phase: 'stopping' };
    }
    const stalled = now() - lastBeat > (options.stallMs ?? 30_000);
    const ok = status.phase !== 'stopping' && !stalled;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok, stalled, ...status }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      clearInterval(beat);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
