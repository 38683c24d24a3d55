/**
 * A Sage 300 outage with every registered flow scheduled each second: once a request has spent its attempts, the
 * process turns Sage requests away at once and sends one probe per interval, whichever flow or API call asks;
 * `/readyz` and `sage-sf status` say since when Sage is unreachable; when Sage answers again the probe ends the outage
 * and the flows carry on.
 */
import { scheduleKey } from '../../middleware/src/domain/flow-names.js';
import { builtInFlows } from '../../middleware/src/sync/flows/index.js';
import { apiClient } from '../http/api-client.js';
import { runCli, waitFor } from '../sync/child.js';
import { startSystem, type ErrorAnswer, type System } from './harness.js';

const probeSeconds = 2;
let system: System;

interface ReadinessAnswer {
  ready: boolean;
  checks: Record<string, string>;
  unreachableSince?: Record<string, string>;
}

beforeAll(async () => {
  system = await startSystem({
    sage: { seed: { customers: 300 }, pageSize: 100 },
    env: {
      SCHEDULER_ENABLED: 'true',
      ...Object.fromEntries(
        builtInFlows.names.map((name) => [`SYNC_SCHEDULE_${scheduleKey(name).toUpperCase()}`, '* * * * * *']),
      ),
      SAGE300_BREAKER_OPEN_SECONDS: String(probeSeconds),
      SYNC_LEASE_SECONDS: '5',
    },
  });
});

afterAll(async () => {
  await system.close();
});

const cliEnv = (): Record<string, string> =>
  Object.fromEntries(Object.entries(system.env).filter((entry): entry is [string, string] => entry[1] !== undefined));

const sageRequests = (): number => Object.values(system.sage.counts()).reduce((sum, count) => sum + count, 0);
const readiness = () => apiClient(system.middleware.url)<ReadinessAnswer>('GET', '/readyz', { key: null });

describe('a Sage 300 outage', () => {
  it('backs every flow off together, says since when Sage is unreachable, and ends with one probe', async () => {
    const { store } = system.middleware;
    await waitFor(
      async () => (await store.runs.list({ flow: 'customers', limit: 5 })).some((run) => run.outcome === 'succeeded'),
      'a first customers run',
    );

    const before = Date.now();
    system.sage.setFaults('*', { status503: 1 });
    const [outage] = await waitFor(async () => {
      const recorded = await store.outages.list();
      return recorded.length > 0 && recorded;
    }, 'the outage to be recorded');
    expect(outage).toMatchObject({ system: 'sage300', seenBy: expect.any(String) });
    expect(outage?.since.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    const since = outage?.since.toISOString() ?? '';

    // Every flow keeps ticking each second, and API callers keep asking; Sage hears one probe per interval.
    const windowStart = Date.now();
    system.sage.resetCounts();
    const api = await system.api<ErrorAnswer>('GET', '/api/v1/customers/1100/financials');
    expect(api.status).toBe(503);
    expect(api.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(api.body.error.message).toContain(`unreachable since ${since}`);
    expect(Number(api.headers['retry-after'])).toBeLessThanOrEqual(probeSeconds);
    await new Promise((resolve) => setTimeout(resolve, 3 * probeSeconds * 1000));
    const windowMs = Date.now() - windowStart;
    const requests = sageRequests();
    const turnedAway = (await store.runs.list({ limit: 500 })).filter(
      (run) => run.startedAt.getTime() >= windowStart && /SageUnreachable/.test(run.message ?? ''),
    );
    const flowsTurnedAway = new Set(turnedAway.map((run) => run.flow));
    expect(flowsTurnedAway.has('customers')).toBe(true);
    expect(turnedAway.length).toBeGreaterThanOrEqual(3);
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(requests).toBeLessThanOrEqual(Math.ceil(windowMs / (probeSeconds * 1000)) + 1);

    const ready = await readiness();
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      ready: false,
      checks: { sage300: 'down' },
      unreachableSince: { sage300: since },
    });

    const status = await runCli(['status'], cliEnv());
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Sage 300: unreachable since ${since.replace('T', ' ').slice(0, 19)} UTC`);

    // Sage answers again: the next probe ends the outage everywhere, and the flows carry on.
    system.sage.clearFaults();
    await waitFor(
      async () => (await store.outages.list()).length === 0,
      'the outage to end',
      (probeSeconds + 5) * 1000,
    );
    expect(system.middleware.sage.outage()).toBeUndefined();
    const recovered = Date.now();
    await waitFor(
      async () =>
        (await store.runs.list({ flow: 'customers', limit: 5 })).some(
          (run) => run.outcome === 'succeeded' && run.startedAt.getTime() >= recovered,
        ),
      'a customers run after the outage',
    );
    expect((await readiness()).body.unreachableSince).toBeUndefined();
    const after = await runCli(['status'], cliEnv());
    expect(after.stdout).toContain('Sage 300: no outage recorded');

    console.log(
      [
        'Sage outage (every flow each second):',
        `  flows turned away without a request: ${turnedAway.length} runs of ${[...flowsTurnedAway].join(', ')}`,
        `  Sage requests in ${(windowMs / 1000).toFixed(1)} s of outage: ${requests} (probe every ${probeSeconds} s)`,
        `  /readyz: ${ready.status} ${JSON.stringify(ready.body)}`,
      ].join('\n'),
    );
  }, 120_000);
});
