/**
 * What tests and benchmarks steer and observe: request counts by kind, the daily API allowance behind
 * `Sforce-Limit-Info`, and injected faults (row locks, concurrency limits, outages, latency).
 */
import { seededRandom } from '../random.js';

const REQUEST_KINDS = [
  'auth',
  'query',
  'collectionWrite',
  'singleWrite',
  'read',
  'describe',
  'bulkJob',
  'bulkRequest',
  'limits',
  'other',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Requests by kind; `total` counts every API request (token requests are not API requests). */
export type RequestCounts = Record<RequestKind | 'total', number>;

/**
 * A fault that hits a fraction of occasions, at most `times` occasions when given; `at` lists occasions (1 for the
 * first since the faults were set) it hits for sure, so a run meets the fault whatever the draws.
 */
export type FaultRate = number | { rate: number; times?: number; at?: readonly number[] };

export interface SandboxFaults {
  /** Fraction of records in writes (single, collection, bulk) that fail with UNABLE_TO_LOCK_ROW. */
  unableToLockRow?: FaultRate;
  /** Fraction of API requests answered 403 REQUEST_LIMIT_EXCEEDED for concurrent long-running requests. */
  requestLimitExceeded?: FaultRate;
  /** Fraction of API requests answered 503. */
  serviceUnavailable?: FaultRate;
  /** Delay before every API request is answered. */
  latencyMs?: number;
  /** Seed of the random choice of faulted occasions, so runs are repeatable (default 1). */
  seed?: number;
}

type FaultName = 'unableToLockRow' | 'requestLimitExceeded' | 'serviceUnavailable';

export class SandboxControl {
  private counters: RequestCounts = SandboxControl.zero();
  private faults: SandboxFaults = {};
  private random = seededRandom(1);
  private readonly fired: Record<FaultName, number> = {
    unableToLockRow: 0,
    requestLimitExceeded: 0,
    serviceUnavailable: 0,
  };
  /** Occasions each fault was considered for since the faults were set. */
  private readonly occasions: Record<FaultName, number> = {
    unableToLockRow: 0,
    requestLimitExceeded: 0,
    serviceUnavailable: 0,
  };
  dailyUsed = 0;

  constructor(public dailyMax = 100_000) {}

  private static zero(): RequestCounts {
    const counts = { total: 0 } as RequestCounts;
    for (const kind of REQUEST_KINDS) counts[kind] = 0;
    return counts;
  }

  count(kind: RequestKind, api = true): void {
    this.counters[kind]++;
    if (api) this.counters.total++;
  }

  counts(): RequestCounts {
    return { ...this.counters };
  }

  resetCounts(): void {
    this.counters = SandboxControl.zero();
  }

  setFaults(faults: SandboxFaults): void {
    this.faults = { ...faults };
    this.random = seededRandom(faults.seed ?? 1);
    for (const name of Object.keys(this.fired) as FaultName[]) {
      this.fired[name] = 0;
      this.occasions[name] = 0;
    }
  }

  clearFaults(): void {
    this.setFaults({});
  }

  /** How many times each fault struck since the faults were set. */
  faultsFired(): Record<FaultName, number> {
    return { ...this.fired };
  }

  get latencyMs(): number {
    return this.faults.latencyMs ?? 0;
  }

  /** Decides whether this occasion is hit by the named fault. */
  strikes(name: FaultName): boolean {
    const setting = this.faults[name];
    if (setting === undefined) return false;
    const { rate, times, at } = typeof setting === 'number' ? { rate: setting, times: undefined, at: [] } : setting;
    this.occasions[name]++;
    if (times !== undefined && this.fired[name] >= times) return false;
    const sure = at?.includes(this.occasions[name]) ?? false;
    if (!sure && (rate <= 0 || this.random() >= rate)) return false;
    this.fired[name]++;
    return true;
  }

  /** Counts one request against the daily allowance; false when the allowance is spent. */
  spendDailyRequest(): boolean {
    if (this.dailyUsed >= this.dailyMax) return false;
    this.dailyUsed++;
    return true;
  }

  get limitInfo(): string {
    return `api-usage=${this.dailyUsed}/${this.dailyMax}`;
  }
}
