/**
 * A circuit breaker per Sage 300 resource: after a number of requests in a row that got no answer in time, the
 * resource is not asked again for a pause, and callers are told at once when to come back instead of each waiting out
 * its own timeout. After the pause one trial request goes; an answer closes the circuit, another timeout reopens it.
 */
export interface BreakerSettings {
  /** Timeouts in a row that open the circuit. */
  timeouts: number;
  /** How long an open circuit turns requests away. */
  openMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { timeouts: 3, openMs: 30_000 };

/** Whether a request may go now: `trial` marks the one request let through after a pause. */
export type Admission =
  { admitted: true; trial: boolean } | { admitted: false; retryAfterMs: number; timeouts: number };

class Circuit {
  private timeouts = 0;
  private openUntil: number | undefined;
  private trialUnderWay = false;

  constructor(private readonly settings: BreakerSettings) {}

  admit(now: number): Admission {
    if (this.openUntil === undefined) return { admitted: true, trial: false };
    if (now < this.openUntil) return { admitted: false, retryAfterMs: this.openUntil - now, timeouts: this.timeouts };
    // Paused long enough: one request tries; the others keep being turned away until it has an answer.
    if (this.trialUnderWay) return { admitted: false, retryAfterMs: 1_000, timeouts: this.timeouts };
    this.trialUnderWay = true;
    return { admitted: true, trial: true };
  }

  /** Records how an admitted request ended: answered (any status) or timed out; `undefined` when it was never sent. */
  settle(admission: { trial: boolean }, outcome: 'answered' | 'timed-out' | undefined, now: number): void {
    if (admission.trial) this.trialUnderWay = false;
    if (outcome === 'answered') {
      this.timeouts = 0;
      this.openUntil = undefined;
    } else if (outcome === 'timed-out') {
      this.timeouts++;
      if (this.timeouts >= this.settings.timeouts || admission.trial) this.openUntil = now + this.settings.openMs;
    }
  }
}

/** The circuits of one server, by resource. */
export class Breakers {
  private readonly circuits = new Map<string, Circuit>();

  constructor(private readonly settings: BreakerSettings = DEFAULT_BREAKER) {}

  admit(resource: string, now = Date.now()): Admission {
    return this.circuit(resource).admit(now);
  }

  settle(resource: string, admission: { trial: boolean }, outcome: 'answered' | 'timed-out' | undefined): void {
    this.circuit(resource).settle(admission, outcome, Date.now());
  }

  private circuit(resource: string): Circuit {
    let circuit = this.circuits.get(resource);
    if (!circuit) this.circuits.set(resource, (circuit = new Circuit(this.settings)));
    return circuit;
  }
}
