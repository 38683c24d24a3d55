/**
 * Load: 200 concurrent callers of the financials route (as many reps opening account pages) while the customers flow
 * runs again and again over a larger company. Every answer is a documented 200; the latency percentiles are printed.
 * Then Sage answers every request 2 s late: answers served from the cache cost Sage nothing, so none waits for it and
 * none comes near the Apex callout timeout. `PROOF_LOAD_SECONDS` and `PROOF_SLOW_SECONDS` set the durations (the soak runs 30 s).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { assertDocumented } from '../http/api-client.js';
import { startSystem, testKey, type System } from '../e2e/harness.js';
import { percentile, proofSize, report, proofTimeout } from './report.js';

const callers = 200;
const loadSeconds = proofSize('PROOF_LOAD_SECONDS', 5);
const slowSeconds = proofSize('PROOF_SLOW_SECONDS', 3);
const sageLatencyMs = 2_000;

/** The Apex callout timeout the package uses for reads (SageMiddlewareClient's default). */
const apexTimeoutMs = Number(
  /DEFAULT_TIMEOUT_MS = (\d+);/.exec(
    readFileSync('force-app/main/default/classes/SageMiddlewareClient.cls', 'utf8'),
  )?.[1],
);

let system: System;
let customerNumbers: string[];
/** Connections kept open for the callers; a new set per phase, so none is reused after the server closed it idle. */
let agent = new Agent({ keepAlive: true, maxSockets: callers });

beforeAll(async () => {
  system = await startSystem({
    sage: { seed: { customers: 3_000 }, pageSize: 500 },
    env: { RATE_LIMIT_PER_MINUTE: '100000000', SAGE300_TIMEOUT_MS: '10000', SAGE300_PAGE_SIZE: '500' },
  });
  customerNumbers = [
    '1100',
    '1105',
    '1200',
    '1400',
    '1500',
    ...Array.from({ length: 45 }, (_, index) => `C${String(index + 1).padStart(6, '0')}`),
  ];
});

afterAll(async () => {
  agent.destroy();
  await system.close();
});

interface Answer {
  status: number;
  ms: number;
  body: unknown;
}

function get(path: string): Promise<Answer> {
  const started = performance.now();
  const url = new URL(`${system.middleware.url}${path}`);
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${testKey}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ms: performance.now() - started,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** `callers` loops asking for financials until the time is up; every answer is kept. */
async function load(seconds: number): Promise<Answer[]> {
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: callers + 1 });
  const until = Date.now() + seconds * 1000;
  const answers: Answer[] = [];
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let call = 0; Date.now() < until; call++) {
        const customer = customerNumbers[(caller * 7 + call) % customerNumbers.length] as string;
        answers.push(await get(`/api/v1/customers/${customer}/financials`));
      }
    }),
  );
  return answers;
}

function figures(answers: readonly Answer[], seconds: number): string {
  const latencies = answers.map((answer) => answer.ms);
  const round = (ms: number) => ms.toFixed(1);
  return (
    `${answers.length} answers in ${seconds} s (${Math.round(answers.length / seconds)}/s), latency p50 ${round(percentile(latencies, 50))} ms, ` +
    `p99 ${round(percentile(latencies, 99))} ms, max ${round(Math.max(...latencies))} ms`
  );
}

/** Every answer a documented 200: checks the statuses, and the bodies of one answer per customer. */
function expectDocumented200s(answers: readonly Answer[]): void {
  const failed = answers.filter((answer) => answer.status !== 200);
  expect(failed.map((answer) => [answer.status, answer.body]).slice(0, 3)).toEqual([]);
  const checked = new Set<string>();
  for (const answer of answers) {
    const customer = (answer.body as { customerNumber: string }).customerNumber;
    if (checked.has(customer)) continue;
    checked.add(customer);
    assertDocumented('GET', `/api/v1/customers/${customer}/financials`, answer.status, answer.body);
  }
}

describe('financials under load', () => {
  it(
    `answers ${callers} concurrent callers without an error while a flow runs`,
    async () => {
      let flowRuns = 0;
      let loading = true;
      const flowRunning = (async () => {
        while (loading) {
          const answer = await new Promise<number>((resolve, reject) => {
            const req = request(
              new URL(`${system.middleware.url}/api/v1/sync/flows/customers/run`),
              { method: 'POST', agent: false, headers: { authorization: `Bearer ${testKey}` } },
              (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              },
            );
            req.on('error', reject);
            req.end();
          });
          expect(answer).toBe(200);
          flowRuns++;
        }
      })();
      const answers = await load(loadSeconds);
      loading = false;
      await flowRunning;
      const runs = await system.middleware.store.runs.list({ flow: 'customers', limit: 100 });
      report('load (financials while a flow runs)', [
        `${callers} concurrent callers over ${customerNumbers.length} customers, customers flow over 3,000 customers run ${flowRuns} time(s) meanwhile`,
        figures(answers, loadSeconds),
        `flow runs: ${runs.map((run) => `#${run.id} ${run.outcome} read ${run.read}`).join(', ')}`,
      ]);
      expectDocumented200s(answers);
      expect(flowRuns).toBeGreaterThan(0);
      expect(runs.every((run) => run.outcome === 'succeeded')).toBe(true);
    },
    proofTimeout(120_000),
  );

  it(
    'serves cached answers far within the Apex timeout while Sage answers 2 s late',
    async () => {
      expect(apexTimeoutMs).toBeGreaterThan(0);
      // Every customer's figures are cached (the first test read them all); now Sage slows down.
      system.sage.setFaults('*', { latencyMs: sageLatencyMs });
      system.sage.resetCounts();
      const answers = await load(slowSeconds);
      const sageReads = Object.values(system.sage.counts()).reduce((sum, count) => sum + count, 0);
      system.sage.clearFaults();
      const slowest = Math.max(...answers.map((answer) => answer.ms));
      report('load (cached financials while Sage answers 2 s late)', [
        figures(answers, slowSeconds),
        `Sage requests meanwhile: ${sageReads}; Apex callout timeout ${apexTimeoutMs} ms; slowest answer ${slowest.toFixed(1)} ms`,
      ]);
      expectDocumented200s(answers);
      // No answer waited for Sage (it was asked nothing), so none comes near the timeout, however busy the machine.
      expect(sageReads).toBe(0);
      expect(slowest).toBeLessThan(apexTimeoutMs);
    },
    proofTimeout(60_000),
  );
});
