// What an operator meets when something is wrong: readiness while Sage is down, start-up lines naming the variable,
// wrong methods, and the retry log.
import { Writable } from 'node:stream';
import { ConfigError } from '../../middleware/src/config/env.js';
import { startMiddleware } from '../../middleware/src/main.js';
import { createLogger } from '../../middleware/src/observability/logger.js';
import { exchange } from '../http/api-client.js';
import { startSystem, testKey, type ErrorAnswer, type System } from './harness.js';

let system: System;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system.close();
});

beforeEach(() => system.sage.clearFaults());

/** Starts another middleware on the same systems with some variables changed; answers what start-up threw. */
async function startFailure(extra: NodeJS.ProcessEnv): Promise<unknown> {
  try {
    const running = await startMiddleware({ env: { ...system.env, ...extra } });
    await running.close();
  } catch (error) {
    return error;
  }
  throw new Error(`started with ${JSON.stringify(extra)}`);
}

describe('readiness while Sage 300 is down', () => {
  it('answers /readyz within a second, naming Sage 300 down, and answers the next probe from the recent result', async () => {
    const replica = await system.replica();
    system.sage.setFaults('*', { timeout: 1 });
    system.sage.resetCounts();
    let started = performance.now();
    const first = await exchange(`${replica.url}/readyz`, 'GET', {});
    const firstMs = performance.now() - started;
    expect(first.status).toBe(503);
    expect(JSON.parse(first.text)).toMatchObject({ ready: false, checks: { store: 'up', sage300: 'down' } });
    expect(firstMs).toBeLessThan(1_000);

    started = performance.now();
    const second = await exchange(`${replica.url}/readyz`, 'GET', {});
    expect(performance.now() - started).toBeLessThan(200);
    expect(JSON.parse(second.text)).toMatchObject({ checks: { sage300: 'down' } });
    // One request reached the hanging server: no retries inside the probe, no second probe.
    expect(system.sage.counts()).toEqual({ 'GET AR/ARCustomerGroups': 1 });
  });
});

describe('start-up errors', () => {
  it('names DATABASE_URL and where the connection was refused', async () => {
    const error = await startFailure({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('DATABASE_URL: connection refused at 127.0.0.1:1');
  });

  it('names HOST when the address is not one of this machine', async () => {
    const error = await startFailure({ HOST: '192.0.2.1' });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^HOST: 192\.0\.2\.1 is not an address of this machine/);
  });

  it('names SAGE300_USER and SAGE300_PASSWORD with Sage’s answer when Sage refuses them', async () => {
    const error = await startFailure({ SAGE300_PASSWORD: 'wrong-password' });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'SAGE300_USER / SAGE300_PASSWORD: Sage 300 refused them for company SAMINC ' +
        '(401 Unauthorized: Invalid user name or password.)',
    );
  });
});

describe('methods a path does not have', () => {
  it('answers 405 with Allow and the error envelope', async () => {
    const answer = await system.api<ErrorAnswer>('DELETE', '/api/v1/orders');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST, OPTIONS');
    expect(answer.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(answer.body.error.message).toBe('DELETE is not allowed on /api/v1/orders; use POST, OPTIONS');

    const financials = await system.api<ErrorAnswer>('PUT', '/api/v1/customers/1200/financials', { body: {} });
    expect(financials.status).toBe(405);
    expect(financials.headers.allow).toBe('GET, HEAD, OPTIONS');

    const health = await system.api<ErrorAnswer>('POST', '/healthz', { key: null });
    expect(health.status).toBe(405);
    expect(health.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('answers OPTIONS with 204 and Allow, and still 404 for a path that does not exist', async () => {
    const options = await system.api('OPTIONS', '/api/v1/orders/006000000000001AAA');
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(options.text).toBe('');
    const missing = await exchange(`${system.middleware.url}/api/v1/nothing-here`, 'DELETE', {
      authorization: `Bearer ${testKey}`,
    });
    expect(missing.status).toBe(404);
    expect((JSON.parse(missing.text) as ErrorAnswer).error.code).toBe('NOT_FOUND');
  });
});

describe('the retry log', () => {
  it('names the request once: GET AR/…', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const replica = await startMiddleware({
      env: system.env,
      logger: createLogger('warn', sink),
      sage300Transport: { retry: { baseDelayMs: 5, maxDelayMs: 20 } },
    });
    try {
      system.sage.setFaults('GET AR/ARCustomers', { status503: 1, times: 1 });
      const answer = await exchange(`${replica.url}/api/v1/customers/1200/financials?fresh=true`, 'GET', {
        authorization: `Bearer ${testKey}`,
      });
      expect(answer.status).toBe(200);
      const retry = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((l) => l.msg === 'Sage 300 retry');
      expect(retry?.request).toBe("GET AR/ARCustomers('1200')");
    } finally {
      await replica.close();
    }
  });
});
