import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ConnectorError } from '../../middleware/src/domain/errors.js';
import { Sage300Transport, parseRetryAfter, trimSagePadding } from '../../middleware/src/sage300/transport.js';
import type { RetryEvent } from '../../middleware/src/sage300/transport.js';
import { pages } from '../../middleware/src/sage300/paging.js';
import { startSage300Sandbox } from '../../sandbox/sage300/server.js';
import type { Sage300Sandbox } from '../../sandbox/sage300/server.js';

let sandbox: Sage300Sandbox;
const transports: Sage300Transport[] = [];

function transportFor(options: ConstructorParameters<typeof Sage300Transport>[1], overrides = {}): Sage300Transport {
  const transport = new Sage300Transport(
    {
      baseUrl: sandbox.apiRoot,
      company: 'SAMINC',
      user: 'WEBAPI',
      password: 'WEBAPI',
      timeoutMs: 5_000,
      pageSize: 100,
      maxConcurrency: 2,
      ...overrides,
    },
    options,
  );
  transports.push(transport);
  return transport;
}

beforeAll(async () => {
  sandbox = await startSage300Sandbox({ hangMs: 2_000 });
});

afterAll(async () => {
  for (const transport of transports) transport.close();
  await sandbox.close();
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.resetCounts();
});

describe('the Sage 300 transport', () => {
  it('treats Sage as unreachable once a request spent its attempts, and asks it again with one probe per interval', async () => {
    const changes: (Date | undefined)[] = [];
    const transport = transportFor(
      { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, onOutage: (outage) => changes.push(outage?.since) },
      { breaker: { timeouts: 3, openMs: 300 } },
    );
    sandbox.setFaults('*', { status503: 1 });
    const started = Date.now();
    await expect(transport.get('AR/ARTerms')).rejects.toMatchObject({ code: 'HTTP503' });
    const since = transport.outage()?.since;
    expect(since?.getTime()).toBeGreaterThanOrEqual(started);
    expect(sandbox.counts()).toEqual({ 'GET AR/ARTerms': 3 });

    // Until the interval has passed, every request is turned away without reaching Sage.
    await expect(transport.get('AR/ARCustomers')).rejects.toMatchObject({ code: 'SageUnreachable' });
    // Then one request probes, once and without retries, while the others are still turned away.
    await new Promise((resolve) => setTimeout(resolve, 320));
    const probing = await Promise.allSettled([transport.get('AR/ARTerms'), transport.get('AR/ARCustomers')]);
    expect(
      probing.map((result) => (result.status === 'rejected' ? (result.reason as ConnectorError).code : 'ok')),
    ).toEqual(['HTTP503', 'SageUnreachable']);
    expect(sandbox.counts()).toEqual({ 'GET AR/ARTerms': 4 });
    expect(transport.outage()?.since).toEqual(since);

    // Sage answers again: the next probe ends the outage.
    sandbox.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 320));
    await transport.get('AR/ARTerms');
    expect(transport.outage()).toBeUndefined();
    expect(changes.at(-1)).toBeUndefined();
    expect(changes[0]).toEqual(since);
    await transport.get('AR/ARCustomers');
  });

  it('stops the retries of requests already under way once another request found Sage unreachable', async () => {
    // Every retry waits 300 ms: the first request asks at 0, 300 and 600 ms, then Sage counts as unreachable.
    const transport = transportFor(
      { retry: { attempts: 3, baseDelayMs: 300, maxDelayMs: 300 }, random: () => 0.999_999 },
      { breaker: { timeouts: 3, openMs: 60_000 } },
    );
    sandbox.setFaults('*', { status503: 1 });
    const first = transport.get('AR/ARCustomers');
    await new Promise((resolve) => setTimeout(resolve, 450));
    // The second asks at 450 ms; its retry at 750 ms comes after the outage began, so it is turned away unsent.
    const second = transport.get('AR/ARTerms');
    await expect(first).rejects.toMatchObject({ code: 'HTTP503' });
    await expect(second).rejects.toMatchObject({ code: 'SageUnreachable' });
    expect(sandbox.counts()).toEqual({ 'GET AR/ARCustomers': 3, 'GET AR/ARTerms': 1 });
  });

  it('backs off exponentially with full jitter, capped', async () => {
    const events: RetryEvent[] = [];
    const transport = transportFor({
      retry: { attempts: 5, baseDelayMs: 4, maxDelayMs: 10 },
      random: () => 0.5,
      onRetry: (event) => events.push(event),
    });
    sandbox.setFaults('GET AR/ARTerms', { status503: 1, times: 4 });
    await transport.get('AR/ARTerms');
    expect(events.map((event) => event.delayMs)).toEqual([2, 4, 5, 5]);
    expect(events.map((event) => event.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('surfaces a Retry-After longer than it is willing to wait instead of sleeping', async () => {
    const transport = transportFor({ retry: { maxRetryAfterMs: 500 } });
    sandbox.setFaults('GET AR/ARTerms', { status429: 1, retryAfterSeconds: 30, times: 1 });
    await expect(transport.get('AR/ARTerms')).rejects.toMatchObject({ kind: 'transient', retryAfterMs: 30_000 });
    expect(sandbox.counts()['GET AR/ARTerms']).toBe(1);
  });

  it('treats a connection refused as transient even for a POST, since nothing was sent', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const transport = transportFor(
      { retry: { attempts: 2, baseDelayMs: 1 } },
      { baseUrl: `http://127.0.0.1:${port}/Sage300WebApi/v1.0/-` },
    );
    const error = await transport.post('OE/OEOrders', {}).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
  });

  it('sends the JSON content type and Basic credentials with every method', async () => {
    const seen: { method?: string; contentType?: string; authorization?: string }[] = [];
    const recorder = http.createServer((req, res) => {
      seen.push({
        method: req.method,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
      });
      res.writeHead(req.method === 'POST' ? 201 : req.method === 'GET' ? 200 : 204, {
        'Content-Type': 'application/json',
      });
      res.end(req.method === 'GET' || req.method === 'POST' ? '{"value":[]}' : '');
    });
    recorder.listen(0, '127.0.0.1');
    await once(recorder, 'listening');
    try {
      const port = (recorder.address() as AddressInfo).port;
      const transport = transportFor({}, { baseUrl: `http://127.0.0.1:${port}/Sage300WebApi/v1.0/-` });
      await transport.get('AR/ARCustomers');
      await transport.post('AR/ARCustomers', { CustomerNumber: 'X' });
      await transport.patch("AR/ARCustomers('X')", { ShortName: 'X' });
      await transport.put("AR/ARCustomers('X')", { ShortName: 'X' });
      await transport.delete("AR/ARCustomers('X')");
      const basic = `Basic ${Buffer.from('WEBAPI:WEBAPI').toString('base64')}`;
      expect(seen).toEqual(
        ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].map((method) => ({
          method,
          contentType: expect.stringMatching(/^application\/json/),
          authorization: basic,
        })),
      );
    } finally {
      recorder.close();
      await once(recorder, 'close');
    }
  });

  it('never follows a next link to another server', async () => {
    const foreign = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ value: [{ a: 1 }], '@odata.nextLink': 'http://evil.example.com/steal?$skip=1' }));
    });
    foreign.listen(0, '127.0.0.1');
    await once(foreign, 'listening');
    try {
      const port = (foreign.address() as AddressInfo).port;
      const transport = transportFor({}, { baseUrl: `http://127.0.0.1:${port}/Sage300WebApi/v1.0/-`, pageSize: 10 });
      const seen: unknown[] = [];
      await expect(
        (async () => {
          for await (const page of pages(transport, 'AR/ARCustomers')) seen.push(...page);
        })(),
      ).rejects.toMatchObject({ kind: 'permanent', code: 'UnexpectedLink' });
      expect(seen).toEqual([{ a: 1 }]);
    } finally {
      foreign.close();
      await once(foreign, 'close');
    }
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    const transport = transportFor({}, { maxConcurrency: 2, timeoutMs: 2_000 });
    sandbox.setFaults('GET AR/ARTerms', { latencyMs: 40 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => transport.get('AR/ARTerms')));
    // Six requests of 40 ms, two at a time, take at least three rounds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('reads Retry-After in seconds or as a date, and trims Sage padding deeply', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(trimSagePadding({ a: 'RTL   ', b: [{ c: 'X  ' }], d: 1, e: null })).toEqual({
      a: 'RTL',
      b: [{ c: 'X' }],
      d: 1,
      e: null,
    });
  });
});
