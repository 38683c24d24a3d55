// The changed-accounts benchmark at a small size: every changed account is one PATCH (never a PUT), the Salesforce
// change stream one query per page, a run with nothing changed no Sage request, and nothing is copied back.
import { accountsFlowBenchmark } from '../../scripts/bench/accounts-flow.js';
import type { Measurement } from '../../scripts/bench/measure.js';
import { expectEveryLineAtTheBound, lineOf } from './lines.js';

describe('the changed-accounts benchmark', () => {
  it('writes each changed account with one PATCH, at the lower bound, and nothing when nothing changed', async () => {
    const report = await accountsFlowBenchmark.run({ sizes: [450] });
    expect(report.measurements).toHaveLength(4);
    expectEveryLineAtTheBound(report);
    const line = (text: string, system: Measurement['system']) => lineOf(report, text, system);
    // Every linked account changes: the 450 seeded customers' and the one the first run created for the seeded
    // account with a Closed Won opportunity. Pages of 200, 200 and 51 accounts: 4 + 4 + 2 reads of 50 customers.
    expect(line('451 changed accounts', 'Sage 300')).toMatchObject({ records: 451, bound: 451 });
    expect(line('451 changed accounts', 'Sage 300').detail).toBe(
      'GET AR/ARCustomers 10, PATCH AR/ARCustomers 451; writes 451',
    );
    expect(line('451 changed accounts', 'Salesforce')).toMatchObject({ bound: 3, requests: 3 });
    expect(line('451 changed accounts', 'Salesforce').detail).toBe('query 3; writes 0');
    expect(line('nothing changed', 'Sage 300')).toMatchObject({ requests: 0, detail: 'none; writes 0' });
    expect(line('nothing changed', 'Salesforce').detail).toMatch(/^query \d+; writes 0$/);
    expect(report.notes?.[0]).toMatch(
      /451 written with 451 PATCH and 0 PUT; then a run with nothing changed made 0 Sage request\(s\); .* wrote 0 accounts in 0 Salesforce write request\(s\)$/,
    );
  }, 300_000);
});
