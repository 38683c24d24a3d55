/**
 * Runs one flow once in a process of its own, as `sage-sf run <flow>` does (configured by the environment), and prints
 * its result and the process's peak resident memory as one JSON line: the benchmarks measure the middleware's memory
 * apart from the sandboxes they run in their own process.
 */
import { openRuntime } from '../../middleware/src/cli/runtime-context.js';
import { builtInFlows } from '../../middleware/src/sync/flows/index.js';

const flow = process.argv[2];
if (!flow) throw new Error('usage: flow-child.ts <flow> [--repair]');
const context = await openRuntime(builtInFlows);
try {
  const result = await context.runtime.runFlowNow(flow, process.argv.includes('--repair') ? { repair: true } : {});
  // maxRSS is in kibibytes.
  process.stdout.write(`${JSON.stringify({ result, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
} finally {
  await context.close();
}
