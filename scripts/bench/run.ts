/**
 * `npm run bench [-- name...] [--size 450,5000]`: runs the benchmarks (all, or the named ones) against the local
 * sandboxes and prints, per scenario and system, requests against the lower bound, wall time and throughput, as
 * Markdown tables ready for docs/benchmarks.md.
 */
import { Command, InvalidArgumentError } from 'commander';
import { BENCHMARKS } from './benchmarks.js';
import { formatReport, machineSummary, ratio, unexplainedRequests } from './measure.js';

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
    let aboveBound = 0;
    for (const benchmark of chosen) {
      const report = await benchmark.run({
        ...(options.size ? { sizes: options.size } : {}),
        ...(options.quiet ? {} : { log: (line: string) => console.error(`… ${line}`) }),
      });
      console.log(`\n${formatReport(report)}`);
      aboveBound += report.measurements.filter((m) => unexplainedRequests(m) > m.bound).length;
      for (const m of report.measurements.filter((item) => ratio(item.requests, item.bound) > 1)) {
        const unexplained = unexplainedRequests(m) - m.bound;
        if (unexplained > 0)
          console.log(`UNEXPLAINED: ${m.scenario} (${m.system}) made ${unexplained} request(s) more`);
      }
    }
    console.log(`\nLoad average at the end: ${machineSummary()}`);
    if (aboveBound > 0) process.exitCode = 1;
  });

await program.parseAsync();
