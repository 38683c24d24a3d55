/**
 * Connection slots towards one Sage 300 server: a bound for the whole server, and a lower one per resource, so requests
 * to one resource that stops answering cannot take every connection and starve the others. A caller waits for a slot
 * until its deadline at most.
 */
export interface SlotLimits {
  /** Requests in flight against the server. */
  server: number;
  /** Requests in flight against one resource (`AR/ARCustomers`). */
  perResource: number;
}

/** The per-resource bound for a server bound: one slot always stays free for other resources. */
export function perResourceLimit(server: number): number {
  return Math.max(1, server - 1);
}

class Semaphore {
  private active = 0;
  private readonly waiting: { grant(): void }[] = [];

  constructor(private readonly max: number) {}

  /** Takes a slot, waiting until `until` (epoch milliseconds) at most; false when none came free in time. */
  take(until: number | undefined): Promise<boolean> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const waiter = {
        grant: () => {
          if (timer) clearTimeout(timer);
          this.active++;
          resolve(true);
        },
      };
      const timer =
        until === undefined
          ? undefined
          : setTimeout(
              () => {
                const index = this.waiting.indexOf(waiter);
                if (index >= 0) this.waiting.splice(index, 1);
                resolve(false);
              },
              Math.max(0, until - Date.now()),
            );
      this.waiting.push(waiter);
    });
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.grant();
  }

  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }
}

/** The slots of one server, by resource. */
export class ConnectionSlots {
  private readonly server: Semaphore;
  private readonly resources = new Map<string, Semaphore>();

  constructor(private readonly limits: SlotLimits) {
    this.server = new Semaphore(Math.max(1, limits.server));
  }

  /**
   * Takes a slot of the resource and one of the server, waiting until `until` at most. Answers the function that
   * gives both back, or undefined when no slot came free in time.
   */
  async take(resource: string, until: number | undefined): Promise<(() => void) | undefined> {
    let own = this.resources.get(resource);
    if (!own) this.resources.set(resource, (own = new Semaphore(Math.max(1, this.limits.perResource))));
    const mine = own;
    if (!(await mine.take(until))) return undefined;
    if (!(await this.server.take(until))) {
      this.give(resource, mine);
      return undefined;
    }
    return () => {
      this.server.release();
      this.give(resource, mine);
    };
  }

  private give(resource: string, slots: Semaphore): void {
    slots.release();
    if (slots.idle) this.resources.delete(resource);
  }
}
