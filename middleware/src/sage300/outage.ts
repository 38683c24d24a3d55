/**
 * Sage 300 as a whole not answering. The circuits of `breaker.ts` protect the other resources from one that hangs;
 * this gate is for the server: once a request has spent all its attempts without Sage answering (502, 503 or 504 from
 * IIS or a gateway, timeouts, refused or reset connections), Sage is unreachable since that request began. Every request is then turned away at
 * once, whichever flow or API call makes it, except one probe per interval (the breaker's open time), sent once and
 * never retried; any answer from Sage itself, even an error, ends the outage. So during an outage the process sends Sage one
 * request per interval, however many flows are scheduled.
 */
import type { BreakerSettings } from './breaker.js';

/** Since when Sage has not answered, and the last reason. */
export interface SageOutage {
  since: Date;
  reason: string;
}

/** Whether a request may go now: `probe` marks the one request let through per interval during an outage. */
export type GateAdmission =
  { admitted: true; probe: boolean } | { admitted: false; retryAfterMs: number; outage: SageOutage };

export class OutageGate {
  private outage: SageOutage | undefined;
  private nextProbeAt = 0;
  private probing = false;

  constructor(
    private readonly settings: Pick<BreakerSettings, 'openMs'>,
    private readonly onChange: (outage: SageOutage | undefined) => void = () => undefined,
  ) {}

  /** The outage under way, if any. */
  current(): SageOutage | undefined {
    return this.outage;
  }

  admit(now = Date.now()): GateAdmission {
    if (!this.outage) return { admitted: true, probe: false };
    if (this.probing || now < this.nextProbeAt) {
      return { admitted: false, retryAfterMs: Math.max(1_000, this.nextProbeAt - now), outage: this.outage };
    }
    this.probing = true;
    return { admitted: true, probe: true };
  }

  /**
   * Whether a request admitted earlier may make another attempt: during an outage only the probe asks Sage, so a
   * retry of a request that began before the outage is turned away like a new request would be.
   */
  retryAdmission(admission: { probe: boolean }, now = Date.now()): GateAdmission {
    if (!this.outage || admission.probe) return { admitted: true, probe: admission.probe };
    return { admitted: false, retryAfterMs: Math.max(1_000, this.nextProbeAt - now), outage: this.outage };
  }

  /** Sage answered (even with an error): the outage, if any, is over. */
  answered(admission: { probe: boolean }): void {
    if (admission.probe) this.probing = false;
    if (!this.outage) return;
    this.outage = undefined;
    this.onChange(undefined);
  }

  /**
   * A request ended without an answer from Sage. It starts an outage when it spent all its attempts (`exhausted`), and
   * a failed probe keeps one going for another interval; a request cut short by its caller's deadline proves nothing.
   */
  unanswered(
    admission: { probe: boolean },
    exhausted: boolean,
    reason: string,
    startedAt: number,
    now = Date.now(),
  ): void {
    if (admission.probe) this.probing = false;
    if (!exhausted && !admission.probe) return;
    this.nextProbeAt = now + this.settings.openMs;
    if (this.outage) {
      this.outage = { since: this.outage.since, reason };
    } else {
      this.outage = { since: new Date(startedAt), reason };
    }
    this.onChange(this.outage);
  }

  /** A request admitted as the probe ended without reaching Sage (its caller stopped it): another may probe. */
  released(admission: { probe: boolean }): void {
    if (admission.probe) this.probing = false;
  }
}
