// The contact ping-pong benchmark at a small size: an edit is written once to the other side, every cycle after it
// writes nothing on either side, and the requests it prints meet the lower bound apart from the excess it names.
import { contactEdits, contactsPingPong } from '../../scripts/bench/contacts-ping-pong.js';
import { formatReport, type Measurement } from '../../scripts/bench/measure.js';
import { expectEveryLineAtTheBound, lineOf } from './lines.js';

describe('the contact ping-pong benchmark', () => {
  it('writes each edit once and nothing in the cycles after it, at the lower bound', async () => {
    const report = await contactsPingPong.run({ sizes: [150] });
    const edits = contactEdits(150);
    expect(edits).toBe(15);
    // Per edit direction: the cycle that carries it and three quiet ones, each measured on both sides.
    expect(report.measurements).toHaveLength(2 * 4 * 2);
    expectEveryLineAtTheBound(report);
    const line = (text: string, system: Measurement['system']) => lineOf(report, text, system);
    // The Salesforce edits: one PATCH per customer, no Salesforce write.
    expect(line('15 edited in Salesforce, cycle 1', 'Sage 300').detail).toMatch(/PATCH AR\/ARCustomers 15; writes 15$/);
    expect(line('15 edited in Salesforce, cycle 1', 'Salesforce').detail).toMatch(/; writes 0$/);
    // The Sage edits: one Collections upsert, no Sage write.
    expect(line('15 edited in Sage, cycle 1', 'Salesforce').detail).toMatch(/collectionWrite 1, .*; writes 1$/);
    expect(line('15 edited in Sage, cycle 1', 'Sage 300').detail).toMatch(/; writes 0$/);
    // After convergence: one read per Sage change stream, one Salesforce query, no write on either side.
    const quiet = report.measurements.filter((m) => m.scenario.includes('nothing changed'));
    expect(quiet).toHaveLength(12);
    for (const m of quiet) {
      expect({ line: m.scenario, requests: m.requests, detail: m.detail.replace(/^.*; /, '') }).toEqual({
        line: m.scenario,
        requests: m.system === 'Sage 300' ? 2 : 1,
        detail: 'writes 0',
      });
    }
    expect(report.notes?.[0]).toMatch(/writes per cycle after convergence: 0, 0, 0, 0, 0, 0$/);
    expect(formatReport(report)).toContain(
      '| 15 edited in Sage, cycle 2: nothing changed (150 customers) | Salesforce |',
    );
  }, 180_000);
});
