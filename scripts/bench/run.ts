/**
 * `npm run bench [-- name...] [--size 450,5000]`: runs the benchmarks (all, or the named ones) against the local
 * sandboxes and prints, per scenario and system, requests against the lower bound, wall time and throughput, as
 * Markdown tables ready for docs/benchmarks.md.
 */
import { Command, InvalidArgumentError } from 'commander';
import { BENCHMARKS } from './benchmarks.js';
import { formatReport, machineSummary, unexplainedRequests } from './measure.js';

function sizeList(value: string): number[] {
  const sizes = value.split(',').map((part) => Number(part.trim()));
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new InvalidArgumentError('give whole numbers above 0, separated by commas (e.g. 450,5000)');
  }
  return sizes;
}

const program = new Command('bench')
  .description('Measure API requests per record against the lower bound, and throughput, on the local sandboxes')
  .argument('[benchmarks...]', `which to run: ${BENCHMARKS.map((b) => b.name).join(', ')} (default: all)`)
  .option('--size <sizes>', 'record counts (or concurrent callers) instead of each benchmark’s defaults', sizeList)
  .option('--quiet', 'print the tables only, without progress lines')
  .action(async (names: string[], options: { size?: number[]; quiet?: boolean }) => {
    const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
    if (unknown.length > 0) {
      program.error(`unknown benchmark ${unknown.join(', ')}; choose from ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    }
    const chosen = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((benchmark) => names.includes(benchmark.name));
    console.log(`Machine: ${machineSummary()}`);
    console.log(`Command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`);
    let unaccounted = 0;
    for (const benchmark of chosen) {
      const report = await benchmark.run({
        ...(options.size ? { sizes: options.size } : {}),
        ...(options.quiet ? {} : { log: (line: string) => console.error(`… ${line}`) }),
      });
      console.log(`\n${formatReport(report)}`);
      // Requests above the bound must each have a named reason; fewer than the bound means a bound is wrong.
      for (const m of report.measurements) {
        const difference = unexplainedRequests(m) - m.bound;
        if (difference === 0) continue;
        unaccounted++;
        console.log(
          difference > 0
            ? `ABOVE THE BOUND: ${m.scenario} (${m.system}) made ${difference} request(s) more than its bound and named excess`
            : `BELOW THE BOUND: ${m.scenario} (${m.system}) made ${-difference} request(s) fewer than its bound and named excess, so one of them is wrong`,
        );
      }
    }
    console.log(`\nLoad average at the end: ${machineSummary()}`);
    if (unaccounted > 0) process.exitCode = 1;
  });

try {
  await program.parseAsync();
} catch (error) {
  console.error(`The benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
