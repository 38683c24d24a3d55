/** Concurrent callers of the middleware's API, timed one by one, for the live-read and order-push benchmarks. */
import type { Sage300Sandbox } from '../../sandbox/sage300/server.js';
import type { SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { describeCounts, percentile, type Measurement } from './measure.js';
import { watchSage, watchSalesforce, type BenchMiddleware, type RequestWindow } from './systems.js';

export interface Burst {
  statuses: Record<number, number>;
  bodies: unknown[];
  p50Ms: number;
  p95Ms: number;
  wallMs: number;
}

/** Sends `count` identical requests at once and waits for every answer. */
export async function burst(
  api: BenchMiddleware,
  count: number,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Burst> {
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: count }, async () => {
      const sent = performance.now();
      const answer = await api.call(method, path, body);
      return { ...answer, ms: performance.now() - sent };
    }),
  );
  const wallMs = performance.now() - started;
  const statuses: Record<number, number> = {};
  for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  const durations = answers.map((answer) => answer.ms);
  return {
    statuses,
    bodies: answers.map((answer) => answer.body),
    p50Ms: percentile(durations, 0.5),
    p95Ms: percentile(durations, 0.95),
    wallMs,
  };
}

/** `100 × 200` or `1 × 201, 49 × 200`. */
export function describeStatuses(statuses: Record<number, number>): string {
  return Object.entries(statuses)
    .map(([status, count]) => `${count} × ${status}`)
    .join(', ');
}

/** A burst together with what each sandbox answered while it ran. */
export interface WatchedBurst extends Burst {
  sageSeen: RequestWindow;
  salesforceSeen: RequestWindow;
}

/** `burst`, counting the Sage and Salesforce requests the callers caused. */
export async function watchedBurst(
  systems: { sage: Sage300Sandbox; salesforce: SalesforceSandbox },
  api: BenchMiddleware,
  count: number,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<WatchedBurst> {
  const sageWatch = watchSage(systems.sage);
  const salesforceWatch = watchSalesforce(systems.salesforce);
  const answers = await burst(api, count, method, path, body);
  return { ...answers, sageSeen: sageWatch.stop(), salesforceSeen: salesforceWatch.stop() };
}

/** The lower bound one system is held to for a burst, with its rule and any known excess. */
export type BurstBound = Pick<Measurement, 'bound' | 'boundRule' | 'excess'>;

/** The Sage and Salesforce lines of one burst of `callers` API calls. */
export function burstMeasurements(
  scenario: string,
  callers: number,
  answers: WatchedBurst,
  bounds: { sage: BurstBound; salesforce: BurstBound },
): Measurement[] {
  const latency = { p50Ms: answers.p50Ms, p95Ms: answers.p95Ms };
  const line = (system: Measurement['system'], seen: RequestWindow, bound: BurstBound): Measurement => ({
    scenario,
    system,
    records: callers,
    requests: seen.requests,
    ...bound,
    wallMs: answers.wallMs,
    detail: describeCounts(seen.byRoute),
    latency,
  });
  return [
    line('Sage 300', answers.sageSeen, bounds.sage),
    line('Salesforce', answers.salesforceSeen, bounds.salesforce),
  ];
}
