/** One dependency's check: resolves when it answers, throws when it does not. */
export type DependencyCheck = () => Promise<unknown>;

export interface ReadinessOptions {
  checks: Record<string, DependencyCheck>;
  /** A check's result is reused for this long, so probes do not spend Salesforce's daily API allowance. */
  cacheMs?: Record<string, number>;
  /** A check that takes longer counts as down. */
  timeoutMs?: number;
  now?: () => number;
  onDown?: (name: string, error: unknown) => void;
}

/** The readiness answer: every dependency up, or which are down. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'up' | 'down'>;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Runs the dependency checks in parallel (each within the timeout, some cached) and reports readiness. */
export function createReadiness(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const remembered = new Map<string, { state: 'up' | 'down'; at: number }>();

  async function check(name: string, run: DependencyCheck): Promise<'up' | 'down'> {
    const cacheMs = options.cacheMs?.[name] ?? 0;
    const last = remembered.get(name);
    if (last && now() - last.at < cacheMs) return last.state;
    let state: 'up' | 'down' = 'up';
    try {
      await withTimeout(Promise.resolve().then(run), timeoutMs);
    } catch (error) {
      state = 'down';
      options.onDown?.(name, error);
    }
    remembered.set(name, { state, at: now() });
    return state;
  }

  return async () => {
    const entries = await Promise.all(
      Object.entries(options.checks).map(async ([name, run]) => [name, await check(name, run)] as const),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, state]) => state === 'up'), checks };
  };
}
