/**
 * The contacts flow's ping-pong: after a first sync of every customer's contact, K contacts are edited in Salesforce
 * and one cycle of the flow (both directions) runs, then three more cycles with nothing changed; then K other contacts
 * are edited in Sage, one cycle, and three more. Measured per cycle on each side: requests against the fewest the APIs
 * allow, and writes — after convergence a cycle writes nothing on either side.
 *
 * Fewest requests per cycle: in Sage one read per change stream (customers, ship-to locations; fewer than 1,000 rows
 * each) plus one PATCH per customer whose contact changed in Salesforce (A/R has no batch write); in Salesforce one
 * query of the change stream (fewer than a page of rows) plus ceil(K / 200) Collections upserts for contacts changed in
 * Sage. Named excess: the other side's current values of a page's changed contacts, read to merge field by field (Sage
 * in reads of 50 customers, Salesforce in as few queries as fit the URI limit).
 *
 * The Salesforce look-back window is 0 here, so a cycle reads only what changed since the last one; with the default
 * five minutes a cycle within five minutes of a write reads those rows again too (one query per 200 rows, no writes).
 */
import { setTimeout as pause } from 'node:timers/promises';
import { soqlIn, soqlInGroups } from '../../middleware/src/salesforce/soql.js';
import {
  countsSince,
  describeCountsByKey,
  total,
  type Benchmark,
  type BenchmarkReport,
  type Excess,
  type Measurement,
} from './measure.js';
import { withBenchWorld } from './world.js';

/** Rows per Sage answer (client and server). */
const SAGE_PAGE_SIZE = 1000;
/** Records per page of the contacts flow (its default), and so per change-stream query. */
const CONTACT_PAGE_SIZE = 200;
/** Records per Collections request. */
const COLLECTION_SIZE = 200;
/** Customers per Sage read of the counterparts (the flow's `CUSTOMERS_PER_READ`). */
const CUSTOMERS_PER_READ = 50;
/** Cycles after the one that carries an edit. */
const QUIET_CYCLES = 3;
const SAGE_WRITE = /^(POST|PATCH|PUT|DELETE) /;

/** Contacts edited per side: a tenth of the customers, and fewer than a Salesforce page together. */
export function contactEdits(customers: number): number {
  return Math.max(1, Math.min(90, Math.floor(customers / 10)));
}

/** Requests one system answered during one cycle, by route (Sage) or kind (Salesforce). */
interface Window {
  requests: number;
  writes: number;
  byRoute: Record<string, number>;
}

/** The contact ping-pong benchmark. */
export const contactsPingPong: Benchmark = {
  name: 'contacts-ping-pong',
  title: 'contacts both ways: one edit, then cycles with nothing to write',
  defaultSizes: [1000],
  async run(options): Promise<BenchmarkReport> {
    const measurements: Measurement[] = [];
    const notes: string[] = [];
    for (const size of options.sizes ?? this.defaultSizes) {
      const edits = contactEdits(size);
      await withBenchWorld(
        {
          sagePageSize: SAGE_PAGE_SIZE,
          seed: { customers: size },
          environment: { SYNC_SALESFORCE_LOOKBACK_SECONDS: '0' },
        },
        async (world) => {
          const sageSandbox = world.sage;
          const salesforceSandbox = world.salesforce;
          const { runtime: sync, store } = await world.startRuntime();
          const customers = sageSandbox.state.customers.all().length;
          options.log?.(`contacts ping-pong: first sync of ${customers} customers and their contacts`);
          const accounts = await sync.runFlowNow('customers');
          const first = await sync.runFlowNow('contacts');
          if (accounts.failed > 0 || first.failed > 0 || first.outcome !== 'succeeded') {
            throw new Error(`the first sync did not succeed: ${first.outcome}, ${first.failed} failed`);
          }
          /**
           * Extra change-stream pages the next cycle reads because the cursor has whole seconds: rows stamped in the
           * cursor's own second (the first sync's last second holds most of its contacts) come back with the changes.
           */
          const sameSecondPages = async () => {
            const saved = (await store.cursors.get('contacts'))?.value as
              { salesforce?: { stamp?: string } } | undefined;
            const stamp = saved?.salesforce?.stamp;
            if (!stamp) return 0;
            const second = Math.floor(Date.parse(stamp) / 1000) * 1000;
            const rows = primary().filter(
              (row) => Date.parse(String(row.SystemModstamp).replace(/\+0000$/, 'Z')) >= second,
            ).length;
            return Math.floor(rows / CONTACT_PAGE_SIZE);
          };
          const primary = () =>
            salesforceSandbox
              .records('Contact')
              .filter((row) => typeof row.Sage_Contact_Key__c === 'string' && !row.Sage_Contact_Key__c.includes('|'))
              .sort((a, b) => String(a.Sage_Contact_Key__c).localeCompare(String(b.Sage_Contact_Key__c)));

          /** One cycle of the flow, measured on both sides. */
          const cycle = async (scenario: string, bounds: { sage: number; salesforce: number; rules: string[] }) => {
            const sageBefore = sageSandbox.counts();
            const salesforceBefore: Record<string, number> = { ...salesforceSandbox.counts() };
            const started = performance.now();
            const result = await sync.runFlowNow('contacts');
            const wallMs = performance.now() - started;
            if (result.outcome !== 'succeeded') throw new Error(`${scenario}: the run ended ${result.outcome}`);
            const sageCounts = countsSince(sageBefore, sageSandbox.counts(), ['total']);
            const salesforceCounts = countsSince(salesforceBefore, { ...salesforceSandbox.counts() }, ['total']);
            delete salesforceCounts.auth;
            const windows: Record<'sage' | 'salesforce', Window> = {
              sage: {
                requests: total(sageCounts),
                writes: total(sageCounts, (route) => SAGE_WRITE.test(route)),
                byRoute: sageCounts,
              },
              salesforce: {
                requests: total(salesforceCounts),
                writes: total(salesforceCounts, (kind) => ['collectionWrite', 'singleWrite', 'bulkJob'].includes(kind)),
                byRoute: salesforceCounts,
              },
            };
            return { result, wallMs, windows, bounds };
          };

          const record = (
            scenario: string,
            measured: Awaited<ReturnType<typeof cycle>>,
            records: number,
            excess: { sage: Excess[]; salesforce: Excess[] },
          ) => {
            for (const [system, side] of [
              ['Sage 300', 'sage'],
              ['Salesforce', 'salesforce'],
            ] as const) {
              const window = measured.windows[side];
              measurements.push({
                scenario: `${scenario} (${size} customers)`,
                system,
                records,
                requests: window.requests,
                bound: measured.bounds[side],
                boundRule: measured.bounds.rules[side === 'sage' ? 0 : 1] as string,
                excess: excess[side].filter((item) => item.requests > 0),
                wallMs: measured.wallMs,
                detail: `${describeCountsByKey(window.byRoute)}; writes ${window.writes}`,
              });
            }
            return measured;
          };

          const quiet = async (after: string) => {
            const writes: number[] = [];
            for (let round = 1; round <= QUIET_CYCLES; round++) {
              const measured = await cycle(`cycle ${round + 1}`, {
                sage: 2,
                salesforce: 1,
                rules: ['1 read per change stream', '1 query of the change stream'],
              });
              record(`${after}, cycle ${round + 1}: nothing changed`, measured, 0, { sage: [], salesforce: [] });
              writes.push(measured.windows.sage.writes + measured.windows.salesforce.writes);
            }
            return writes;
          };

          // Edits in Salesforce: written to Sage once. Each edit comes a second after the last write: the change cursor
          // has whole seconds (SOQL literals), so rows of the cursor's own second are read again by the next cycle.
          await pause(1100);
          const editedInSalesforce = primary().slice(0, edits);
          for (const contact of editedInSalesforce) {
            salesforceSandbox.update('Contact', String(contact.Id), {
              Phone: `(555) 300-${String(contact.Sage_Contact_Key__c).slice(-4)}`,
            });
          }
          const salesforceKeys = editedInSalesforce.map((contact) => String(contact.Sage_Contact_Key__c));
          const rereads = await sameSecondPages();
          // The flow's lookup of a page's Accounts with their keyed contacts (as in flows/contacts.ts), split to fit the URI.
          const lookups = soqlInGroups(
            salesforceKeys,
            (group) =>
              'SELECT Id, Sage_Customer_Number__c, (SELECT Id, Sage_Contact_Key__c, FirstName, LastName, Email, Phone' +
              ` FROM Contacts WHERE Sage_Contact_Key__c IN ${soqlIn(group)}) FROM Account` +
              ` WHERE Sage_Customer_Number__c IN ${soqlIn(group)}`,
          );
          options.log?.(`contacts ping-pong: ${edits} contacts edited in Salesforce`);
          const fromSalesforce = record(
            `${edits} edited in Salesforce, cycle 1`,
            await cycle('salesforce edit', {
              sage: 2 + edits,
              salesforce: 1,
              rules: [`2 stream reads + ${edits} PATCH`, '1 query of the change stream'],
            }),
            edits,
            {
              sage: [{ reason: 'Sage side read to merge', requests: Math.ceil(edits / CUSTOMERS_PER_READ) }],
              salesforce: [
                { reason: 'Accounts and contacts of the page', requests: lookups.length },
                { reason: "more stream pages: the cursor's own second read again", requests: rereads },
              ],
            },
          );
          const afterSalesforce = await quiet(`${edits} edited in Salesforce`);

          // Edits in Sage: written to Salesforce once.
          await pause(1100);
          const editedInSage = primary().slice(edits, 2 * edits);
          for (const contact of editedInSage) {
            const customer = sageSandbox.state.customers.get([String(contact.Sage_Contact_Key__c)]) as Record<
              string,
              unknown
            >;
            customer.ContactsEmail = `changed.${String(customer.CustomerNumber).toLowerCase()}@example.com`;
            sageSandbox.state.touch(customer);
          }
          sageSandbox.state.customers.changed();
          options.log?.(`contacts ping-pong: ${edits} contacts edited in Sage`);
          const upserts = Math.ceil(edits / COLLECTION_SIZE);
          const fromSage = record(
            `${edits} edited in Sage, cycle 1`,
            await cycle('sage edit', {
              sage: 2,
              salesforce: 1 + upserts,
              rules: ['2 stream reads', `1 query + ${upserts} upsert`],
            }),
            edits,
            { sage: [], salesforce: [{ reason: 'Accounts and contacts of the page', requests: lookups.length }] },
          );
          const afterSage = await quiet(`${edits} edited in Sage`);

          notes.push(
            `${size} customers, ${edits} contacts edited per side: the Salesforce edits cost ` +
              `${fromSalesforce.windows.sage.writes} Sage write(s) and ${fromSalesforce.windows.salesforce.writes} ` +
              `Salesforce write(s); the Sage edits ${fromSage.windows.salesforce.writes} Salesforce write(s) and ` +
              `${fromSage.windows.sage.writes} Sage write(s); writes per cycle after convergence: ` +
              `${[...afterSalesforce, ...afterSage].join(', ')}`,
          );
        },
      );
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        `Sage sandbox and client at ${SAGE_PAGE_SIZE} rows per answer; the contacts flow's default page (200)`,
        'Salesforce look-back window 0 s (SYNC_SALESFORCE_LOOKBACK_SECONDS=0): a cycle reads what changed since the last',
        `a cycle is one run of the contacts flow (Sage → Salesforce, then Salesforce → Sage); ${QUIET_CYCLES} quiet cycles follow each edit`,
      ],
      measurements,
      notes,
    };
  },
};
