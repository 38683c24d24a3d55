import type { OrgStore, WriteContext } from './store.js';

/**
 * The sandbox org's sample data, consistent with the Sage 300 sandbox's SAMINC company: accounts for the named
 * customers (plus one without a Sage number, to provision), their contacts and owners, the Sage items as products in
 * the standard price book at retail prices, and opportunities that exercise every order-push path.
 */
export const INTEGRATION_USERNAME = 'connector.integration@sandbox.example.com';

export const SEED_USERS = {
  integration: INTEGRATION_USERNAME,
  maria: 'maria.lopez@sandbox.example.com',
  daniel: 'daniel.okafor@sandbox.example.com',
  grace: 'grace.kim@sandbox.example.com',
} as const;

/** Account names by Sage customer number; `greenfield` has no Sage number yet. */
export const SEED_ACCOUNTS = {
  mountain: { name: 'Mountain Outfitters Inc.', sageCustomerNumber: '1100' },
  bayside: { name: 'Bayside Office Supply', sageCustomerNumber: '1105' },
  blackRock: { name: 'Black Rock Retail', sageCustomerNumber: '1200' },
  cedarValley: { name: 'Cedar Valley Schools', sageCustomerNumber: '1400' },
  northwind: { name: 'Northwind Traders', sageCustomerNumber: '1500' },
  greenfield: { name: 'Greenfield Robotics', sageCustomerNumber: null },
} as const;

/** Product names and Sage item numbers; `unknownToSage` is not in Sage, `unlinked` has no Sage number. */
export const SEED_PRODUCTS = {
  filingCabinet: { name: 'Steel Filing Cabinet', sageItemNumber: 'A1-103/0', price: 229 },
  executiveDesk: { name: 'Executive Desk', sageItemNumber: 'A1-105/0', price: 749 },
  deskLamp: { name: 'Desk Lamp', sageItemNumber: 'A11030', price: 34.99 },
  whiteboard: { name: 'Whiteboard 4x6', sageItemNumber: 'A14010', price: 129 },
  bulletinBoard: { name: 'Bulletin Board', sageItemNumber: 'A14500', price: 109.95 },
  unknownToSage: { name: 'Ergonomic Footrest', sageItemNumber: 'ZZ-404', price: 45 },
  unlinked: { name: 'On-site Assembly Service', sageItemNumber: null, price: 150 },
} as const;

/** Opportunity names, each a distinct order-push case. */
export const SEED_OPPORTUNITIES = {
  blackRockClosedWon: 'Black Rock Retail - Store Refit',
  blackRockOpen: 'Black Rock Retail - Second Location',
  baysideOverCreditLimit: 'Bayside Office Supply - Filing Cabinets',
  northwindOnHold: 'Northwind Traders - Spring Restock',
  mountainWithUnknownItem: 'Mountain Outfitters Inc. - Showroom Footrests',
  cedarValleyUnlinkedProduct: 'Cedar Valley Schools - Classroom Assembly',
  greenfieldNewCustomer: 'Greenfield Robotics - First Order',
} as const;

export const STANDARD_PRICE_BOOK = 'Standard Price Book';

type ProductKey = keyof typeof SEED_PRODUCTS;

const ACCOUNT_DETAILS: Record<
  keyof typeof SEED_ACCOUNTS,
  {
    owner: keyof typeof SEED_USERS;
    street: string;
    city: string;
    state: string;
    postalCode: string;
    phone: string;
    website?: string;
    contact: { firstName: string; lastName: string; email: string; phone: string; title: string };
  }
> = {
  mountain: {
    owner: 'maria',
    street: '1450 Summit Way',
    city: 'Denver',
    state: 'CO',
    postalCode: '80202',
    phone: '(303) 555-0142',
    website: 'https://www.mountainoutfitters.example.com',
    contact: {
      firstName: 'Dana',
      lastName: 'Whitfield',
      email: 'dana.whitfield@mountainoutfitters.example.com',
      phone: '(303) 555-0143',
      title: 'Purchasing Manager',
    },
  },
  bayside: {
    owner: 'maria',
    street: '88 Embarcadero Road',
    city: 'Oakland',
    state: 'CA',
    postalCode: '94607',
    phone: '(510) 555-0188',
    contact: {
      firstName: 'Priya',
      lastName: 'Raman',
      email: 'priya.raman@baysideoffice.example.com',
      phone: '(510) 555-0189',
      title: 'Accounts Payable Lead',
    },
  },
  blackRock: {
    owner: 'daniel',
    street: '2200 Harbor Boulevard\nSuite 400',
    city: 'San Francisco',
    state: 'CA',
    postalCode: '94107',
    phone: '(415) 555-0120',
    contact: {
      firstName: 'Marcus',
      lastName: 'Bell',
      email: 'marcus.bell@blackrockretail.example.com',
      phone: '(415) 555-0121',
      title: 'Store Operations Director',
    },
  },
  cedarValley: {
    owner: 'daniel',
    street: '500 Schoolhouse Lane',
    city: 'Eugene',
    state: 'OR',
    postalCode: '97401',
    phone: '(541) 555-0177',
    contact: {
      firstName: 'Helen',
      lastName: 'Ortiz',
      email: 'helen.ortiz@cedarvalleyschools.example.org',
      phone: '(541) 555-0178',
      title: 'Facilities Coordinator',
    },
  },
  northwind: {
    owner: 'grace',
    street: '17 Fjord Street',
    city: 'Seattle',
    state: 'WA',
    postalCode: '98101',
    phone: '(206) 555-0155',
    contact: {
      firstName: 'Lars',
      lastName: 'Nilsson',
      email: 'lars.nilsson@northwindtraders.example.com',
      phone: '(206) 555-0156',
      title: 'Owner',
    },
  },
  greenfield: {
    owner: 'grace',
    street: '901 Innovation Drive',
    city: 'Austin',
    state: 'TX',
    postalCode: '78701',
    phone: '(512) 555-0199',
    website: 'https://greenfieldrobotics.example.com',
    contact: {
      firstName: 'Tomás',
      lastName: 'Reyes',
      email: 'tomas.reyes@greenfieldrobotics.example.com',
      phone: '(512) 555-0198',
      title: 'Operations Lead',
    },
  },
};

const OPPORTUNITY_DETAILS: {
  name: string;
  account: keyof typeof SEED_ACCOUNTS;
  stage: string;
  daysFromToday: number;
  lines: [ProductKey, number][];
}[] = [
  {
    name: SEED_OPPORTUNITIES.blackRockClosedWon,
    account: 'blackRock',
    stage: 'Closed Won',
    daysFromToday: -3,
    lines: [
      ['executiveDesk', 2],
      ['bulletinBoard', 5],
    ],
  },
  {
    name: SEED_OPPORTUNITIES.blackRockOpen,
    account: 'blackRock',
    stage: 'Prospecting',
    daysFromToday: 45,
    lines: [
      ['filingCabinet', 8],
      ['deskLamp', 20],
    ],
  },
  {
    name: SEED_OPPORTUNITIES.baysideOverCreditLimit,
    account: 'bayside',
    stage: 'Closed Won',
    daysFromToday: -2,
    lines: [['filingCabinet', 12]],
  },
  {
    name: SEED_OPPORTUNITIES.northwindOnHold,
    account: 'northwind',
    stage: 'Closed Won',
    daysFromToday: -5,
    lines: [
      ['whiteboard', 4],
      ['deskLamp', 10],
    ],
  },
  {
    name: SEED_OPPORTUNITIES.mountainWithUnknownItem,
    account: 'mountain',
    stage: 'Closed Won',
    daysFromToday: -1,
    lines: [
      ['deskLamp', 10],
      ['unknownToSage', 6],
    ],
  },
  {
    name: SEED_OPPORTUNITIES.cedarValleyUnlinkedProduct,
    account: 'cedarValley',
    stage: 'Closed Won',
    daysFromToday: -4,
    lines: [
      ['whiteboard', 6],
      ['unlinked', 2],
    ],
  },
  {
    name: SEED_OPPORTUNITIES.greenfieldNewCustomer,
    account: 'greenfield',
    stage: 'Closed Won',
    daysFromToday: -1,
    lines: [
      ['whiteboard', 3],
      ['bulletinBoard', 2],
    ],
  },
];

function isoDay(offsetDays: number): string {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offsetDays))
    .toISOString()
    .slice(0, 10);
}

/** Creates a user; answers its id. */
export function createUser(
  store: OrgStore,
  context: WriteContext,
  username: string,
  firstName: string,
  lastName: string,
): string {
  return store.insert(
    'User',
    {
      Username: username,
      FirstName: firstName,
      LastName: lastName,
      Email: username,
      Alias: `${firstName.charAt(0)}${lastName}`.slice(0, 8).toLowerCase(),
      IsActive: true,
    },
    { ...context, privileged: true },
  );
}

/** Loads the sample data into an org whose integration user already exists. */
export function seedOrg(store: OrgStore, integrationUserId: string): void {
  const asIntegration: WriteContext = { userId: integrationUserId, privileged: true };
  const users: Record<string, string> = { integration: integrationUserId };
  users.maria = createUser(store, asIntegration, SEED_USERS.maria, 'Maria', 'Lopez');
  users.daniel = createUser(store, asIntegration, SEED_USERS.daniel, 'Daniel', 'Okafor');
  users.grace = createUser(store, asIntegration, SEED_USERS.grace, 'Grace', 'Kim');

  const accounts: Record<string, string> = {};
  for (const [key, account] of Object.entries(SEED_ACCOUNTS) as [
    keyof typeof SEED_ACCOUNTS,
    (typeof SEED_ACCOUNTS)[keyof typeof SEED_ACCOUNTS],
  ][]) {
    const details = ACCOUNT_DETAILS[key];
    const ownerId = users[details.owner] ?? integrationUserId;
    accounts[key] = store.insert(
      'Account',
      {
        Name: account.name,
        ...(account.sageCustomerNumber
          ? { Sage_Customer_Number__c: account.sageCustomerNumber, Type: 'Customer - Direct' }
          : { Type: 'Prospect' }),
        OwnerId: ownerId,
        Phone: details.phone,
        ...(details.website ? { Website: details.website } : {}),
        BillingStreet: details.street,
        BillingCity: details.city,
        BillingState: details.state,
        BillingPostalCode: details.postalCode,
        BillingCountry: 'USA',
      },
      asIntegration,
    );
    store.insert(
      'Contact',
      {
        AccountId: accounts[key],
        OwnerId: ownerId,
        FirstName: details.contact.firstName,
        LastName: details.contact.lastName,
        Email: details.contact.email,
        Phone: details.contact.phone,
        Title: details.contact.title,
        ...(account.sageCustomerNumber ? { Sage_Contact_Key__c: account.sageCustomerNumber } : {}),
      },
      asIntegration,
    );
  }

  const standardBook = store.insert(
    'Pricebook2',
    { Name: STANDARD_PRICE_BOOK, IsActive: true, IsStandard: true },
    asIntegration,
  );
  const entries: Record<string, string> = {};
  for (const [key, product] of Object.entries(SEED_PRODUCTS) as [ProductKey, (typeof SEED_PRODUCTS)[ProductKey]][]) {
    const productId = store.insert(
      'Product2',
      {
        Name: product.name,
        ProductCode: product.sageItemNumber ?? 'SVC-ASSEMBLY',
        IsActive: true,
        Family: product.sageItemNumber ? 'Furniture' : 'Services',
        ...(product.sageItemNumber ? { Sage_Item_Number__c: product.sageItemNumber } : {}),
      },
      asIntegration,
    );
    entries[key] = store.insert(
      'PricebookEntry',
      {
        Pricebook2Id: standardBook,
        Product2Id: productId,
        UnitPrice: product.price,
        IsActive: true,
        ...(product.sageItemNumber ? { Sage_Price_Key__c: `${product.sageItemNumber}|RTL|USD` } : {}),
      },
      asIntegration,
    );
  }

  for (const opportunity of OPPORTUNITY_DETAILS) {
    const accountOwner = users[ACCOUNT_DETAILS[opportunity.account].owner] ?? integrationUserId;
    const opportunityId = store.insert(
      'Opportunity',
      {
        Name: opportunity.name,
        AccountId: accounts[opportunity.account],
        OwnerId: accountOwner,
        StageName: opportunity.stage,
        CloseDate: isoDay(opportunity.daysFromToday),
        Pricebook2Id: standardBook,
        Sage_Order_Status__c: 'Not Pushed',
      },
      asIntegration,
    );
    for (const [product, quantity] of opportunity.lines) {
      store.insert(
        'OpportunityLineItem',
        {
          OpportunityId: opportunityId,
          PricebookEntryId: entries[product],
          Quantity: quantity,
          UnitPrice: SEED_PRODUCTS[product].price,
        },
        asIntegration,
      );
    }
  }
}
