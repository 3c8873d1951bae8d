/**
 * A loopback TCP proxy that records every byte the clients send (HTTP request lines and headers, WebSocket
 * upgrades and frames), to check on the wire what a client sent: the secrets canary (no secret in any URL)
 * and the preflight (GET only).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface RecordingProxy {
  port: number;
  /** Every chunk the clients sent, in order (all connections). */
  sent: Buffer[];
  /** The HTTP request lines sent so far (`GET /v1/markets HTTP/1.1`, upgrades included), read connection by connection. */
  requestLines(): string[];
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \S+ HTTP\/1\.[01]$/;

export async function recordingProxy(targetPort: number): Promise<RecordingProxy> {
  const sent: Buffer[] = [];
  const byConnection: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const mine: Buffer[] = [];
    byConnection.push(mine);
    client.on('data', (d: Buffer) => {
      sent.push(Buffer.from(d));
      mine.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    sent,
    requestLines: () =>
      byConnection.flatMap((chunks) =>
        Buffer.concat(chunks)
          .toString('latin1')
          .split('\r\n')
          .filter((l) => REQUEST_LINE.test(l)),
      ),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
