import { Cron } from 'croner';
import { z } from 'zod';
import { creditPolicySchema, type CreditPolicy } from './credit.js';
import { parseCustomerRules, type CustomerRule } from './customer-rules.js';

export type { CreditPolicy };
/** How a new Sage customer number is chosen. */
export type CustomerNumberStrategy = 'Sequential' | 'Name Based';
/** How an account without a Sage number is matched to an existing Sage customer before one is created. */
export type CustomerMatch = 'Name And Postal Code' | 'Email' | 'None';

/**
 * Which Salesforce accounts without a Sage number the accounts flow gives a Sage customer: those with a Closed Won
 * opportunity, those whose Type is one of the customer types, or none (linked accounts are still kept in step).
 */
export type AccountEligibility = 'Closed Won Opportunity' | 'Account Type' | 'None';

/** The values Sage 300 requires of a new item, which a Salesforce product does not carry. */
export interface ItemDefaults {
  category?: string;
  accountSet?: string;
  stockingUnit?: string;
  structureCode?: string;
}

/** The business settings the API and the sync flows share (the `Default` record of `Sage_Connector_Setting__mdt`). */
export interface ConnectorSettings {
  creditWarningThreshold: number;
  /** Points below a credit condition's threshold that utilisation must fall before its alert resolves. */
  creditAlertHysteresis: number;
  overdueBuckets: number[];
  autoPushClosedWon: boolean;
  /** What the automatic push creates for a Closed Won opportunity: a sales order (default) or a quote. */
  closedWonCreates: 'order' | 'quote';
  creditPolicy: CreditPolicy;
  defaultCustomerGroup: string;
  defaultTerms: string;
  defaultTaxGroup: string;
  defaultPriceList: string;
  defaultCurrency: string;
  customerNumberStrategy: CustomerNumberStrategy;
  customerMatch: CustomerMatch;
  /** Which accounts without a Sage number the accounts flow provisions. */
  accountEligibility: AccountEligibility;
  /** The Account Type values that make an account eligible under `Account Type`. */
  customerAccountTypes: string[];
  /** Group, terms, tax group and price list of a new customer by its account's country or industry (first match wins). */
  customerRules: CustomerRule[];
  /** What Sage needs to create an item from a Salesforce product (none by default: products are not created). */
  itemDefaults: ItemDefaults;
  /** The revenue reconciliation's grace days and the months it computes. */
  reconciliation: ReconciliationSettings;
  /** When the sync-health watch sends a notice. */
  syncHealth: SyncHealthSettings;
  schedules: {
    customers: string;
    invoices: string;
    items: string;
    stock: string;
    orders: string;
    creditAlerts: string;
    overdueInvoices: string;
    revenueReconciliation: string;
  };
}

/** The revenue reconciliation's settings. */
export interface ReconciliationSettings {
  /** Days after its close date a Closed Won opportunity may go without an order or an invoice. */
  lateDays: number;
  /** Months computed, back from the current one. */
  months: number;
}

/** The sync-health watch's thresholds. */
export interface SyncHealthSettings {
  /** Failed runs in a row of one flow that raise a sync-health notice. */
  failedRuns: number;
  /** Share of the Salesforce daily allowance (percent) that raises a sync-health notice. */
  allowancePercent: number;
}

/** The settings the package ships with; used when neither Salesforce nor the environment says otherwise. */
export const defaultSettings: ConnectorSettings = {
  creditWarningThreshold: 80,
  creditAlertHysteresis: 5,
  overdueBuckets: [1, 31, 61, 91],
  autoPushClosedWon: false,
  closedWonCreates: 'order',
  creditPolicy: 'Warn',
  defaultCustomerGroup: 'RTL',
  defaultTerms: 'N30',
  defaultTaxGroup: 'CALIF',
  defaultPriceList: 'RTL',
  defaultCurrency: 'USD',
  customerNumberStrategy: 'Sequential',
  customerMatch: 'Name And Postal Code',
  accountEligibility: 'Closed Won Opportunity',
  customerAccountTypes: ['Customer - Direct', 'Customer - Channel'],
  customerRules: [],
  itemDefaults: {},
  reconciliation: { lateDays: 14, months: 24 },
  syncHealth: { failedRuns: 3, allowancePercent: 90 },
  schedules: {
    customers: '*/15 * * * *',
    invoices: '*/15 * * * *',
    items: '0 * * * *',
    stock: '*/30 * * * *',
    orders: '*/5 * * * *',
    creditAlerts: '*/30 * * * *',
    overdueInvoices: '0 6 * * *',
    revenueReconciliation: '30 2 * * *',
  },
};

/** The API names of `Sage_Connector_Setting__mdt` fields, in the order the settings query selects them. */
export const settingFields = [
  'Credit_Warning_Threshold__c',
  'Overdue_Buckets__c',
  'Auto_Push_Closed_Won__c',
  'Closed_Won_Creates__c',
  'Credit_Policy__c',
  'Default_Customer_Group__c',
  'Default_Terms__c',
  'Default_Tax_Group__c',
  'Default_Price_List__c',
  'Default_Currency__c',
  'Customer_Number_Strategy__c',
  'Customer_Match__c',
  'Item_Default_Category__c',
  'Item_Default_Account_Set__c',
  'Item_Default_Stocking_Unit__c',
  'Item_Default_Structure_Code__c',
  'Customer_Sync_Schedule__c',
  'Invoice_Sync_Schedule__c',
  'Item_Sync_Schedule__c',
  'Stock_Sync_Schedule__c',
  'Order_Sync_Schedule__c',
  'Credit_Alert_Hysteresis__c',
  'Credit_Alert_Schedule__c',
  'Overdue_Invoice_Schedule__c',
  'Reconciliation_Late_Days__c',
  'Reconciliation_Months__c',
  'Reconciliation_Schedule__c',
  'Health_Failed_Runs__c',
  'Health_Allowance_Percent__c',
  'Account_Eligibility__c',
  'Customer_Account_Types__c',
  'Customer_Rules__c',
] as const;

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .nullish()
    .transform((value) => value ?? undefined);

/** Overdue buckets as text (`1,31,61,91`): the first days overdue of each bucket, increasing. */
export const overdueBucketsText = z
  .string()
  .trim()
  .regex(/^\d{1,4}(\s*,\s*\d{1,4})*$/, 'must be day numbers separated by commas, such as 1,31,61,91')
  .transform((value) => value.split(',').map((part) => Number(part.trim())))
  .refine((days) => days.every((day, index) => index === 0 || day > (days[index - 1] ?? 0)), 'must increase')
  .refine((days) => (days[0] ?? 0) >= 1, 'must start at 1 day or later');

/** Account Type values, comma-separated (`Customer - Direct,Customer - Channel`). */
export const accountTypesText = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .refine((types) => types.length > 0, 'must name at least one Account Type');

/** Customer rules as JSON text, parsed and checked when read so a bad rule is named then. */
export const customerRulesText = z
  .string()
  .trim()
  .max(32_000)
  .transform((value, context) => {
    if (value === '') return [];
    try {
      return parseCustomerRules(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });

const bucketList = overdueBucketsText.nullish().transform((value) => value ?? undefined);

/** A cron expression (five fields, or six with seconds), checked when read so a bad one is named then. */
const schedule = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((cron) => {
    try {
      new Cron(cron, { paused: true });
      return true;
    } catch {
      return false;
    }
  }, 'must be a cron expression, such as */15 * * * *')
  .nullish()
  .transform((value) => value ?? undefined);

const metadataRecord = z.object({
  Credit_Warning_Threshold__c: z.number().min(0).max(999).nullish(),
  Overdue_Buckets__c: bucketList,
  Auto_Push_Closed_Won__c: z.boolean().nullish(),
  Closed_Won_Creates__c: z.enum(['Order', 'Quote']).nullish(),
  Credit_Policy__c: creditPolicySchema.nullish(),
  Default_Customer_Group__c: text(6),
  Default_Terms__c: text(6),
  Default_Tax_Group__c: text(12),
  Default_Price_List__c: text(6),
  Default_Currency__c: text(3),
  Customer_Number_Strategy__c: z.enum(['Sequential', 'Name Based']).nullish(),
  Customer_Match__c: z.enum(['Name And Postal Code', 'Email', 'None']).nullish(),
  Item_Default_Category__c: text(6),
  Item_Default_Account_Set__c: text(6),
  Item_Default_Stocking_Unit__c: text(10),
  Item_Default_Structure_Code__c: text(6),
  Customer_Sync_Schedule__c: schedule,
  Invoice_Sync_Schedule__c: schedule,
  Item_Sync_Schedule__c: schedule,
  Stock_Sync_Schedule__c: schedule,
  Order_Sync_Schedule__c: schedule,
  Credit_Alert_Hysteresis__c: z.number().min(0).max(100).nullish(),
  Credit_Alert_Schedule__c: schedule,
  Overdue_Invoice_Schedule__c: schedule,
  Reconciliation_Late_Days__c: z.number().int('must be a whole number of days').min(0).max(365).nullish(),
  Reconciliation_Months__c: z.number().int('must be a whole number of months').min(1).max(36).nullish(),
  Reconciliation_Schedule__c: schedule,
  Health_Failed_Runs__c: z.number().int('must be a whole number of runs').min(1).max(100).nullish(),
  Health_Allowance_Percent__c: z.number().min(1).max(100).nullish(),
  Account_Eligibility__c: z.enum(['Closed Won Opportunity', 'Account Type', 'None']).nullish(),
  Customer_Account_Types__c: accountTypesText.nullish(),
  Customer_Rules__c: customerRulesText.nullish(),
});

/** The entries of `values` that are set. */
export function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** A settings record that cannot be used, naming the offending field. */
export class InvalidSettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'InvalidSettingsError';
  }
}

/**
 * Reads a `Sage_Connector_Setting__mdt` record over a base: blank fields keep the base value.
 * Throws InvalidSettingsError naming the first field that is present but unusable.
 */
export function settingsFromMetadata(record: Record<string, unknown>, base: ConnectorSettings): ConnectorSettings {
  const parsed = metadataRecord.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidSettingsError(
      String(issue?.path[0] ?? 'Sage_Connector_Setting__mdt'),
      issue?.message ?? 'is invalid',
    );
  }
  const r = parsed.data;
  return {
    creditWarningThreshold: r.Credit_Warning_Threshold__c ?? base.creditWarningThreshold,
    creditAlertHysteresis: r.Credit_Alert_Hysteresis__c ?? base.creditAlertHysteresis,
    overdueBuckets: r.Overdue_Buckets__c ?? base.overdueBuckets,
    autoPushClosedWon: r.Auto_Push_Closed_Won__c ?? base.autoPushClosedWon,
    closedWonCreates:
      r.Closed_Won_Creates__c === undefined || r.Closed_Won_Creates__c === null
        ? base.closedWonCreates
        : r.Closed_Won_Creates__c === 'Quote'
          ? 'quote'
          : 'order',
    creditPolicy: r.Credit_Policy__c ?? base.creditPolicy,
    defaultCustomerGroup: r.Default_Customer_Group__c?.toUpperCase() ?? base.defaultCustomerGroup,
    defaultTerms: r.Default_Terms__c?.toUpperCase() ?? base.defaultTerms,
    defaultTaxGroup: r.Default_Tax_Group__c?.toUpperCase() ?? base.defaultTaxGroup,
    defaultPriceList: r.Default_Price_List__c?.toUpperCase() ?? base.defaultPriceList,
    defaultCurrency: r.Default_Currency__c?.toUpperCase() ?? base.defaultCurrency,
    customerNumberStrategy: r.Customer_Number_Strategy__c ?? base.customerNumberStrategy,
    customerMatch: r.Customer_Match__c ?? base.customerMatch,
    accountEligibility: r.Account_Eligibility__c ?? base.accountEligibility,
    customerAccountTypes: r.Customer_Account_Types__c ?? base.customerAccountTypes,
    customerRules: r.Customer_Rules__c ?? base.customerRules,
    itemDefaults: {
      ...base.itemDefaults,
      ...definedOnly({
        category: r.Item_Default_Category__c?.toUpperCase(),
        accountSet: r.Item_Default_Account_Set__c?.toUpperCase(),
        stockingUnit: r.Item_Default_Stocking_Unit__c,
        structureCode: r.Item_Default_Structure_Code__c?.toUpperCase(),
      }),
    },
    reconciliation: {
      lateDays: r.Reconciliation_Late_Days__c ?? base.reconciliation.lateDays,
      months: r.Reconciliation_Months__c ?? base.reconciliation.months,
    },
    syncHealth: {
      failedRuns: r.Health_Failed_Runs__c ?? base.syncHealth.failedRuns,
      allowancePercent: r.Health_Allowance_Percent__c ?? base.syncHealth.allowancePercent,
    },
    schedules: {
      customers: r.Customer_Sync_Schedule__c ?? base.schedules.customers,
      invoices: r.Invoice_Sync_Schedule__c ?? base.schedules.invoices,
      items: r.Item_Sync_Schedule__c ?? base.schedules.items,
      stock: r.Stock_Sync_Schedule__c ?? base.schedules.stock,
      orders: r.Order_Sync_Schedule__c ?? base.schedules.orders,
      creditAlerts: r.Credit_Alert_Schedule__c ?? base.schedules.creditAlerts,
      overdueInvoices: r.Overdue_Invoice_Schedule__c ?? base.schedules.overdueInvoices,
      revenueReconciliation: r.Reconciliation_Schedule__c ?? base.schedules.revenueReconciliation,
    },
  };
}
