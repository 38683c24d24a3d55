import { CoalescingCache, type LookupResult } from '../../middleware/src/services/coalescing-cache.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('the coalescing cache', () => {
  let now = 1_000;
  const lookups: LookupResult[] = [];
  const cache = () => new CoalescingCache<string>({ ttlMs: 60_000, now: () => now, onLookup: (r) => lookups.push(r) });

  beforeEach(() => {
    now = 1_000;
    lookups.length = 0;
  });

  it('shares one load among concurrent callers for the same key', async () => {
    const subject = cache();
    const gate = deferred<string>();
    let loads = 0;
    const load = () => {
      loads += 1;
      return gate.promise;
    };
    const answers = Promise.all(Array.from({ length: 20 }, () => subject.get('1200', load)));
    gate.resolve('figures');
    expect(await answers).toEqual(Array(20).fill('figures'));
    expect(loads).toBe(1);
    expect(lookups.filter((r) => r === 'coalesced')).toHaveLength(19);
  });

  it('serves from memory until the time to live has passed, then loads again', async () => {
    const subject = cache();
    let loads = 0;
    const load = async () => `v${(loads += 1)}`;
    expect(await subject.get('1200', load)).toBe('v1');
    now += 59_999;
    expect(await subject.get('1200', load)).toBe('v1');
    now += 1;
    expect(await subject.get('1200', load)).toBe('v2');
    expect(lookups).toEqual(['miss', 'hit', 'miss']);
  });

  it('loads again when fresh data is asked for, and keeps keys apart', async () => {
    const subject = cache();
    let loads = 0;
    const load = async () => `v${(loads += 1)}`;
    await subject.get('1200', load);
    expect(await subject.get('1200', load, { fresh: true })).toBe('v2');
    expect(await subject.get('1100', load)).toBe('v3');
    expect(await subject.get('1200', load)).toBe('v2');
  });

  it('does not keep a failed load, so the next caller tries again', async () => {
    const subject = cache();
    await expect(subject.get('1200', () => Promise.reject(new Error('Sage is down')))).rejects.toThrow('Sage is down');
    expect(await subject.get('1200', async () => 'recovered')).toBe('recovered');
  });

  it('keeps nothing with a time to live of zero', async () => {
    const subject = new CoalescingCache<number>({ ttlMs: 0 });
    let loads = 0;
    const load = async () => (loads += 1);
    await subject.get('k', load);
    await subject.get('k', load);
    expect(loads).toBe(2);
  });
});
