/**
 * Tasks for account owners, written at most once per key: the Accounts of Sage customers (with their owners), and
 * Tasks created only when no Task carries their `Sage_Alert_Key__c` yet. Salesforce cannot make an Activity field a
 * unique External ID, so the key is looked up before creating; one run per flow at a time (the flow lease) keeps two
 * runs from creating the same Task.
 */
import { ConnectorError } from '../../domain/errors.js';
import { soqlIn } from '../../salesforce/soql.js';
import type { WriteOutcome } from '../flow.js';
import type { SalesforcePort } from '../systems.js';
import { writeResultError } from './salesforce-upsert.js';

/** The IN-list size of one lookup query (keeps the SOQL text well under Salesforce's limit). */
const LOOKUP_CHUNK = 300;

/** An Account the connector links to a Sage customer, with its owner. */
export interface LinkedAccount {
  id: string;
  ownerId: string;
  customerNumber: string;
  /** The owner's e-mail, when asked for (`ownerEmails`) and the owner has one. */
  ownerEmail?: string;
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < values.length; start += size) result.push(values.slice(start, start + size));
  return result;
}

/** Rows of `SELECT <fields> FROM <object> WHERE <field> IN (…)` over any number of values. */
export async function queryIn<Row>(
  salesforce: Pick<SalesforcePort, 'queryAll'>,
  select: string,
  field: string,
  values: readonly string[],
): Promise<Row[]> {
  const unique = [...new Set(values)];
  const rows: Row[] = [];
  for (const part of chunks(unique, LOOKUP_CHUNK)) {
    rows.push(...(await salesforce.queryAll<Row>(`${select} WHERE ${field} IN ${soqlIn(part)}`)));
  }
  return rows;
}

/** The Accounts of these customers, by customer number (upper case); with their owners' e-mail when asked. */
export async function linkedAccounts(
  salesforce: Pick<SalesforcePort, 'queryAll'>,
  customerNumbers: readonly string[],
  options: { ownerEmails?: boolean } = {},
): Promise<Map<string, LinkedAccount>> {
  const rows = await queryIn<{
    Id: string;
    OwnerId: string;
    Sage_Customer_Number__c: string;
    Owner?: { Email?: string | null } | null;
  }>(
    salesforce,
    `SELECT Id, OwnerId, Sage_Customer_Number__c${options.ownerEmails ? ', Owner.Email' : ''} FROM Account`,
    'Sage_Customer_Number__c',
    customerNumbers,
  );
  return new Map(
    rows.map((row) => {
      const customerNumber = row.Sage_Customer_Number__c.trim().toUpperCase();
      const ownerEmail = row.Owner?.Email?.trim();
      return [
        customerNumber,
        { id: row.Id, ownerId: row.OwnerId, customerNumber, ...(ownerEmail ? { ownerEmail } : {}) },
      ];
    }),
  );
}

/**
 * The outcome of a record whose Sage customer Salesforce has no Account for yet: not an error an admin clears, but a
 * failure that waits for the customer's link and is written again once the customers flow makes it.
 */
export function waitingForCustomer(key: string, customerNumber: string): WriteOutcome {
  return {
    key,
    ok: false,
    error: new ConnectorError('permanent', `customer ${customerNumber} has no Salesforce account`, {
      code: 'CUSTOMER_NOT_LINKED',
      system: 'salesforce',
      context: { customerNumber },
    }),
    waitsFor: { entity: 'customer', key: customerNumber },
  };
}

/** A Task for an account owner, identified by its key. */
export interface KeyedTask {
  key: string;
  account: LinkedAccount;
  subject: string;
  description: string;
  priority: 'High' | 'Normal' | 'Low';
  /** `YYYY-MM-DD`: the Task is due that day. */
  dueDate: string;
}

/** What became of a keyed Task: created now, found already there, or refused. */
export type TaskOutcome = { ok: true; created: boolean } | { ok: false; error: ConnectorError };

/** Creates the Tasks whose key no Task carries yet; one outcome per key. */
export async function createMissingTasks(
  salesforce: Pick<SalesforcePort, 'queryAll' | 'create'>,
  tasks: readonly KeyedTask[],
): Promise<Map<string, TaskOutcome>> {
  const outcomes = new Map<string, TaskOutcome>();
  if (tasks.length === 0) return outcomes;
  const existing = await queryIn<{ Sage_Alert_Key__c: string }>(
    salesforce,
    'SELECT Sage_Alert_Key__c FROM Task',
    'Sage_Alert_Key__c',
    tasks.map((task) => task.key),
  );
  const known = new Set(existing.map((row) => row.Sage_Alert_Key__c.toUpperCase()));
  const missing: KeyedTask[] = [];
  for (const task of tasks) {
    if (known.has(task.key.toUpperCase())) outcomes.set(task.key, { ok: true, created: false });
    else if (!outcomes.has(task.key)) {
      missing.push(task);
      outcomes.set(task.key, { ok: true, created: true });
    }
  }
  if (missing.length === 0) return outcomes;
  const results = await salesforce.create(
    'Task',
    missing.map((task) => ({
      Subject: task.subject,
      Description: task.description,
      Priority: task.priority,
      Status: 'Not Started',
      ActivityDate: task.dueDate,
      OwnerId: task.account.ownerId,
      WhatId: task.account.id,
      Sage_Alert_Key__c: task.key,
    })),
  );
  missing.forEach((task, index) => {
    const result = results[index];
    if (!result) {
      outcomes.set(task.key, {
        ok: false,
        error: new ConnectorError('in-doubt', 'Salesforce returned no result for this task', {
          code: 'NO_RESULT',
          system: 'salesforce',
        }),
      });
    } else if (!result.ok) outcomes.set(task.key, { ok: false, error: writeResultError(result) });
  });
  return outcomes;
}
