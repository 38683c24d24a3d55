import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** A listening HTTP(S) server and how to stop it. */
export interface RunningServer {
  server: Server;
  /** The base URL callers use (`https://127.0.0.1:3000`). */
  url: string;
  /** Stops accepting connections, lets requests in flight finish for up to `graceMs`, then drops the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Listens on the port (0 for any free one); serves HTTPS when a certificate and key are given. */
export async function listen(
  app: Express,
  options: { port: number; host?: string; tls?: { cert: string; key: string } },
): Promise<RunningServer> {
  const server: Server = options.tls
    ? (createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, app) as unknown as Server)
    : createHttpServer(app);
  // Slow clients must not hold sockets forever; Salesforce's callouts time out at 120 s at most.
  server.requestTimeout = 130_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.listen(options.port, options.host ?? '0.0.0.0');
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([err]) => {
      throw err;
    }),
  ]);
  const address = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    server,
    url,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
