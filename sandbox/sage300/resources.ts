import type { Company } from './company.js';
import { SageApiError, recordInvalid } from './errors.js';
import type { DetailKeys } from './payload.js';
import type { SageRecord } from './records.js';
import type { Table } from './table.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const READ_ONLY: readonly Method[] = ['GET'];
const MASTER_DATA: readonly Method[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

/** One resource of the Web API: where it lives, what it answers to and the rules for writing it. */
export interface ResourceSpec {
  module: 'AR' | 'OE' | 'IC';
  name: string;
  table: (company: Company) => Table;
  methods: readonly Method[];
  /** Detail collections and the field that identifies a row in them (for PATCH `UpdateOperation`). */
  details?: DetailKeys;
  /** Statistics Sage maintains itself; writes to them are ignored. */
  computed?: readonly string[];
  /** Upper-case key fields (Sage stores customer numbers and codes upper case). */
  upperCaseKeys?: boolean;
  /** Maximum lengths of key fields. */
  keyLengths?: Record<string, number>;
  /** Business checks and defaults applied to a record about to be created or replaced. */
  prepare?: (company: Company, record: SageRecord, mode: 'create' | 'replace' | 'update') => void;
  /** Refuses deletions Sage would refuse. */
  beforeDelete?: (company: Company, record: SageRecord) => void;
}

const customerStatistics = [
  'BalanceDueInCustomerCurrency',
  'BalanceDueInFunctionalCurrency',
  'AmountPastDue',
  'NumberOfOpenDocuments',
  'NumberOfPaidInvoices',
  'AverageDaysToPay',
  'DateOfLastInvoice',
  'DateOfLastReceipt',
  'DateOfLastActivity',
  'LastInvoiceAmountCustomerCurrency',
  'LastReceiptCustomerCurrency',
  'DateLastMaintained',
];

function requireCode(company: Company, table: Table, value: unknown, what: string): void {
  if (typeof value === 'string' && value.trim() !== '' && !table.get([value])) {
    throw recordInvalid(`${what} ${value} does not exist.`);
  }
}

function prepareCustomer(company: Company, record: SageRecord, mode: 'create' | 'replace' | 'update'): void {
  const group = company.customerGroups.get([record.GroupCode]);
  if (!group) throw recordInvalid(`Customer group ${String(record.GroupCode)} does not exist.`);
  if (mode === 'create') {
    // A new customer takes its defaults from its group, as in Sage's A/R Customers screen.
    for (const [field, groupField] of [
      ['AccountSet', 'AccountSet'],
      ['BillingCycle', 'BillingCycle'],
      ['InterestProfile', 'InterestProfile'],
      ['AccountType', 'AccountType'],
      ['Terms', 'Terms'],
      ['CheckCreditLimit', 'CheckCreditLimit'],
    ] as const) {
      if (record[field] === '' || record[field] === undefined) record[field] = group[groupField];
    }
    if (record.CreditLimitCustomerCurrency === 0) record.CreditLimitCustomerCurrency = group.CreditLimit1Amount;
    record.StartDate ??= record.DateLastMaintained;
  }
  if (typeof record.ShortName !== 'string' || record.ShortName.trim() === '') {
    throw recordInvalid('Short Name cannot be blank.');
  }
  if (record.ShortName.length > 10) throw recordInvalid('Short Name cannot exceed 10 characters.');
  if (!['Active', 'Inactive'].includes(record.Status as string))
    throw recordInvalid('Status must be Active or Inactive.');
  if (!['Yes', 'No'].includes(record.OnHold as string)) throw recordInvalid('On Hold must be Yes or No.');
  requireCode(company, company.terms, record.Terms, 'Terms code');
  requireCode(company, company.priceLists, record.CustomerPriceList, 'Price list');
  requireCode(company, company.taxGroups, record.TaxGroup, 'Tax group');
  requireCode(company, company.shipVia, record.ShipViaCode, 'Ship-via code');
}

function prepareShipTo(company: Company, record: SageRecord): void {
  if (!company.customers.get([record.CustomerNumber])) {
    throw recordInvalid(`Customer ${String(record.CustomerNumber)} does not exist.`);
  }
}

function refuseIfCustomerHasDocuments(company: Company, record: SageRecord): void {
  if (company.postedDocuments.withFirstKey(record.CustomerNumber as string).length > 0) {
    throw new SageApiError(
      409,
      'General',
      `Customer ${String(record.CustomerNumber)} has transactions and cannot be deleted.`,
    );
  }
}

/** What Sage's I/C Items screen refuses to save blank on a new item (the structure code formats the item number). */
const REQUIRED_ITEM_FIELDS: readonly [string, string][] = [
  ['StructureCode', 'Structure Code'],
  ['Category', 'Category'],
  ['AccountSetCode', 'Account Set'],
  ['StockingUnitOfMeasure', 'Stocking Unit of Measure'],
];

function prepareItem(_company: Company, record: SageRecord, mode: 'create' | 'replace' | 'update'): void {
  if (mode !== 'update') {
    for (const [field, label] of REQUIRED_ITEM_FIELDS) {
      if (typeof record[field] !== 'string' || record[field].trim() === '')
        throw recordInvalid(`${label} cannot be blank.`);
    }
  }
  if (!['Active', 'Inactive'].includes(record.Status as string))
    throw recordInvalid('Status must be Active or Inactive.');
  record.UnformattedItemNumber = String(record.ItemNumber).replace(/[^A-Za-z0-9]/g, '');
  record.QuantityAvailable = (record.QuantityOnHand as number) - (record.QuantityOnSalesOrder as number);
}

function preparePricing(company: Company, record: SageRecord): void {
  const item = company.items.get([record.ItemNumber]);
  if (!item) throw recordInvalid(`Item ${String(record.ItemNumber)} does not exist.`);
  requireCode(company, company.priceLists, record.PriceListCode, 'Price list');
  record.UnformattedItemNumber = item.UnformattedItemNumber;
  record.Description ||= item.Description;
}

/** Every resource the sandbox serves, by module. */
const RESOURCES: readonly ResourceSpec[] = [
  {
    module: 'AR',
    name: 'ARCustomers',
    table: (c) => c.customers,
    methods: MASTER_DATA,
    details: { CustomerOptionalFieldValues: 'OptionalField' },
    computed: customerStatistics,
    upperCaseKeys: true,
    keyLengths: { CustomerNumber: 12 },
    prepare: prepareCustomer,
    beforeDelete: refuseIfCustomerHasDocuments,
  },
  {
    module: 'AR',
    name: 'ARShipToLocations',
    table: (c) => c.shipToLocations,
    methods: MASTER_DATA,
    computed: ['DateLastMaintained'],
    upperCaseKeys: true,
    keyLengths: { CustomerNumber: 12, ShipToLocationKey: 6 },
    prepare: prepareShipTo,
  },
  {
    module: 'AR',
    name: 'ARCustomerGroups',
    table: (c) => c.customerGroups,
    methods: MASTER_DATA,
    computed: ['DateLastMaintained'],
    upperCaseKeys: true,
    keyLengths: { GroupCode: 6 },
  },
  {
    module: 'AR',
    name: 'ARTerms',
    table: (c) => c.terms,
    methods: MASTER_DATA,
    details: { TermsPaymentSchedules: 'PaymentNumber' },
    computed: ['DateLastMaintained'],
    upperCaseKeys: true,
    keyLengths: { TermsCode: 6 },
  },
  { module: 'AR', name: 'ARPostedDocuments', table: (c) => c.postedDocuments, methods: READ_ONLY },
  { module: 'AR', name: 'ARPayments', table: (c) => c.payments, methods: READ_ONLY },
  { module: 'OE', name: 'OEOrders', table: (c) => c.orders, methods: ['GET', 'POST'] },
  { module: 'OE', name: 'OEInvoices', table: (c) => c.invoices, methods: READ_ONLY },
  {
    module: 'OE',
    name: 'OEShipViaCodes',
    table: (c) => c.shipVia,
    methods: MASTER_DATA,
    upperCaseKeys: true,
    keyLengths: { Code: 6 },
  },
  {
    module: 'OE',
    name: 'OEMiscellaneousCharges',
    table: (c) => c.miscellaneousCharges,
    methods: MASTER_DATA,
    upperCaseKeys: true,
    keyLengths: { MiscellaneousChargesCode: 6 },
  },
  {
    module: 'IC',
    name: 'ICItems',
    table: (c) => c.items,
    methods: MASTER_DATA,
    details: { ItemUnitsOfMeasure: 'UnitOfMeasure' },
    computed: ['DateLastMaintained', 'UnformattedItemNumber', 'QuantityAvailable', 'QuantityOnSalesOrder'],
    upperCaseKeys: true,
    keyLengths: { ItemNumber: 24 },
    prepare: prepareItem,
  },
  {
    module: 'IC',
    name: 'ICItemPricing',
    table: (c) => c.itemPricing,
    methods: MASTER_DATA,
    details: { ItemPricingDetails: 'PriceDetailType' },
    computed: ['DateLastMaintained', 'UnformattedItemNumber'],
    upperCaseKeys: true,
    prepare: preparePricing,
  },
  {
    module: 'IC',
    name: 'ICPriceListCodes',
    table: (c) => c.priceLists,
    methods: MASTER_DATA,
    computed: ['DateLastMaintained'],
    upperCaseKeys: true,
    keyLengths: { PriceListCodeKey: 6 },
  },
  {
    module: 'IC',
    name: 'ICLocations',
    table: (c) => c.locations,
    methods: MASTER_DATA,
    upperCaseKeys: true,
    keyLengths: { LocationKey: 6 },
  },
];

/** The modules the Web API exposes; a path naming another module is `ResourceNotFound`. */
export const MODULES = new Set(['AR', 'OE', 'IC', 'AP', 'GL', 'PO', 'CS', 'TX', 'BK']);

export function findResource(module: string, name: string): ResourceSpec | undefined {
  return RESOURCES.find((spec) => spec.module === module && spec.name === name);
}
