import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { createApp } from '../../middleware/src/http/app.js';
import { HttpError } from '../../middleware/src/http/errors.js';

let server: Server;
let base: string;
const logged: unknown[] = [];

beforeAll(async () => {
  const router = Router();
  router.post('/echo', (req, res) => {
    res.json({ received: req.body as unknown });
  });
  router.get('/conflict', () => {
    throw new HttpError(409, 'NOT_CLOSED_WON', 'The opportunity is not Closed Won', { stage: 'Prospecting' });
  });
  router.get('/boom', () => {
    throw new Error('secret internal detail');
  });
  const app = createApp({ routes: [{ path: '/test', router }], logError: (err) => logged.push(err) });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

describe('the Express app factory', () => {
  it('answers /healthz with ok, security headers and a request id', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a sane caller request id and replaces an unsafe one', async () => {
    const kept = await fetch(`${base}/healthz`, { headers: { 'X-Request-Id': 'sf-req-42' } });
    expect(kept.headers.get('x-request-id')).toBe('sf-req-42');
    const replaced = await fetch(`${base}/healthz`, { headers: { 'X-Request-Id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).not.toContain('<');
  });

  it('answers an unknown route with a 404 envelope', async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /nope' } });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await fetch(`${base}/test/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"opportunityId": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MALFORMED_JSON');
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await fetch(`${base}/test/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(200_000) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('turns an HttpError into its status and envelope with details', async () => {
    const res = await fetch(`${base}/test/conflict`);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: {
        code: 'NOT_CLOSED_WON',
        message: 'The opportunity is not Closed Won',
        details: { stage: 'Prospecting' },
      },
    });
  });

  it('hides an unexpected error behind a 500 envelope and logs it', async () => {
    const res = await fetch(`${base}/test/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internal detail');
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) } });
    expect(logged).toHaveLength(1);
  });
});
