/**
 * The classes the package's Apex controllers return or read the connector's answers into, field by field with their
 * Apex types, and the two conversions the platform applies: `JSON.deserialize` into such a class (undeclared keys
 * dropped, Apex reserved words renamed, as `SageMiddlewareClient` does) and Aura's serialisation to the component
 * (null fields left out). `test/preview/apex-adapter.test.ts` checks these declarations against the `.cls` files.
 */

/** An Apex field type: a scalar, another class, or a list of either. */
export type ApexType = ApexScalar | ApexClass | { list: ApexType };
export type ApexScalar = 'String' | 'Id' | 'Boolean' | 'Integer' | 'Long' | 'Decimal' | 'Date' | 'Datetime';

/** A class's fields; `auraEnabled` says whether they reach the component (inner classes the connector fills do not). */
export interface ApexClass {
  name: string;
  fields: Record<string, ApexType>;
  auraEnabled: boolean;
}

const aura = (name: string, fields: Record<string, ApexType>): ApexClass => ({ name, fields, auraEnabled: true });
const internal = (name: string, fields: Record<string, ApexType>): ApexClass => ({ name, fields, auraEnabled: false });
const listOf = (type: ApexType): ApexType => ({ list: type });

const Aging = aura('SageAccountController.Aging', {
  current: 'Decimal',
  days1to30: 'Decimal',
  days31to60: 'Decimal',
  days61to90: 'Decimal',
  over90: 'Decimal',
});

const Invoice = aura('SageAccountController.Invoice', {
  documentNumber: 'String',
  documentType: 'String',
  documentDate: 'Date',
  dueDate: 'Date',
  amount: 'Decimal',
  balanceDue: 'Decimal',
  currencyCode: 'String',
  status: 'String',
  daysOverdue: 'Integer',
  orderNumber: 'String',
  poNumber: 'String',
});

const CreditCheck = aura('SageOrderController.CreditCheck', {
  policy: 'String',
  outcome: 'String',
  reasons: listOf('String'),
  message: 'String',
  balance: 'Decimal',
  creditLimit: 'Decimal',
  orderTotal: 'Decimal',
  projectedBalance: 'Decimal',
  onHold: 'Boolean',
});

const PushResult = aura('SageOrderController.PushResult', {
  kind: 'String',
  orderNumber: 'String',
  status: 'String',
  customerNumber: 'String',
  orderTotal: 'Decimal',
  pushedAt: 'Datetime',
  message: 'String',
  replayed: 'Boolean',
  creditCheck: CreditCheck,
  confirmed: 'Boolean',
});

const SyncRun = aura('SageSyncConsoleController.SyncRun', {
  id: 'Long',
  flow: 'String',
  triggeredBy: 'String',
  startedAt: 'Datetime',
  finishedAt: 'Datetime',
  outcome: 'String',
  counts: aura('SageSyncConsoleController.RunCounts', {
    read: 'Integer',
    created: 'Integer',
    updated: 'Integer',
    unchanged: 'Integer',
    failed: 'Integer',
  }),
  message: 'String',
});

const SyncFlow = aura('SageSyncConsoleController.SyncFlow', {
  name: 'String',
  schedule: 'String',
  nextRunAt: 'Datetime',
  running: 'Boolean',
  paused: 'Boolean',
  pausedUntil: 'Datetime',
  lastRun: SyncRun,
  failures: aura('SageSyncConsoleController.FlowFailures', { open: 'Integer', retrying: 'Integer' }),
});

const SyncFailure = aura('SageSyncConsoleController.SyncFailure', {
  id: 'Long',
  flow: 'String',
  recordKey: 'String',
  kind: 'String',
  code: 'String',
  message: 'String',
  attempts: 'Integer',
  nextAttemptAt: 'Datetime',
  status: 'String',
  updatedAt: 'Datetime',
});

const SyncConflict = aura('SageSyncConsoleController.SyncConflict', {
  id: 'Long',
  flow: 'String',
  runId: 'Long',
  recordKey: 'String',
  salesforceId: 'String',
  field: 'String',
  master: 'String',
  loser: 'String',
  winningValue: 'String',
  losingValue: 'String',
  createdAt: 'Datetime',
});

const ItemPrice = aura('SageItemController.ItemPrice', {
  priceList: 'String',
  currencyCode: 'String',
  unitPrice: 'Decimal',
});

/** Every class the adapter answers with or reads into, by `Controller.InnerClass`. */
const LateOpportunity = aura('SageReconciliationController.LateOpportunity', {
  opportunityId: 'String',
  name: 'String',
  amount: 'Decimal',
  closeDate: 'String',
  orderNumber: 'String',
});

export const apexClasses = {
  AccountFinancials: aura('SageAccountController.AccountFinancials', {
    linked: 'Boolean',
    message: 'String',
    accountName: 'String',
    customerNumber: 'String',
    customerName: 'String',
    currencyCode: 'String',
    balance: 'Decimal',
    creditLimit: 'Decimal',
    availableCredit: 'Decimal',
    utilisation: 'Decimal',
    creditStanding: 'String',
    pastDue: 'Decimal',
    aging: Aging,
    onHold: 'Boolean',
    lastPaymentDate: 'Date',
    lastPaymentAmount: 'Decimal',
    openDocuments: 'Integer',
    invoices: listOf(Invoice),
    asOf: 'Datetime',
    stale: 'Boolean',
    staleReason: 'String',
    warningThreshold: 'Decimal',
  }),
  CustomerCreation: aura('SageAccountController.CustomerCreation', {
    outcome: 'String',
    customerNumber: 'String',
    matchedBy: 'String',
  }),
  CustomerResult: internal('SageCreateCustomerAction.CustomerResult', {
    accountId: 'String',
    customerNumber: 'String',
    outcome: 'String',
    matchedBy: 'String',
  }),
  Aging,
  Invoice,
  InvoiceList: internal('SageAccountController.InvoiceList', { invoices: listOf(Invoice) }),
  CreditAlert: aura('SageCreditAlertController.CreditAlert', {
    id: 'Id',
    name: 'String',
    alertType: 'String',
    severity: 'String',
    status: 'String',
    message: 'String',
    balance: 'Decimal',
    creditLimit: 'Decimal',
    utilisation: 'Decimal',
    threshold: 'Decimal',
    raisedAt: 'Datetime',
    acknowledgedBy: 'String',
    acknowledgedAt: 'Datetime',
  }),
  ItemAvailability: aura('SageItemController.ItemAvailability', {
    linked: 'Boolean',
    message: 'String',
    productName: 'String',
    itemNumber: 'String',
    description: 'String',
    active: 'Boolean',
    unitOfMeasure: 'String',
    quantityOnHand: 'Decimal',
    quantityAvailable: 'Decimal',
    quantityOnSalesOrder: 'Decimal',
    quantityOnPurchaseOrder: 'Decimal',
    prices: listOf(ItemPrice),
    asOf: 'Datetime',
    stale: 'Boolean',
    staleReason: 'String',
  }),
  ItemPrice,
  OrderPreview: aura('SageOrderController.OrderPreview', {
    opportunityId: 'Id',
    opportunityName: 'String',
    stageName: 'String',
    closedWon: 'Boolean',
    accountName: 'String',
    customerNumber: 'String',
    currencyCode: 'String',
    lines: listOf(
      aura('SageOrderController.OrderLine', {
        lineId: 'Id',
        productName: 'String',
        itemNumber: 'String',
        quantity: 'Decimal',
        unitPrice: 'Decimal',
        totalPrice: 'Decimal',
      }),
    ),
    total: 'Decimal',
    creditCheck: CreditCheck,
    existingOrder: aura('SageOrderController.ExistingOrder', {
      orderNumber: 'String',
      status: 'String',
      pushedAt: 'Datetime',
      message: 'String',
    }),
    blockers: listOf('String'),
    canPush: 'Boolean',
    notice: 'String',
    quoteNumber: 'String',
    canQuote: 'Boolean',
  }),
  CreditCheck,
  PushResult,
  LedgerEntry: internal('SageOrderController.LedgerEntry', {
    state: 'String',
    orderNumber: 'String',
    result: PushResult,
  }),
  Reconciliation: aura('SageReconciliationController.Reconciliation', {
    fromMonth: 'String',
    toMonth: 'String',
    accountId: 'String',
    asOf: 'String',
    rows: listOf(
      aura('SageReconciliationController.ReconciliationRow', {
        month: 'String',
        accountId: 'String',
        accountName: 'String',
        customerNumber: 'String',
        closedWon: 'Decimal',
        ordered: 'Decimal',
        invoiced: 'Decimal',
        collected: 'Decimal',
        variance: 'Decimal',
        wonOpportunities: 'Integer',
        withoutOrder: listOf(LateOpportunity),
        withoutInvoice: listOf(LateOpportunity),
      }),
    ),
    totals: aura('SageReconciliationController.ReconciliationTotals', {
      closedWon: 'Decimal',
      ordered: 'Decimal',
      invoiced: 'Decimal',
      collected: 'Decimal',
      variance: 'Decimal',
    }),
  }),
  SyncFlow,
  SyncRun,
  SyncFailure,
  SyncConflict,
  ConnectionCheck: aura('SageSyncConsoleController.ConnectionCheck', {
    ok: 'Boolean',
    status: 'String',
    message: 'String',
    elapsedMs: 'Long',
  }),
  FlowList: internal('SageSyncConsoleController.FlowList', { flows: listOf(SyncFlow) }),
  RunList: internal('SageSyncConsoleController.RunList', { runs: listOf(SyncRun) }),
  FailureList: internal('SageSyncConsoleController.FailureList', { failures: listOf(SyncFailure) }),
  ConflictList: internal('SageSyncConsoleController.ConflictList', { conflicts: listOf(SyncConflict) }),
  FlowRun: internal('SageSyncConsoleController.FlowRun', { flow: 'String', run: SyncRun }),
} satisfies Record<string, ApexClass>;

/** JSON keys that are Apex reserved words, under the names the classes read them (as in SageMiddlewareClient). */
const RESERVED_KEYS: Record<string, string> = { currency: 'currencyCode', from: 'fromDate', trigger: 'triggeredBy' };

/** Thrown when a value cannot be read into its Apex type, as JSON.deserialize would refuse it. */
export class ApexTypeError extends Error {}

function scalar(type: ApexScalar, value: unknown, path: string): unknown {
  const refuse = () => new ApexTypeError(`${path}: ${JSON.stringify(value)} is not a ${type}`);
  switch (type) {
    case 'String':
    case 'Id':
      if (typeof value !== 'string') throw refuse();
      return value;
    case 'Boolean':
      if (typeof value !== 'boolean') throw refuse();
      return value;
    case 'Integer':
    case 'Long':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw refuse();
      return value;
    case 'Decimal':
      if (typeof value !== 'number') throw refuse();
      return value;
    case 'Date': {
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw refuse();
      return value.slice(0, 10);
    }
    case 'Datetime': {
      const time = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(time)) throw refuse();
      return new Date(time).toISOString();
    }
  }
}

/**
 * Reads a JSON value into an Apex type the way the platform does: undeclared keys are dropped, reserved words
 * renamed, nulls kept as null, dates and date-times in Apex's serialised form.
 */
export function readAs(type: ApexType, value: unknown, path = 'answer'): unknown {
  if (value === null || value === undefined) return null;
  if (typeof type === 'string') return scalar(type, value, path);
  if ('list' in type) {
    if (!Array.isArray(value)) throw new ApexTypeError(`${path}: expected a list`);
    return value.map((item, index) => readAs(type.list, item, `${path}[${index}]`));
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new ApexTypeError(`${path}: expected an object`);
  const source: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) source[RESERVED_KEYS[key] ?? key] = inner;
  const result: Record<string, unknown> = {};
  for (const [field, fieldType] of Object.entries(type.fields)) {
    result[field] = readAs(fieldType, source[field], `${path}.${field}`);
  }
  return result;
}

/** What the component receives: Aura leaves null fields out of the serialised answer. */
export function auraSerialised(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(auraSerialised);
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== null && inner !== undefined) result[key] = auraSerialised(inner);
  }
  return result;
}
