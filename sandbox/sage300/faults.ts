import { seededRandom } from '../random.js';

/**
 * Latency and failures to inject on one route (`'POST OE/OEOrders'`, `'GET AR/ARCustomers'`) or on every route
 * (`'*'`). Probabilities are between 0 and 1 and drawn from a seeded generator, so a run is repeatable.
 */
export interface Faults {
  /** Added delay before the request is handled: a fixed number of milliseconds or a uniform range. */
  latencyMs?: number | { min: number; max: number };
  /** Probability of `503 Service Unavailable` (IIS's HTML page, as when the application pool is recycling). */
  status503?: number;
  /** Probability of `429 TooManyRequests` in Sage's error envelope. */
  status429?: number;
  /**
   * `Retry-After` seconds sent with the 429 and 503 answers these faults cause (Sage documents none, so it is off
   * unless set); a failure another entry causes (the route's or `'*'`) carries that entry's setting.
   */
  retryAfterSeconds?: number;
  /** Probability that the request is never answered (the connection stays open until the caller gives up). */
  timeout?: number;
  /** Probability that the connection is reset without an answer. */
  reset?: number;
  /** Delay on the first request after these faults are set, like IIS starting a cold application pool. */
  coldStartMs?: number;
  /** For writes (POST, PATCH, PUT): probability (or `true`) that the change is committed and the answer never arrives. */
  commitThenTimeout?: number | boolean;
  /** Apply these faults to the next N matching requests only, then drop them. */
  times?: number;
  /**
   * Faults that strike for sure: `{ at: 3, fault: 'timeout' }` makes the third matching request (counted from when
   * these faults were set) time out, whatever the probabilities draw, so a run meets every kind of fault at least once.
   */
  strikes?: readonly FaultStrike[];
}

/** The failures a request can meet, and `commitThenTimeout` (a write committed without an answer). */
export type FaultKind = 'status503' | 'status429' | 'timeout' | 'reset' | 'commitThenTimeout';

/** One sure fault: the `at`-th matching request (1 for the first) meets `fault`. */
export interface FaultStrike {
  at: number;
  fault: FaultKind;
}

/** What the server does with one request, decided before it is handled. */
export interface FaultDecision {
  delayMs: number;
  failure?: 'status503' | 'status429' | 'timeout' | 'reset';
  commitThenTimeout: boolean;
  retryAfterSeconds?: number;
}

interface Entry {
  faults: Faults;
  remaining: number;
  coldStartPending: boolean;
  /** Matching requests so far. */
  seen: number;
}

/** Holds the faults per route and decides, request by request, which apply. */
export class FaultInjector {
  private readonly entries = new Map<string, Entry>();
  private random: () => number;
  private fired: Record<string, number> = {};

  constructor(private readonly seed = 42) {
    this.random = seededRandom(seed);
  }

  /** Sets (replacing) the faults for a route key or `'*'`. */
  set(route: string, faults: Faults): void {
    validateFaults(faults);
    this.entries.set(route, {
      faults,
      remaining: faults.times ?? Number.POSITIVE_INFINITY,
      coldStartPending: (faults.coldStartMs ?? 0) > 0,
      seen: 0,
    });
  }

  /** How many requests each failure (and `commitThenTimeout`) struck since the faults were last cleared. */
  firedCounts(): Record<string, number> {
    return { ...this.fired };
  }

  /** Removes every fault and restarts the random sequence. */
  clear(): void {
    this.entries.clear();
    this.fired = {};
    this.random = seededRandom(this.seed);
  }

  /** The current faults by route, for the control endpoint. */
  list(): Record<string, Faults> {
    return Object.fromEntries([...this.entries].map(([route, entry]) => [route, entry.faults]));
  }

  decide(route: string): FaultDecision {
    const decision: FaultDecision = { delayMs: 0, commitThenTimeout: false };
    for (const key of [route, '*']) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      const { faults } = entry;
      if (entry.coldStartPending) {
        entry.coldStartPending = false;
        decision.delayMs += faults.coldStartMs ?? 0;
      }
      const latency = faults.latencyMs;
      if (typeof latency === 'number') decision.delayMs += latency;
      else if (latency) decision.delayMs += latency.min + this.random() * (latency.max - latency.min);
      entry.seen += 1;
      const failed = Boolean(decision.failure);
      for (const strike of faults.strikes ?? []) {
        if (strike.at !== entry.seen) continue;
        if (strike.fault === 'commitThenTimeout') decision.commitThenTimeout = true;
        else decision.failure ??= strike.fault;
      }
      if (!decision.failure) {
        for (const failure of ['reset', 'timeout', 'status503', 'status429'] as const) {
          const probability = faults[failure] ?? 0;
          if (probability > 0 && this.random() < probability) {
            decision.failure = failure;
            break;
          }
        }
      }
      if (!failed && decision.failure && faults.retryAfterSeconds !== undefined) {
        decision.retryAfterSeconds = faults.retryAfterSeconds;
      }
      const commit = faults.commitThenTimeout === true ? 1 : Number(faults.commitThenTimeout ?? 0);
      if (commit > 0 && this.random() < commit) decision.commitThenTimeout = true;
      entry.remaining--;
      if (entry.remaining <= 0) this.entries.delete(key);
    }
    if (decision.failure) {
      // A 429 that names when to come back is counted apart from one that does not.
      const name =
        decision.failure === 'status429' && decision.retryAfterSeconds !== undefined
          ? 'status429RetryAfter'
          : decision.failure;
      this.fired[name] = (this.fired[name] ?? 0) + 1;
    }
    if (decision.commitThenTimeout && !decision.failure) {
      this.fired.commitThenTimeout = (this.fired.commitThenTimeout ?? 0) + 1;
    }
    return decision;
  }
}

function validateFaults(faults: Faults): void {
  for (const name of ['status503', 'status429', 'timeout', 'reset'] as const) {
    const value = faults[name];
    if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 1)) {
      throw new RangeError(`${name} must be a probability between 0 and 1`);
    }
  }
  const latency = faults.latencyMs;
  if (latency !== undefined && typeof latency !== 'number' && !(latency.min >= 0 && latency.max >= latency.min)) {
    throw new RangeError('latencyMs must be a number or { min, max } with 0 <= min <= max');
  }
  if (faults.times !== undefined && !(Number.isInteger(faults.times) && faults.times > 0)) {
    throw new RangeError('times must be a positive integer');
  }
  const kinds = ['status503', 'status429', 'timeout', 'reset', 'commitThenTimeout'];
  for (const strike of faults.strikes ?? []) {
    if (!(Number.isInteger(strike.at) && strike.at > 0) || !kinds.includes(strike.fault)) {
      throw new RangeError(`strikes must be { at: a positive integer, fault: one of ${kinds.join(', ')} }`);
    }
  }
}
