/**
 * What a proof suite checked, printed as one block in the test output (`proof: <suite>` then its lines), so a run
 * shows the faults injected, the processes killed and the cases tried, not only that the tests passed.
 */
import { writeSync } from 'node:fs';

/** Prints the suite's findings on standard error (Jest's console adds a stack to each line; this does not). */
export function report(suite: string, lines: readonly string[]): void {
  writeSync(2, `\nproof: ${suite}\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
}

/** The seed of a proof suite's random choices: `PROOF_SEED` when set (to reproduce a failure), else the given one. */
export function proofSeed(fallback: number): number {
  const value = Number(process.env.PROOF_SEED);
  return Number.isInteger(value) ? value : fallback;
}

/** A whole number from the environment (the soak variants' sizes), else the default. */
export function proofSize(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The p-th percentile (0–100) of the values, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** A suite's time limit, stretched by `PROOF_TIME_SCALE` when the soak runs it at its long sizes. */
export function proofTimeout(ms: number): number {
  return ms * proofSize('PROOF_TIME_SCALE', 1);
}
