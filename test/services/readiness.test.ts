import { createReadiness } from '../../middleware/src/services/readiness.js';

describe('readiness', () => {
  it('reuses a check result for its cache time and checks again after it', async () => {
    let now = 0;
    let calls = 0;
    const readiness = createReadiness({
      checks: { salesforce: async () => (calls += 1) },
      cacheMs: { salesforce: 1_000 },
      now: () => now,
    });
    expect(await readiness()).toEqual({ ready: true, checks: { salesforce: 'up' } });
    now = 999;
    await readiness();
    expect(calls).toBe(1);
    now = 1_000;
    await readiness();
    expect(calls).toBe(2);
  });

  it('reports a failing or silent dependency as down, names it, and runs uncached checks every time', async () => {
    const down: string[] = [];
    let storeCalls = 0;
    const readiness = createReadiness({
      checks: {
        store: async () => (storeCalls += 1),
        sage300: () => Promise.reject(new Error('refused')),
        salesforce: () => new Promise(() => undefined),
      },
      timeoutMs: 20,
      onDown: (name) => down.push(name),
    });
    expect(await readiness()).toEqual({
      ready: false,
      checks: { store: 'up', sage300: 'down', salesforce: 'down' },
    });
    expect(down.sort()).toEqual(['sage300', 'salesforce']);
    await readiness();
    expect(storeCalls).toBe(2);
  });

  it('lets probes that arrive while a check runs share it', async () => {
    let calls = 0;
    const readiness = createReadiness({
      checks: { sage300: () => new Promise((resolve) => setTimeout(() => resolve((calls += 1)), 10)) },
    });
    const reports = await Promise.all([readiness(), readiness(), readiness()]);
    expect(reports.every((report) => report.ready)).toBe(true);
    expect(calls).toBe(1);
  });
});
