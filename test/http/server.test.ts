// Requests Node's HTTP parser refuses are answered in the error envelope, like every other refusal.
import { connect } from 'node:net';
import { createApp } from '../../middleware/src/http/app.js';
import { listen, type RunningServer } from '../../middleware/src/http/server.js';

let server: RunningServer;

beforeAll(async () => {
  server = await listen(createApp(), { port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server.close(0);
});

/** Sends raw bytes and answers everything the server wrote before it closed the connection. */
function rawExchange(text: string): Promise<string> {
  const { port, hostname } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parts(answer: string): { status: string; contentType: string | undefined; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...headers] = head.split('\r\n');
  const contentType = headers.find((line) => /^content-type:/i.test(line))?.replace(/^content-type:\s*/i, '');
  return { status: statusLine, contentType, body: JSON.parse(body) };
}

describe('requests the HTTP parser refuses', () => {
  it('answers headers over the limit with 431 in the error envelope', async () => {
    const answer = parts(await rawExchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(answer.status).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual({
      error: { code: 'HEADERS_TOO_LARGE', message: 'The request line or headers are too large' },
    });
  });

  it('answers a request that is not HTTP with 400 in the error envelope', async () => {
    const answer = parts(await rawExchange('GET /healthz HTTP/1.1\r\nHost x\r\n\r\n'));
    expect(answer.status).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.body).toEqual({ error: { code: 'MALFORMED_REQUEST', message: 'The request is not valid HTTP' } });
  });
});
