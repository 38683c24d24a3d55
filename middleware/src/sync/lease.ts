/**
 * A flow's lease while it runs: taken before the run (once per schedule slot across replicas), renewed every third of
 * its time, released at the end. A renewal that finds the lease gone means another process took the flow over: the
 * run is told at once (`onLost`), and every page commit checks the lease again (`LeaseLostError`) so a process that
 * lost it cannot move the checkpoint.
 */
import type { LeaseRepository } from '../store/index.js';

/** The lease name of a flow. */
export const flowLease = (flow: string) => `flow:${flow}`;

/** Another process holds the flow's lease now. */
export class LeaseLostError extends Error {
  constructor(flow: string) {
    super(`Lost the lease of flow ${flow} to another process`);
    this.name = 'LeaseLostError';
  }
}

/** A lease this process holds. */
export interface HeldLease {
  readonly name: string;
  /** True once a renewal found the lease taken by another process. */
  lost(): boolean;
  /** Stops renewing and gives the lease up (when it is still ours). */
  release(): Promise<void>;
}

export interface HoldLeaseOptions {
  leases: LeaseRepository;
  flow: string;
  owner: string;
  leaseMs: number;
  /** The schedule time the run is for: a slot already run is refused. */
  slot?: Date;
  /** Called once, when a renewal finds the lease taken over. */
  onLost(error: LeaseLostError): void;
  /** Called when a renewal could not reach the store (the lease is kept until it expires). */
  onRenewalError(error: unknown): void;
}

/** How often a held lease is renewed: a third of its time, so two renewals may fail before it expires. */
export function renewalInterval(leaseMs: number): number {
  return Math.max(50, Math.floor(leaseMs / 3));
}

/** Takes the flow's lease and keeps renewing it; undefined when another process holds it or ran this slot. */
export async function holdFlowLease(options: HoldLeaseOptions): Promise<HeldLease | undefined> {
  const { leases, owner, leaseMs } = options;
  const name = flowLease(options.flow);
  const acquired = await leases.acquire(name, owner, leaseMs, options.slot ? { slot: options.slot } : {});
  if (!acquired) return undefined;
  let lost = false;
  const renewal = setInterval(() => {
    leases.renew(name, owner, leaseMs).then(
      (kept) => {
        if (!kept && !lost) {
          lost = true;
          options.onLost(new LeaseLostError(options.flow));
        }
      },
      (error: unknown) => options.onRenewalError(error),
    );
  }, renewalInterval(leaseMs));
  return {
    name,
    lost: () => lost,
    async release() {
      clearInterval(renewal);
      await leases.release(name, owner);
    },
  };
}
