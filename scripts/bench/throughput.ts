/**
 * Cached financials throughput, measured from outside: the middleware started as `npm start` starts it (its own
 * process, on the embedded sandboxes), and autocannon in another process sending as many requests as the middleware
 * answers. A bare `/healthz` is measured the same way beside it: the ceiling of the HTTP stack on this machine, so the
 * financials figure reads as a share of what any route could do here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Benchmark, BenchmarkReport } from './measure.js';

const API_KEY = 'bench-key-0123456789abcdef';
const CONNECTIONS = 100;
const SECONDS = 10;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Runs autocannon in its own process against a URL and answers its JSON result. */
async function autocannon(url: string, seconds: number): Promise<AutocannonResult> {
  const child = spawn(
    process.execPath,
    [
      'node_modules/autocannon/autocannon.js',
      '--json',
      '-c',
      String(CONNECTIONS),
      '-d',
      String(seconds),
      '-H',
      `authorization=Bearer ${API_KEY}`,
      url,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`autocannon exited with ${String(code)}`);
  return JSON.parse(output) as AutocannonResult;
}

/** Starts the middleware as `npm start` does, on a free port, and waits until it answers. */
async function startMiddlewareProcess(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'middleware/src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MIDDLEWARE_API_KEYS: API_KEY,
      RATE_LIMIT_PER_MINUTE: '100000000',
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (answer.ok) return child;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('the middleware did not start within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const throughputBenchmark: Benchmark = {
  name: 'throughput',
  title: 'Cached financials requests per second against `npm start`, with bare /healthz as the ceiling (autocannon)',
  defaultSizes: [SECONDS],

  async run(options): Promise<BenchmarkReport> {
    const seconds = options.sizes?.[0] ?? SECONDS;
    const port = await freePort();
    options.log?.(`throughput: starting the middleware on port ${port}`);
    const middleware = await startMiddlewareProcess(port);
    const notes: string[] = [];
    try {
      const base = `http://127.0.0.1:${port}`;
      const financials = `${base}/api/v1/customers/1200/financials`;
      const warm = await fetch(financials, { headers: { authorization: `Bearer ${API_KEY}` } });
      if (!warm.ok) throw new Error(`the financials route answered ${warm.status}`);
      options.log?.('throughput: /healthz');
      const ceiling = await autocannon(`${base}/healthz`, seconds);
      options.log?.('throughput: cached financials');
      const cached = await autocannon(financials, seconds);
      const line = (what: string, result: AutocannonResult) =>
        `${what}: ${Math.round(result.requests.average).toLocaleString('en-US')} requests/s ` +
        `(${result.requests.total.toLocaleString('en-US')} in ${seconds} s), latency p50 ${result.latency.p50} ms, ` +
        `p99 ${result.latency.p99} ms, errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`;
      notes.push(line('bare /healthz (the ceiling)', ceiling));
      notes.push(line('cached GET /api/v1/customers/1200/financials', cached));
      notes.push(
        `financials at ${((100 * cached.requests.average) / ceiling.requests.average).toFixed(0)} % of the ceiling`,
      );
    } finally {
      middleware.kill('SIGTERM');
      await once(middleware, 'exit');
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        `autocannon in its own process: ${CONNECTIONS} connections for ${seconds} s per route; the middleware in another (node --import tsx middleware/src/main.ts, embedded sandboxes, NODE_ENV=production, no scheduler, rate limit lifted).`,
        'The financials answer is cached after one warming request (FINANCIALS_CACHE_TTL_SECONDS 60), so Sage is not asked during the measurement.',
      ],
      measurements: [],
      notes,
    };
  },
};
