/**
 * Runs one flow once in a process of its own, as `sage-sf run <flow>` does (configured by the environment), and prints
 * its result and the process's peak resident memory as one JSON line: the benchmarks measure the middleware's memory
 * apart from the sandboxes they run in their own process. A run that sent records to the failure queue also prints
 * why (the first few distinct reasons), so a benchmark that fails says what went wrong.
 */
import { openRuntime } from '../../middleware/src/cli/runtime-context.js';
import { builtInFlows } from '../../middleware/src/sync/flows/index.js';

const flow = process.argv[2];
if (!flow) throw new Error('usage: flow-child.ts <flow> [--repair]');
const context = await openRuntime(builtInFlows);
try {
  const result = await context.runtime.runFlowNow(flow, process.argv.includes('--repair') ? { repair: true } : {});
  const reasons =
    result.failed > 0
      ? [
          ...new Set(
            (await context.store.failures.list({ flow, status: 'active', limit: 1000 })).map(
              (failure) => `${failure.errorKind} ${failure.errorCode}: ${failure.errorMessage}`,
            ),
          ),
        ].slice(0, 5)
      : [];
  // maxRSS is in kibibytes.
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ result, peakRssBytes, ...(reasons.length ? { reasons } : {}) })}\n`);
} finally {
  await context.close();
}
