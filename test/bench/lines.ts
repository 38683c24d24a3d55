// What the benchmark tests ask of a report's lines: each at its bound apart from the excess it names, and one line
// found by how its scenario starts.
import { unexplainedRequests, type BenchmarkReport, type Measurement } from '../../scripts/bench/measure.js';

/** Every line's requests, less the excess it names, equal its bound. */
export function expectEveryLineAtTheBound(report: BenchmarkReport): void {
  for (const m of report.measurements) {
    expect({ line: `${m.scenario} (${m.system})`, requests: unexplainedRequests(m) }).toEqual({
      line: `${m.scenario} (${m.system})`,
      requests: m.bound,
    });
  }
}

/** The line of `report` on `system` whose scenario starts with `text`. */
export function lineOf(report: BenchmarkReport, text: string, system: Measurement['system']): Measurement {
  const found = report.measurements.find((m) => m.scenario.startsWith(text) && m.system === system);
  if (!found) throw new Error(`no line ${text} (${system})`);
  return found;
}
