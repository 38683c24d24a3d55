import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';
import { errorEnvelope } from './errors.js';

/** A listening HTTP(S) server and how to stop it. */
export interface RunningServer {
  server: Server;
  /** The base URL callers use (`https://127.0.0.1:3000`). */
  url: string;
  /** Stops accepting connections, lets requests in flight finish for up to `graceMs`, then drops the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Node's own answers to requests it cannot parse, in the API's words and envelope instead of an empty body. */
const unparsable: Record<string, [status: number, reason: string, code: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'HEADERS_TOO_LARGE',
    'The request line or headers are too large',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'REQUEST_TIMEOUT', 'The request was not received in time'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [
    413,
    'Payload Too Large',
    'PAYLOAD_TOO_LARGE',
    'The request body is larger than this service accepts',
  ],
};

/**
 * Answers a request the HTTP parser refused (malformed, or headers over the limit) with the error envelope and closes
 * the connection, as Node would, but with a body a client can read.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // As Node's own handler: no answer when one was already sent on this connection (e.g. a 401 before the body).
  const answered = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (!socket.writable || answered || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = unparsable[error.code ?? ''] ?? [
    400,
    'Bad Request',
    'MALFORMED_REQUEST',
    'The request is not valid HTTP',
  ];
  const body = JSON.stringify(errorEnvelope(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
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
  server.on('clientError', answerClientError);
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
