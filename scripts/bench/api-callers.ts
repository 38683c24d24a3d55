/** Concurrent callers of the middleware's API, timed one by one, for the live-read and order-push benchmarks. */
import type { BenchMiddleware } from './systems.js';
import { percentile } from './measure.js';

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
