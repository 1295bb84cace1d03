import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server of a recording fake, on 127.0.0.1 at a free port. */
export interface LoopbackServer {
  server: Server;
  url: string;
  /** Ends open connections (keep-alive clients, long polls) and closes the server. */
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 at a port the system picks: the one way every fake listens. */
export async function listenOnLoopback(handler: RequestListener, options: { keepAliveTimeoutMs?: number } = {}): Promise<LoopbackServer> {
  const server = createServer(handler);
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port free on 127.0.0.1 now (for a process that must be told its port before it starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
