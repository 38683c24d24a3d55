/**
 * What every benchmark reports and how it is printed: per scenario and system, the requests made against the fewest
 * the APIs allow for the same work, with any known excess named and counted, wall time and throughput.
 */
import { cpus, loadavg } from 'node:os';

export type SystemName = 'Sage 300' | 'Salesforce';

/** Requests a row made beyond its lower bound for a stated reason (counted from what the sandbox saw). */
export interface Excess {
  reason: string;
  requests: number;
}

/** One measured line: what one system saw while one scenario ran. */
export interface Measurement {
  scenario: string;
  system: SystemName;
  /** The records (or API calls) the scenario handled: the denominator of calls per record. */
  records: number;
  /** Requests the system answered during the scenario. */
  requests: number;
  /** The fewest requests the API allows for the same work. */
  bound: number;
  /** How the bound is computed, e.g. `ceil(20000/1000)`. */
  boundRule: string;
  /** Requests above the bound, each with its reason; empty when the bound is met. */
  excess: Excess[];
  wallMs: number;
  /** Requests by route or kind, for the reader who wants to see where they went. */
  detail: string;
  /** Response times of the scenario's callers, for the API benchmarks. */
  latency?: { p50Ms: number; p95Ms: number };
}

/** A benchmark's result: its lines and the settings they were measured with. */
export interface BenchmarkReport {
  name: string;
  title: string;
  settings: string[];
  measurements: Measurement[];
  /** Figures that are not rows of the table (a latency bound and its ratio), printed under it. */
  notes?: string[];
}

export interface BenchmarkOptions {
  /** Record counts (or concurrent callers) to run instead of the defaults. */
  sizes?: number[];
  /** Progress lines while a long benchmark runs. */
  log?: (line: string) => void;
}

/** A benchmark the runner can call by name. */
export interface Benchmark {
  name: string;
  title: string;
  defaultSizes: number[];
  run(options: BenchmarkOptions): Promise<BenchmarkReport>;
}

/** `ceil(a / b)` for positive integers. */
export function pagesOf(records: number, pageSize: number): number {
  return Math.ceil(records / pageSize);
}

/** Requests that remain once the named excess is taken away: equal to the bound when nothing else was spent. */
export function unexplainedRequests(measurement: Measurement): number {
  return measurement.requests - measurement.excess.reduce((sum, item) => sum + item.requests, 0);
}

/** requests ÷ bound; 1 when both are zero. */
export function ratio(requests: number, bound: number): number {
  if (bound === 0) return requests === 0 ? 1 : Number.POSITIVE_INFINITY;
  return requests / bound;
}

/** The nearest-rank percentile of a list of durations. */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Runs `work` and answers its result with the elapsed wall time. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; wallMs: number }> {
  const started = performance.now();
  const value = await work();
  return { value, wallMs: performance.now() - started };
}

const perRecord = (requests: number, records: number) => (records === 0 ? '—' : (requests / records).toFixed(4));

function formatRatio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '∞';
}

/** The printed columns of one measurement, in table order. */
export function measurementCells(m: Measurement): string[] {
  const seconds = m.wallMs / 1000;
  return [
    m.scenario,
    m.system,
    String(m.records),
    String(m.requests),
    perRecord(m.requests, m.records),
    `${m.bound} (${m.boundRule})`,
    perRecord(m.bound, m.records),
    formatRatio(ratio(m.requests, m.bound)),
    m.excess.length === 0 ? '—' : m.excess.map((item) => `+${item.requests} ${item.reason}`).join('; '),
    seconds.toFixed(2),
    m.records === 0 || seconds === 0 ? '—' : Math.round(m.records / seconds).toLocaleString('en-US'),
    m.latency ? `${m.latency.p50Ms.toFixed(0)} / ${m.latency.p95Ms.toFixed(0)}` : '—',
    m.detail,
  ];
}

export const TABLE_HEADER = [
  'Scenario',
  'System',
  'Records',
  'Requests',
  'Calls/record',
  'Lower bound',
  'Bound/record',
  'Ratio',
  'Above the bound',
  'Wall s',
  'Records/s',
  'p50 / p95 ms',
  'Requests by route',
];

/** A benchmark report as a Markdown table with its settings above it. */
export function formatReport(report: BenchmarkReport): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const lines = [`### ${report.name}: ${report.title}`, ''];
  for (const setting of report.settings) lines.push(`- ${setting}`);
  if (report.settings.length > 0) lines.push('');
  if (report.measurements.length > 0) {
    lines.push(`| ${TABLE_HEADER.join(' | ')} |`);
    lines.push(`|${TABLE_HEADER.map(() => '---').join('|')}|`);
  }
  for (const m of report.measurements) lines.push(`| ${measurementCells(m).map(escape).join(' | ')} |`);
  if (report.notes?.length) {
    lines.push(...(report.measurements.length > 0 ? [''] : []), ...report.notes.map((note) => `- ${note}`));
  }
  return lines.join('\n');
}

/** The machine the numbers come from: CPUs, load average when the run started, Node version. */
export function machineSummary(): string {
  const cores = cpus();
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  return (
    `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}; load average ${one}, ${five}, ${fifteen}; ` +
    `Node ${process.version}`
  );
}

/** Counts by key as `12 GET AR/ARCustomers, 1 POST OE/OEOrders` (zero counts left out). */
export function describeCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([key, count]) => `${count} ${key}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** Counts by key, sorted by key, as `GET AR/ARCustomers 3, PATCH AR/ARCustomers 90` (`none` when empty). */
export function describeCountsByKey(counts: Record<string, number>): string {
  return (
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => `${key} ${count}`)
      .join(', ') || 'none'
  );
}

/** Differences of two count snapshots (what happened between them), without the keys in `leaveOut`. */
export function countsSince(
  before: Record<string, number>,
  after: Record<string, number>,
  leaveOut: readonly string[] = [],
): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    if (leaveOut.includes(key)) continue;
    const delta = value - (before[key] ?? 0);
    if (delta !== 0) result[key] = delta;
  }
  return result;
}

/** The sum of counts, or of those whose key `keep` accepts. */
export function total(counts: Record<string, number>, keep: (key: string) => boolean = () => true): number {
  return Object.entries(counts).reduce((sum, [key, value]) => sum + (keep(key) ? value : 0), 0);
}
