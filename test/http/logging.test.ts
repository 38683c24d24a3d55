import { Writable } from 'node:stream';
import { Router } from 'express';
import { createApp } from '../../middleware/src/http/app.js';
import { listen, type RunningServer } from '../../middleware/src/http/server.js';
import { createLogger } from '../../middleware/src/observability/logger.js';
import { exchange } from './api-client.js';

const key = 'secret-key-that-must-never-be-logged';
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});
const logger = createLogger('debug', sink);
let server: RunningServer;

beforeAll(async () => {
  const router = Router();
  router.post('/echo', (req, res) => {
    logger.info({ body: req.body as unknown, headers: req.headers }, 'echo');
    res.json({ ok: true });
  });
  server = await listen(createApp({ api: { keys: [key], router }, logger }), { port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server.close();
});

describe('logs', () => {
  it('write one JSON line per request with its id, route, status and key fingerprint, never the key', async () => {
    lines.length = 0;
    const answer = await exchange(
      `${server.url}/api/v1/echo`,
      'POST',
      { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': 'sf-123' },
      JSON.stringify({ password: 'hunter2', nested: { clientSecret: 'abc', apiKey: key } }),
    );
    expect(answer.status).toBe(200);
    const text = lines.join('\n');
    expect(text).not.toContain(key);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('"abc"');
    const request = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.msg === 'request');
    expect(request).toMatchObject({ requestId: 'sf-123', method: 'POST', status: 200, route: 'unmatched' });
    expect(request?.keyId).toMatch(/^[0-9a-f]{12}$/);
  });

  it('redact credentials wherever configuration objects are logged', () => {
    lines.length = 0;
    logger.info(
      {
        sage300: { user: 'WEBAPI', password: 'WEBAPI-PASSWORD' },
        auth: { clientSecret: 'sf-secret' },
        MIDDLEWARE_API_KEYS: 'k1,k2',
        access_token: '00Dxx!token',
      },
      'configuration',
    );
    const text = lines.join('\n');
    for (const secret of ['WEBAPI-PASSWORD', 'sf-secret', 'k1,k2', '00Dxx!token']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
