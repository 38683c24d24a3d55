/**
 * Credit alerts: each Sage customer's balance, credit limit and on-hold flag → `Sage_Credit_Alert__c` on its Account
 * and a Task for the account owner when an alert opens or escalates. Reads every customer each run (what counts is
 * the standing now, and Sage does not move `DateLastMaintained` for balance changes); the engine's content hashes drop
 * customers whose figures and settings did not change, so an unchanged company costs only the Sage read.
 *
 * Per page: the open alerts of the page's customers are read by their open keys (`CUSTOMER|LIMIT`, `CUSTOMER|HOLD`),
 * `domain/credit-alerts.ts` decides, then resolved alerts are renamed and closed, new alerts are upserted on their
 * open key (two runs opening the same alert write one record), escalations and figure changes update by Id, and the
 * Tasks of openings and escalations are created once per alert and type.
 */
import { customerKey } from '../../domain/customers.js';
import {
  alertTaskKey,
  creditAlertChanges,
  creditAlertTask,
  openAlertKey,
  resolvedAlertKey,
  type CreditAlertChange,
  type CreditAlertContent,
  type CreditAlertSettings,
  type CreditAlertType,
  type CreditCondition,
  type CreditFigures,
  type OpenCreditAlert,
} from '../../domain/credit-alerts.js';
import { ConnectorError } from '../../domain/errors.js';
import { yes } from '../../domain/financials.js';
import type { ConnectorSettings } from '../../domain/settings.js';
import { gt } from '../../sage300/odata.js';
import type { ArCustomer } from '../../sage300/types.js';
import type { PreparedRecord, SyncFlow, WriteOutcome } from '../flow.js';
import {
  createMissingTasks,
  linkedAccounts,
  queryIn,
  waitingForCustomer,
  type KeyedTask,
  type LinkedAccount,
} from '../parts/account-tasks.js';
import { keySweep, type KeySweepCursor } from '../parts/key-sweep.js';
import { sageWindows, type SageCollection } from '../parts/sage-windows.js';
import { writeResultError } from '../parts/salesforce-upsert.js';
import { defineFlow } from '../registry.js';
import type { SalesforcePort, SalesforceWriteResult } from '../systems.js';

/** What the flow hashes and decides from: the customer's figures and the settings they are judged by. */
export interface CreditAlertInput {
  figures: CreditFigures;
  settings: CreditAlertSettings;
}

export interface CreditAlertsFlowOptions {
  /** Sage customers in key order. */
  customers: SageCollection<ArCustomer>;
  getCustomer(customerNumber: string): Promise<ArCustomer | undefined>;
  salesforce: Pick<SalesforcePort, 'queryAll' | 'upsert' | 'update' | 'create'>;
  settings: () => Pick<ConnectorSettings, 'creditWarningThreshold' | 'creditAlertHysteresis'>;
  clock: () => Date;
  pageSize?: number;
}

/** Customers per page: one query of open alerts and at most a few writes each. */
export const CREDIT_ALERT_PAGE_SIZE = 200;

const customerFields = [
  'CustomerNumber',
  'CustomerName',
  'CurrencyCode',
  'OnHold',
  'CreditLimitCustomerCurrency',
  'BalanceDueInCustomerCurrency',
] as const satisfies readonly (keyof ArCustomer)[];

const alertFields =
  'SELECT Id, Alert_Key__c, Alert_Type__c, Status__c, Balance__c, Credit_Limit__c, Utilisation__c, Threshold__c, Message__c FROM Sage_Credit_Alert__c';

interface AlertRow {
  Id: string;
  Alert_Key__c: string;
  Alert_Type__c: string | null;
  Status__c: string | null;
  Balance__c: number | null;
  Credit_Limit__c: number | null;
  Utilisation__c: number | null;
  Threshold__c: number | null;
  Message__c: string | null;
}

const alertTypes: readonly string[] = ['Approaching Limit', 'Over Limit', 'On Hold'];

function keyOf(customer: ArCustomer): string {
  return customerKey(String(customer.CustomerNumber));
}

/** The figures of a Sage customer. */
export function creditFigures(customer: ArCustomer): CreditFigures {
  const name = typeof customer.CustomerName === 'string' ? customer.CustomerName.trim() : '';
  const currency = typeof customer.CurrencyCode === 'string' ? customer.CurrencyCode.trim() : '';
  return {
    customerNumber: keyOf(customer),
    customerName: name || null,
    currency: currency || null,
    balance: Number(customer.BalanceDueInCustomerCurrency ?? 0),
    creditLimit: Number(customer.CreditLimitCustomerCurrency ?? 0),
    onHold: yes(customer.OnHold as string | boolean | null),
  };
}

/** The alert fields for its content. */
function contentFields(content: CreditAlertContent): Record<string, unknown> {
  return {
    Alert_Type__c: content.type,
    Severity__c: content.severity,
    Balance__c: content.balance,
    Credit_Limit__c: content.creditLimit,
    Utilisation__c: content.utilisation,
    Threshold__c: content.threshold,
    Message__c: content.message,
  };
}

/** A failed or missing write result as a ConnectorError. */
function resultError(result: SalesforceWriteResult | undefined, noun: string): ConnectorError {
  if (result) return writeResultError(result);
  return new ConnectorError('in-doubt', `Salesforce returned no result for this ${noun}`, {
    code: 'NO_RESULT',
    system: 'salesforce',
  });
}

/** The open alerts of the page's customers by open key; alerts resolved by hand that still hold an open key apart. */
async function openAlerts(
  salesforce: Pick<SalesforcePort, 'queryAll'>,
  customerNumbers: readonly string[],
): Promise<{ open: Map<string, OpenCreditAlert>; closedByHand: AlertRow[] }> {
  const keys = customerNumbers.flatMap((number) => [openAlertKey(number, 'LIMIT'), openAlertKey(number, 'HOLD')]);
  const rows = await queryIn<AlertRow>(salesforce, alertFields, 'Alert_Key__c', keys);
  const open = new Map<string, OpenCreditAlert>();
  const closedByHand: AlertRow[] = [];
  for (const row of rows) {
    const status = row.Status__c;
    if ((status !== 'Open' && status !== 'Acknowledged') || !alertTypes.includes(row.Alert_Type__c ?? '')) {
      closedByHand.push(row);
      continue;
    }
    open.set(row.Alert_Key__c.toUpperCase(), {
      id: row.Id,
      type: row.Alert_Type__c as CreditAlertType,
      status,
      balance: row.Balance__c,
      creditLimit: row.Credit_Limit__c,
      utilisation: row.Utilisation__c,
      threshold: row.Threshold__c,
      message: row.Message__c,
    });
  }
  return { open, closedByHand };
}

/** A change decided for one customer, with what it needs to be written. */
interface PlannedChange {
  key: string;
  figures: CreditFigures;
  change: CreditAlertChange;
}

/** The credit alerts flow. */
export function creditAlertsFlow(
  options: CreditAlertsFlowOptions,
): SyncFlow<ArCustomer, CreditAlertInput, KeySweepCursor> {
  const { salesforce, clock } = options;
  const sweep = keySweep<ArCustomer>({ keyOf, after: (key) => gt('CustomerNumber', key) });
  const pageSize = options.pageSize ?? CREDIT_ALERT_PAGE_SIZE;

  async function write(records: readonly PreparedRecord<CreditAlertInput>[]): Promise<WriteOutcome[]> {
    const now = clock();
    const today = now.toISOString().slice(0, 10);
    const { open, closedByHand } = await openAlerts(
      salesforce,
      records.map((record) => record.key),
    );
    const errors = new Map<string, ConnectorError>();
    const fail = (key: string, error: ConnectorError) => {
      if (!errors.has(key)) errors.set(key, error);
    };
    /** Customers with no Account yet: their alerts wait for the customers flow to link them, then are written. */
    const waiting = new Map<string, WriteOutcome>();
    const waitForCustomer = (key: string) => {
      const outcome = waitingForCustomer(key, key);
      if (outcome.ok || errors.has(key)) return;
      waiting.set(key, outcome);
      fail(key, outcome.error);
    };

    const planned: PlannedChange[] = [];
    for (const record of records) {
      const { figures, settings } = record.target;
      const current: Partial<Record<CreditCondition, OpenCreditAlert>> = {};
      for (const condition of ['LIMIT', 'HOLD'] as const) {
        const alert = open.get(openAlertKey(record.key, condition).toUpperCase());
        if (alert) current[condition] = alert;
      }
      for (const change of creditAlertChanges(figures, current, settings)) {
        planned.push({ key: record.key, figures, change });
      }
    }

    const needAccount = planned.filter(({ change }) => change.action === 'open' || change.action === 'escalate');
    const accounts =
      needAccount.length > 0
        ? await linkedAccounts(
            salesforce,
            needAccount.map(({ key }) => key),
          )
        : new Map<string, LinkedAccount>();

    // 1. Resolve: rename the key (freeing it for a later breach) and close the alert; history stays. An alert someone
    //    closed by hand still holds its open key until it is renamed here; only then can a new one open.
    const closing: { key: string; fields: Record<string, unknown> }[] = closedByHand.map((row) => {
      const [customerNumber = '', condition = 'LIMIT'] = row.Alert_Key__c.toUpperCase().split('|');
      return {
        key: customerNumber,
        fields: {
          Id: row.Id,
          Alert_Key__c: resolvedAlertKey(customerNumber, condition as CreditCondition, row.Id),
          Status__c: 'Resolved',
        },
      };
    });
    for (const { key, change } of planned) {
      if (change.action !== 'resolve') continue;
      closing.push({
        key,
        fields: {
          Id: change.alert.id,
          Alert_Key__c: resolvedAlertKey(key, change.condition, change.alert.id),
          Status__c: 'Resolved',
          Resolved_At__c: now.toISOString(),
        },
      });
    }
    if (closing.length > 0) {
      const results = await salesforce.update(
        'Sage_Credit_Alert__c',
        closing.map(({ fields }) => fields),
      );
      closing.forEach(({ key }, index) => {
        if (!results[index]?.ok) fail(key, resultError(results[index], 'credit alert'));
      });
    }

    // 2. Open: upsert on the open key, so a second run opening the same alert writes the same record.
    const opens = planned.filter(({ key, change }) => change.action === 'open' && !errors.has(key));
    const openedIds = new Map<PlannedChange, { id: string; created: boolean }>();
    const writableOpens = opens.filter(({ key }) => {
      if (accounts.has(key)) return true;
      waitForCustomer(key);
      return false;
    });
    if (writableOpens.length > 0) {
      const results = await salesforce.upsert(
        'Sage_Credit_Alert__c',
        'Alert_Key__c',
        writableOpens.map(({ key, change }) => ({
          Alert_Key__c: openAlertKey(key, change.condition),
          Account__c: accounts.get(key)?.id,
          Status__c: 'Open',
          Raised_At__c: now.toISOString(),
          ...(change.action === 'open' ? contentFields(change.content) : {}),
        })),
      );
      writableOpens.forEach((planned, index) => {
        const result = results[index];
        if (result?.ok && result.id) openedIds.set(planned, { id: result.id, created: result.created ?? false });
        else fail(planned.key, resultError(result, 'credit alert'));
      });
    }

    // 3. Escalate (reopening an acknowledged alert) and refresh the figures, by Id.
    const updates = planned.filter(
      ({ key, change }) => (change.action === 'escalate' || change.action === 'refresh') && !errors.has(key),
    );
    const writableUpdates = updates.filter(({ key, change }) => {
      if (change.action !== 'escalate' || accounts.has(key)) return true;
      waitForCustomer(key);
      return false;
    });
    if (writableUpdates.length > 0) {
      const results = await salesforce.update(
        'Sage_Credit_Alert__c',
        writableUpdates.map(({ change }) => {
          if (change.action !== 'escalate' && change.action !== 'refresh') throw new Error('not an update');
          return {
            Id: change.alert.id,
            ...contentFields(change.content),
            ...(change.action === 'escalate'
              ? { Status__c: 'Open', Acknowledged_By__c: null, Acknowledged_At__c: null }
              : {}),
          };
        }),
      );
      writableUpdates.forEach(({ key }, index) => {
        if (!results[index]?.ok) fail(key, resultError(results[index], 'credit alert'));
      });
    }

    // 4. One Task per opening or escalation, for the account owner.
    const tasks: { key: string; task: KeyedTask }[] = [];
    for (const item of planned) {
      if (errors.has(item.key)) continue;
      const account = accounts.get(item.key);
      const { change } = item;
      if (!account) continue;
      let alertId: string | undefined;
      let content: CreditAlertContent | undefined;
      if (change.action === 'open') {
        // Only the run whose upsert created the alert writes its Task: of two runs opening it at once, one did.
        const opened = openedIds.get(item);
        alertId = opened?.created ? opened.id : undefined;
        content = change.content;
      } else if (change.action === 'escalate') {
        alertId = change.alert.id;
        content = change.content;
      }
      if (!alertId || !content) continue;
      const task = creditAlertTask(item.figures, content, change.action === 'escalate');
      tasks.push({
        key: item.key,
        task: { key: alertTaskKey(alertId, content.type), account, dueDate: today, ...task },
      });
    }
    const taskOutcomes = await createMissingTasks(
      salesforce,
      tasks.map(({ task }) => task),
    );
    for (const { key, task } of tasks) {
      const outcome = taskOutcomes.get(task.key);
      if (outcome && !outcome.ok) fail(key, outcome.error);
    }

    return records.map(({ key }): WriteOutcome => {
      const waits = waiting.get(key);
      if (waits) return waits;
      const error = errors.get(key);
      if (error) return { key, ok: false, error };
      const opened = [...openedIds.entries()].some(([item, result]) => item.key === key && result.created);
      return { key, ok: true, created: opened, targetKey: null };
    });
  }

  return {
    name: 'creditAlerts',
    entity: 'credit-alert',
    source: 'sage',
    cursor: sweep.cursor,
    pageSize,
    idempotentWrites: true,
    startCursor: sweep.start,
    read: (cursor, signal, onTotal) =>
      sageWindows({
        list: options.customers,
        select: customerFields,
        filter: sweep.filter(cursor),
        pageSize,
        signal,
        onTotal,
      }),
    advance: sweep.advance,
    finish: sweep.finish,
    keyOf,
    map: (customer) => {
      const settings = options.settings();
      return {
        figures: creditFigures(customer),
        settings: { warningThreshold: settings.creditWarningThreshold, hysteresis: settings.creditAlertHysteresis },
      };
    },
    write,
    async fetch(keys) {
      const found: ArCustomer[] = [];
      for (const key of keys) {
        const customer = await options.getCustomer(key);
        if (customer) found.push(customer);
      }
      return found;
    },
  };
}

/** The credit alerts flow in the registry. */
export const creditAlerts = defineFlow({
  name: 'creditAlerts',
  scheduleSetting: 'creditAlerts',
  ports: ['sage300', 'salesforce'],
  build: ({ sage300, salesforce }, context) =>
    creditAlertsFlow({
      customers: (query) => sage300.customers.list(query),
      getCustomer: (customerNumber) => sage300.customers.get(customerNumber, customerFields),
      salesforce,
      settings: context.settings,
      clock: context.clock,
      ...(context.pageSize === undefined ? {} : { pageSize: context.pageSize }),
    }),
});
