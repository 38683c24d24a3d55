/**
 * The end state of both sandboxes in a form two runs can be compared in, record for record: every Salesforce object the
 * package and the sandbox know, every Sage table. What differs between two correct runs by nature is left out —
 * record ids (a lookup is shown as the natural key of the record it points at), system stamps, and the times the
 * connector wrote on records while it ran — so any other difference is a lost, extra, duplicated or wrong record.
 */
import { readdirSync } from 'node:fs';
import type { Sage300Sandbox } from '../../sandbox/sage300/server.js';
import type { SalesforceSandbox } from '../../sandbox/salesforce/server.js';

/** Standard objects the sandbox models; custom objects come from the package. */
const standardObjects = [
  'Account',
  'Contact',
  'Lead',
  'Opportunity',
  'OpportunityLineItem',
  'Product2',
  'Pricebook2',
  'PricebookEntry',
  'Task',
];
const systemFields = new Set([
  'Id',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'IsDeleted',
]);

function salesforceObjects(): string[] {
  const custom = readdirSync('force-app/main/default/objects').filter((name) => name.endsWith('__c'));
  return [...standardObjects, ...custom];
}

/** A record's natural key: its first External ID-like value (`Sage_…_Key__c`, `Sage_…_Number__c`), else its name. */
function naturalKey(type: string, record: Record<string, unknown>): string {
  const key = Object.keys(record)
    .filter((field) => /^Sage_.*(Key|Number)__c$/.test(field) && record[field] !== null && record[field] !== undefined)
    .sort()[0];
  return `${type}:${key ? String(record[key]) : String(record.Name ?? record.Subject ?? '?')}`;
}

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

export interface EndState {
  /** Per Salesforce object and Sage table, its records in canonical form, sorted. */
  tables: Record<string, string[]>;
}

/**
 * Both systems' records, canonical. `runWindow` is when the connector ran: a date-time in it is a stamp the connector
 * wrote (`Sage_Last_Synced__c`), not data, and is left out.
 */
export function endState(
  sage: Sage300Sandbox,
  salesforce: SalesforceSandbox,
  runWindow: { from: Date; to: Date },
): EndState {
  const tables: Record<string, string[]> = {};
  const records = new Map<string, Record<string, unknown>[]>();
  for (const type of salesforceObjects()) {
    try {
      records.set(type, salesforce.records(type) as Record<string, unknown>[]);
    } catch {
      // An object the sandbox does not serve.
    }
  }
  const labels = new Map<string, string>();
  for (const [type, rows] of records) for (const row of rows) labels.set(String(row.Id), naturalKey(type, row));
  const stamp = (value: unknown) => {
    if (typeof value !== 'string' || !isoTime.test(value)) return false;
    const time = Date.parse(value.replace(/\+0000$/, 'Z'));
    return time >= runWindow.from.getTime() - 1000 && time <= runWindow.to.getTime() + 1000;
  };
  for (const [type, rows] of records) {
    tables[`Salesforce ${type}`] = rows
      .map((row) =>
        JSON.stringify(
          Object.fromEntries(
            Object.keys(row)
              .filter((field) => !systemFields.has(field) && !stamp(row[field]))
              .sort()
              .map((field) => [field, labels.get(String(row[field])) ?? row[field]]),
          ),
        ),
      )
      .sort();
  }
  for (const [name, table] of Object.entries(sage.state)) {
    if (!table || typeof (table as { all?: unknown }).all !== 'function') continue;
    tables[`Sage ${name}`] = (table as { all(): Record<string, unknown>[] })
      .all()
      .map((row) =>
        JSON.stringify(
          Object.fromEntries(
            Object.keys(row)
              .sort()
              .map((field) => [field, row[field]]),
          ),
        ),
      )
      .sort();
  }
  return { tables };
}

/** The differences between two end states, a few per table; empty when they are identical record for record. */
export function differences(expected: EndState, actual: EndState, most = 3): string[] {
  const found: string[] = [];
  for (const table of new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)])) {
    const want = expected.tables[table] ?? [];
    const have = actual.tables[table] ?? [];
    const remaining = new Map<string, number>();
    for (const row of want) remaining.set(row, (remaining.get(row) ?? 0) + 1);
    const extra: string[] = [];
    for (const row of have) {
      const left = remaining.get(row) ?? 0;
      if (left > 0) remaining.set(row, left - 1);
      else extra.push(row);
    }
    const missing = [...remaining].flatMap(([row, count]) => Array<string>(count).fill(row));
    if (missing.length === 0 && extra.length === 0) continue;
    found.push(
      `${table}: ${want.length} expected, ${have.length} found; ${missing.length} missing, ${extra.length} extra or different`,
    );
    for (const row of missing.slice(0, most)) found.push(`  missing  ${row.slice(0, 400)}`);
    for (const row of extra.slice(0, most)) found.push(`  found    ${row.slice(0, 400)}`);
  }
  return found;
}

/** Records per table, for the report. */
export function sizes(state: EndState): string {
  return Object.entries(state.tables)
    .filter(([, rows]) => rows.length > 0)
    .map(([table, rows]) => `${table} ${rows.length}`)
    .join(', ');
}
