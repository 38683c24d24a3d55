import { Company } from './company.js';
import { addDays, sageDate } from './dates.js';
import {
  blankCustomer,
  blankCustomerGroup,
  blankItem,
  blankItemPricing,
  blankLocation,
  blankMiscellaneousCharge,
  blankPriceList,
  blankShipToLocation,
  blankShipVia,
  blankTaxGroup,
  blankTerms,
} from './records.js';
import type { SageRecord } from './records.js';
import { seededRandom } from '../random.js';

/** How large a company to build: totals include the named sample records; same `randomSeed` → same data. */
export interface SeedOptions {
  customers?: number;
  postedDocuments?: number;
  /** Items in total, with WHS and RTL prices (generated ones `G000001`…, last maintained over the past year). */
  items?: number;
  randomSeed?: number;
}

const make = (blank: () => SageRecord, fields: SageRecord): SageRecord => Object.assign(blank(), fields);

/** The named SAMINC customers the Salesforce sandbox mirrors as accounts. */
const SAMPLE_CUSTOMERS: SageRecord[] = [
  {
    CustomerNumber: '1100',
    CustomerName: 'Mountain Outfitters Inc.',
    ShortName: 'MOUNTAIN',
    GroupCode: 'WHL',
    Terms: 'N30',
    TaxGroup: 'USDTAX',
    CustomerPriceList: 'WHS',
    CreditLimitCustomerCurrency: 50000,
    AddressLine1: '1450 Summit Way',
    City: 'Denver',
    StateProvince: 'CO',
    ZipPostalCode: '80202',
    Country: 'USA',
    PhoneNumber: '3035550142',
    Email: 'orders@mountainoutfitters.example.com',
    WebSite: 'www.mountainoutfitters.example.com',
    ContactName: 'Dana Whitfield',
    ContactsPhone: '3035550143',
    ContactsEmail: 'dana.whitfield@mountainoutfitters.example.com',
  },
  {
    CustomerNumber: '1105',
    CustomerName: 'Bayside Office Supply',
    ShortName: 'BAYSIDE',
    GroupCode: 'RTL',
    Terms: 'N30',
    TaxGroup: 'USDTAX',
    CustomerPriceList: 'RTL',
    CreditLimitCustomerCurrency: 20000,
    AddressLine1: '88 Embarcadero Road',
    City: 'Oakland',
    StateProvince: 'CA',
    ZipPostalCode: '94607',
    Country: 'USA',
    PhoneNumber: '5105550188',
    Email: 'accounts@baysideoffice.example.com',
    ContactName: 'Priya Raman',
    ContactsPhone: '5105550189',
    ContactsEmail: 'priya.raman@baysideoffice.example.com',
  },
  {
    CustomerNumber: '1200',
    CustomerName: 'Black Rock Retail',
    ShortName: 'BLACK',
    GroupCode: 'RTL',
    Terms: 'DUETBL',
    TaxGroup: 'CALIF',
    CustomerPriceList: 'RTL',
    CreditLimitCustomerCurrency: 25000,
    AddressLine1: '2200 Harbor Boulevard',
    AddressLine2: 'Suite 400',
    City: 'San Francisco',
    StateProvince: 'CA',
    ZipPostalCode: '94107',
    Country: 'USA',
    PhoneNumber: '4155550120',
    Email: 'ap@blackrockretail.example.com',
    ContactName: 'Marcus Bell',
    ContactsPhone: '4155550121',
    ContactsEmail: 'marcus.bell@blackrockretail.example.com',
    PrimaryShipToLocation: 'OFFICE',
  },
  {
    CustomerNumber: '1400',
    CustomerName: 'Cedar Valley Schools',
    ShortName: 'CEDARVAL',
    GroupCode: 'WHL',
    Terms: 'N30',
    TaxGroup: 'USDTAX',
    CustomerPriceList: 'WHS',
    CreditLimitCustomerCurrency: 100000,
    AddressLine1: '500 Schoolhouse Lane',
    City: 'Eugene',
    StateProvince: 'OR',
    ZipPostalCode: '97401',
    Country: 'USA',
    PhoneNumber: '5415550177',
    Email: 'purchasing@cedarvalleyschools.example.org',
    ContactName: 'Helen Ortiz',
    ContactsPhone: '5415550178',
    ContactsEmail: 'helen.ortiz@cedarvalleyschools.example.org',
  },
  {
    CustomerNumber: '1500',
    CustomerName: 'Northwind Traders',
    ShortName: 'NORTHWIND',
    GroupCode: 'RTL',
    Terms: 'N30',
    TaxGroup: 'USDTAX',
    CustomerPriceList: 'RTL',
    CreditLimitCustomerCurrency: 5000,
    OnHold: 'Yes',
    AddressLine1: '17 Fjord Street',
    City: 'Seattle',
    StateProvince: 'WA',
    ZipPostalCode: '98101',
    Country: 'USA',
    PhoneNumber: '2065550155',
    Email: 'billing@northwindtraders.example.com',
    ContactName: 'Lars Nilsson',
    ContactsPhone: '2065550156',
    ContactsEmail: 'lars.nilsson@northwindtraders.example.com',
  },
];

/** Items with their wholesale and retail base prices (USD) and stock on hand. */
const SAMPLE_ITEMS: { item: SageRecord; whs: number; rtl: number; whsSale?: number }[] = [
  {
    item: { ItemNumber: 'A1-103/0', Description: 'Steel Filing Cabinet', Category: 'A1', QuantityOnHand: 120 },
    whs: 185,
    rtl: 229,
  },
  {
    item: { ItemNumber: 'A1-105/0', Description: 'Executive Desk', Category: 'A1', QuantityOnHand: 40 },
    whs: 612.5,
    rtl: 749,
  },
  {
    item: { ItemNumber: 'A11030', Description: 'Desk Lamp', Category: 'A1', QuantityOnHand: 300 },
    whs: 24.75,
    rtl: 34.99,
  },
  {
    item: { ItemNumber: 'A14010', Description: 'Whiteboard 4x6', Category: 'A4', QuantityOnHand: 85 },
    whs: 96.4,
    rtl: 129,
  },
  {
    item: { ItemNumber: 'A14500', Description: 'Bulletin Board', Category: 'A4', QuantityOnHand: 150 },
    whs: 88.05,
    rtl: 109.95,
    whsSale: 72.99,
  },
  {
    item: {
      ItemNumber: 'A19999',
      Description: 'Discontinued Chair',
      Category: 'A1',
      QuantityOnHand: 0,
      Status: 'Inactive',
    },
    whs: 55,
    rtl: 79,
  },
];

function seedMasterData(company: Company, maintained: string): void {
  const stamp = (record: SageRecord) => ({ ...record, DateLastMaintained: maintained });
  company.terms.put(
    make(
      blankTerms,
      stamp({
        TermsCode: 'N30',
        Description: 'Net 30 days',
        TermsPaymentSchedules: [
          { TermsCode: 'N30', PaymentNumber: 1, PercentDue: 100, DiscountPercent: 0, DueNumberOfDays: 30 },
        ],
      }),
    ),
  );
  company.terms.put(
    make(
      blankTerms,
      stamp({
        TermsCode: 'DUETBL',
        Description: 'Due table: 25th of the following month',
        DueDateType: 'DueDateTable',
        TermsPaymentSchedules: [
          { TermsCode: 'DUETBL', PaymentNumber: 1, PercentDue: 100, DiscountPercent: 0, DueNumberOfDays: 0 },
        ],
      }),
    ),
  );
  for (const [code, description, limit] of [
    ['RTL', 'Retail Customers', 25000],
    ['WHL', 'Wholesale Customers', 50000],
  ] as const) {
    company.customerGroups.put(
      make(
        blankCustomerGroup,
        stamp({
          GroupCode: code,
          Description: description,
          AccountSet: 'USA',
          BillingCycle: 'BILLMT',
          InterestProfile: code === 'RTL' ? 'INTRTL' : 'INTWHS',
          Terms: 'N30',
          CreditLimit1Amount: limit,
        }),
      ),
    );
  }
  company.priceLists.put(make(blankPriceList, stamp({ PriceListCodeKey: 'WHS', Description: 'Wholesale' })));
  company.priceLists.put(make(blankPriceList, stamp({ PriceListCodeKey: 'RTL', Description: 'Retail' })));
  for (const [code, description] of [
    ['CALIF', 'California Sales Tax'],
    ['USDTAX', 'US Sales Tax'],
  ] as const) {
    company.taxGroups.put(make(blankTaxGroup, { TaxGroup: code, Description: description }));
  }
  for (const [key, name, city, state] of [
    ['1', 'Seattle Warehouse', 'Seattle', 'WA'],
    ['2', 'Portland Warehouse', 'Portland', 'OR'],
    ['3', 'Oakland Warehouse', 'Oakland', 'CA'],
    ['4', 'Denver Warehouse', 'Denver', 'CO'],
  ] as const) {
    company.locations.put(
      make(blankLocation, { LocationKey: key, Name: name, City: city, StateProvince: state, Country: 'USA' }),
    );
  }
  company.shipVia.put(
    make(blankShipVia, {
      Code: 'CCT',
      Name: 'Cross-Country Trucking',
      AddressLine1: '1200 Freight Way',
      City: 'Seattle',
      StateProvince: 'WA',
      Country: 'USA',
      PhoneNumber: '2065550100',
      Contact: 'Dispatcher',
    }),
  );
  company.miscellaneousCharges.put(
    make(blankMiscellaneousCharge, { MiscellaneousChargesCode: 'HC', Description: 'Handling Charges', Amount: 20.25 }),
  );

  for (const { item, whs, rtl, whsSale } of SAMPLE_ITEMS) {
    addItem(company, item, { whs, rtl, ...(whsSale === undefined ? {} : { whsSale }) }, maintained);
  }
}

/** Adds an item (with item-level stock) and its USD base prices on the WHS and RTL price lists. */
function addItem(
  company: Company,
  item: SageRecord,
  prices: { whs: number; rtl: number; whsSale?: number },
  maintained: string,
): void {
  const { whs, rtl, whsSale } = prices;
  const stamp = (record: SageRecord) => ({ ...record, DateLastMaintained: maintained });
  const record = make(
    blankItem,
    stamp({
      ...item,
      UnformattedItemNumber: String(item.ItemNumber).replace(/[^A-Za-z0-9]/g, ''),
      AccountSetCode: 'AVG',
      DefaultPriceListCode: 'RTL',
      QuantityAvailable: item.QuantityOnHand,
      ItemUnitsOfMeasure: [{ ItemNumber: item.ItemNumber, UnitOfMeasure: 'Ea.', ConversionFactor: 1 }],
    }),
  );
  company.items.put(record);
  for (const [list, price, sale] of [
    ['WHS', whs, whsSale],
    ['RTL', rtl, undefined],
  ] as const) {
    const details: SageRecord[] = [
      {
        CurrencyCode: 'USD',
        ItemNumber: item.ItemNumber,
        PriceListCode: list,
        PriceDetailType: 'BasePriceQuantity',
        QuantityUnit: 'Ea.',
        UnitPrice: price,
      },
    ];
    if (sale !== undefined) {
      details.push({
        CurrencyCode: 'USD',
        ItemNumber: item.ItemNumber,
        PriceListCode: list,
        PriceDetailType: 'SalePriceQuantity',
        QuantityUnit: 'Ea.',
        UnitPrice: sale,
      });
    }
    company.itemPricing.put(
      make(
        blankItemPricing,
        stamp({
          ItemNumber: item.ItemNumber,
          PriceListCode: list,
          CurrencyCode: 'USD',
          UnformattedItemNumber: record.UnformattedItemNumber,
          Description: item.Description,
          ItemPricingDetails: details,
        }),
      ),
    );
  }
}

const ITEM_WORDS = ['Oak', 'Steel', 'Walnut', 'Glass', 'Mesh', 'Compact', 'Executive', 'Mobile', 'Stacking'];
const ITEM_KINDS = ['Desk', 'Chair', 'Shelf', 'Cabinet', 'Table', 'Lamp', 'Stool', 'Cart', 'Locker'];

/** Generated items up to `options.items`, from their own random stream (customers and documents stay the same). */
function seedGeneratedItems(company: Company, options: SeedOptions, asOf: Date): void {
  const random = seededRandom((options.randomSeed ?? 1) + 7919);
  const extra = Math.max(0, (options.items ?? 0) - company.items.size);
  for (let i = 1; i <= extra; i++) {
    const word = ITEM_WORDS[Math.floor(random() * ITEM_WORDS.length)] as string;
    const kind = ITEM_KINDS[Math.floor(random() * ITEM_KINDS.length)] as string;
    const whs = Math.round((10 + random() * 990) * 100) / 100;
    const onHand = Math.floor(random() * 500);
    addItem(
      company,
      {
        ItemNumber: `G${String(i).padStart(6, '0')}`,
        Description: `${word} ${kind}`,
        Category: random() < 0.5 ? 'A1' : 'A4',
        QuantityOnHand: onHand,
        ...(random() < 0.03 ? { Status: 'Inactive' } : {}),
      },
      { whs, rtl: Math.round(whs * 1.3 * 100) / 100 },
      sageDate(addDays(asOf, -Math.floor(random() * 365))),
    );
  }
}

function addCustomer(company: Company, fields: SageRecord, maintained: string): SageRecord {
  const group = company.customerGroups.get([fields.GroupCode]) as SageRecord;
  return company.customers.put(
    make(blankCustomer, {
      AccountSet: group.AccountSet,
      BillingCycle: group.BillingCycle,
      InterestProfile: group.InterestProfile,
      ShipViaCode: 'CCT',
      StartDate: maintained,
      DateLastMaintained: maintained,
      ...fields,
    }),
  );
}

function invoiceNumber(company: Company): string {
  return `IN${String(company.nextInvoiceNumber++).padStart(12, '0')}`;
}

/** The named customers' ledgers: 1105 over its limit with overdue invoices, 1200 with open and overdue items. */
function seedSampleLedger(company: Company, asOf: Date): void {
  const ago = (days: number) => addDays(asOf, -days);
  const invoice = (customer: string, daysAgo: number, amount: number, description: string, po = '') =>
    company.postDocument(company.customers.get([customer]) as SageRecord, {
      DocumentNumber: invoiceNumber(company),
      DocumentType: 'Invoice',
      DocumentDate: ago(daysAgo),
      Amount: amount,
      PONumber: po,
      DocumentDescription: description,
    });
  const pay = (document: SageRecord, amount: number, daysAgo: number, check: string) =>
    company.applyPayment(document, amount, ago(daysAgo), check);

  pay(invoice('1100', 95, 14250, 'Spring outdoor fixtures', 'MO-4471'), 14250, 64, '10231');
  pay(invoice('1100', 48, 3980.4, 'Display cabinets', 'MO-4502'), 3980.4, 20, '10388');
  invoice('1100', 12, 7425, 'Executive desks for new branch', 'MO-4530');

  invoice('1105', 75, 9850, 'Filing cabinets, head office', 'BOS-118');
  invoice('1105', 60, 8420.5, 'Whiteboards and bulletin boards', 'BOS-121');
  invoice('1105', 45, 6310.75, 'Desk lamps, back-to-school stock', 'BOS-125');

  pay(invoice('1200', 120, 2780, 'Store fixtures', 'BR-2001'), 2780, 85, '5521');
  pay(invoice('1200', 80, 5000, 'Filing cabinets, Market Street store', 'BR-2044'), 1760, 40, '5590');
  invoice('1200', 10, 2150, 'Bulletin boards', 'BR-2087');
  invoice('1200', 5, 4815.6, 'Executive desks', 'BR-2093');
  company.postDocument(company.customers.get(['1200']) as SageRecord, {
    DocumentNumber: `CN${String(company.nextInvoiceNumber++).padStart(12, '0')}`,
    DocumentType: 'CreditNote',
    DocumentDate: ago(30),
    Amount: 250,
    DocumentDescription: 'Damaged bulletin board returned',
  });

  pay(invoice('1400', 70, 22340, 'Classroom furniture', 'CVS-PO-7781'), 22340, 35, '88104');
  invoice('1400', 10, 12600, 'Library shelving and lamps', 'CVS-PO-7830');

  invoice('1500', 95, 1870.4, 'Desk lamps', 'NW-300');
}

function seedShipToLocations(company: Company, maintained: string): void {
  const locations: SageRecord[] = [
    {
      CustomerNumber: '1200',
      ShipToLocationKey: 'OFFICE',
      Description: 'Head office',
      AddressLine1: '2200 Harbor Boulevard',
      City: 'San Francisco',
      StateProvince: 'CA',
      ZipPostalCode: '94107',
      Country: 'USA',
      ContactName: 'Marcus Bell',
      Email: 'marcus.bell@blackrockretail.example.com',
      PhoneNumber: '4155550120',
      PrimaryShipToIndicator: 'Yes',
      TaxGroup: 'CALIF',
    },
    {
      CustomerNumber: '1200',
      ShipToLocationKey: 'MARKET',
      Description: 'Market Street store',
      AddressLine1: '901 Market Street',
      City: 'San Francisco',
      StateProvince: 'CA',
      ZipPostalCode: '94103',
      Country: 'USA',
      ContactName: 'Ana Flores',
      Email: 'ana.flores@blackrockretail.example.com',
      PhoneNumber: '4155550190',
      TaxGroup: 'CALIF',
    },
    {
      CustomerNumber: '1100',
      ShipToLocationKey: 'WAREHS',
      Description: 'Distribution centre',
      AddressLine1: '77 Quarry Road',
      City: 'Golden',
      StateProvince: 'CO',
      ZipPostalCode: '80401',
      Country: 'USA',
      ContactName: 'Receiving desk',
      Email: 'receiving@mountainoutfitters.example.com',
      PhoneNumber: '3035550199',
      PrimaryShipToIndicator: 'Yes',
      TaxGroup: 'USDTAX',
    },
  ];
  for (const location of locations) {
    company.shipToLocations.put(make(blankShipToLocation, { ...location, DateLastMaintained: maintained }));
  }
}

const NAME_FIRST = [
  'Summit',
  'Harbor',
  'Pioneer',
  'Granite',
  'Evergreen',
  'Silver Lake',
  'Redwood',
  'Prairie',
  'Coastal',
  'Iron Bridge',
  'Maple',
  'Blue Ridge',
  'Canyon',
  'Lakeside',
  'Northgate',
  'Riverbend',
  'Sunrise',
  'Westfield',
  'Oakmont',
  'Highland',
];
const NAME_SECOND = [
  'Office Supply',
  'Outfitters',
  'Retail',
  'Traders',
  'Furniture',
  'Schools',
  'Hardware',
  'Interiors',
  'Stationers',
  'Logistics',
  'Design',
  'Workspace',
];
const NAME_SUFFIX = ['Inc.', 'LLC', 'Co.', 'Ltd.', 'Group'];
const CITIES: readonly (readonly [string, string, string])[] = [
  ['Seattle', 'WA', '98104'],
  ['Portland', 'OR', '97205'],
  ['Sacramento', 'CA', '95814'],
  ['Los Angeles', 'CA', '90012'],
  ['Phoenix', 'AZ', '85004'],
  ['Salt Lake City', 'UT', '84111'],
  ['Boise', 'ID', '83702'],
  ['Denver', 'CO', '80203'],
  ['Austin', 'TX', '78701'],
  ['Chicago', 'IL', '60604'],
];
const PEOPLE = [
  'Alex Morgan',
  'Jamie Chen',
  'Sam Patel',
  'Taylor Brooks',
  'Jordan Lee',
  'Casey Novak',
  'Riley Adams',
  'Morgan Diaz',
];

/** Adds generated customers and posted documents (with payments) until the requested totals are reached. */
function seedGenerated(company: Company, options: SeedOptions, asOf: Date): void {
  const random = seededRandom(options.randomSeed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const extraCustomers = Math.max(0, (options.customers ?? 0) - company.customers.size);
  const generated: SageRecord[] = [];
  for (let i = 1; i <= extraCustomers; i++) {
    const number = `C${String(i).padStart(6, '0')}`;
    const [city, state, zip] = pick(CITIES);
    const wholesale = random() < 0.3;
    const name = `${pick(NAME_FIRST)} ${pick(NAME_SECOND)} ${pick(NAME_SUFFIX)}`;
    const domain = `${name.toLowerCase().replace(/[^a-z]+/g, '')}${i}.example.com`;
    const person = pick(PEOPLE);
    generated.push(
      addCustomer(
        company,
        {
          CustomerNumber: number,
          CustomerName: name,
          ShortName: number,
          GroupCode: wholesale ? 'WHL' : 'RTL',
          Terms: 'N30',
          TaxGroup: 'USDTAX',
          CustomerPriceList: wholesale ? 'WHS' : 'RTL',
          CreditLimitCustomerCurrency: (wholesale ? 20 : 5) * 1000 * (1 + Math.floor(random() * 10)),
          OnHold: random() < 0.02 ? 'Yes' : 'No',
          AddressLine1: `${100 + Math.floor(random() * 9800)} ${pick(NAME_FIRST)} Avenue`,
          City: city,
          StateProvince: state,
          ZipPostalCode: zip,
          Country: 'USA',
          PhoneNumber: `555${String(Math.floor(random() * 10_000_000)).padStart(7, '0')}`,
          Email: `accounts@${domain}`,
          ContactName: person,
          ContactsEmail: `${person.toLowerCase().replace(' ', '.')}@${domain}`,
        },
        sageDate(addDays(asOf, -Math.floor(random() * 365))),
      ),
    );
  }

  const owners = generated.length > 0 ? generated : company.customers.all();
  const extraDocuments = Math.max(0, (options.postedDocuments ?? 0) - company.postedDocuments.size);
  for (let i = 0; i < extraDocuments; i++) {
    const customer = pick(owners);
    const daysAgo = Math.floor(random() * 400);
    const credit = random() < 0.08;
    const amount = Math.round((50 + random() * (credit ? 1500 : 20000)) * 100) / 100;
    const document = company.postDocument(customer, {
      DocumentNumber: credit ? `CN${String(company.nextInvoiceNumber++).padStart(12, '0')}` : invoiceNumber(company),
      DocumentType: credit ? 'CreditNote' : 'Invoice',
      DocumentDate: addDays(asOf, -daysAgo),
      Amount: amount,
      DocumentDescription: credit ? 'Returned goods' : `Order ${1000 + Math.floor(random() * 90000)}`,
    });
    // Older invoices are mostly paid; a few carry a partial payment.
    const paidChance = daysAgo > 60 ? 0.9 : daysAgo > 30 ? 0.5 : 0.1;
    if (!credit && random() < paidChance) {
      const paidAfter = Math.min(daysAgo, 10 + Math.floor(random() * 50));
      const partial = random() < 0.1;
      const paid = partial ? Math.round(amount * 50) / 100 : amount;
      company.applyPayment(document, paid, addDays(asOf, -(daysAgo - paidAfter)), String(10000 + i));
    }
  }
  for (const customer of owners) company.refreshCustomerFinancials(customer.CustomerNumber as string);
}

/**
 * Builds the SAMINC sample company as of a business date: master data, the five named customers with their ledgers,
 * and, when asked, a large generated population for paging and load tests.
 */
export function seedCompany(options: SeedOptions = {}, clock: () => Date = () => new Date()): Company {
  const company = new Company('SAMINC', 'Sample Company Inc.', 'USD', clock);
  const asOf = company.today();
  const maintained = sageDate(addDays(asOf, -30));
  seedMasterData(company, maintained);
  for (const customer of SAMPLE_CUSTOMERS) addCustomer(company, customer, maintained);
  seedShipToLocations(company, maintained);
  seedSampleLedger(company, asOf);
  for (const customer of SAMPLE_CUSTOMERS) company.refreshCustomerFinancials(customer.CustomerNumber as string);
  seedGenerated(company, options, asOf);
  seedGeneratedItems(company, options, asOf);
  return company;
}
