import {
  SEED_ACCOUNTS,
  SEED_OPPORTUNITIES,
  SEED_PRODUCTS,
  STANDARD_PRICE_BOOK,
} from '../../../sandbox/salesforce/server.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

interface Page {
  records: Record<string, unknown>[];
}

beforeAll(async () => {
  // The repository's own package: the seed must fit the schema the package defines.
  h = await startHarness({ repositoryPackage: true });
});

afterAll(async () => {
  await h.close();
});

const rows = async (soql: string) => ((await h.query(soql)).body as Page).records;

describe('sandbox seed', () => {
  test('accounts mirror the Sage customers, each with an owner and a contact; Greenfield has no Sage number', async () => {
    const accounts = await rows(
      'SELECT Name, Sage_Customer_Number__c, Owner.Name, (SELECT LastName, Email FROM Contacts) FROM Account ORDER BY Name',
    );

    expect(accounts.map((account) => [account.Sage_Customer_Number__c, account.Name])).toEqual(
      Object.values(SEED_ACCOUNTS)
        .map((account) => [account.sageCustomerNumber, account.name])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
    for (const account of accounts) {
      expect((account.Owner as { Name: string }).Name).toBeTruthy();
      expect((account.Contacts as Page).records.length).toBeGreaterThan(0);
    }
  });

  test('products carry the Sage item numbers and have standard prices', async () => {
    const entries = await rows(
      `SELECT Product2.Name, Product2.Sage_Item_Number__c, UnitPrice FROM PricebookEntry WHERE Pricebook2.Name = '${STANDARD_PRICE_BOOK}' AND Pricebook2.IsStandard = true`,
    );

    expect(
      entries.map((entry) => (entry.Product2 as { Sage_Item_Number__c: string | null }).Sage_Item_Number__c).sort(),
    ).toEqual(
      Object.values(SEED_PRODUCTS)
        .map((product) => product.sageItemNumber)
        .sort(),
    );
  });

  test('the named opportunities exist with line items of Sage items, and amounts that add up', async () => {
    const opportunities = await rows(
      'SELECT Name, StageName, IsWon, Amount, Account.Sage_Customer_Number__c, (SELECT Quantity, UnitPrice, TotalPrice, Product2.Sage_Item_Number__c FROM OpportunityLineItems) FROM Opportunity',
    );
    const byName = new Map(opportunities.map((opportunity) => [opportunity.Name, opportunity]));
    const lines = (name: string) =>
      ((byName.get(name)?.OpportunityLineItems as Page | null)?.records ?? []).map((line) => [
        (line.Product2 as { Sage_Item_Number__c: string | null }).Sage_Item_Number__c,
        line.Quantity,
      ]);

    expect([...byName.keys()].sort()).toEqual(Object.values(SEED_OPPORTUNITIES).sort());
    expect(byName.get(SEED_OPPORTUNITIES.blackRockClosedWon)).toMatchObject({
      StageName: 'Closed Won',
      IsWon: true,
      Account: { Sage_Customer_Number__c: '1200' },
    });
    expect(lines(SEED_OPPORTUNITIES.blackRockClosedWon)).toEqual([
      ['A1-105/0', 2],
      ['A14500', 5],
    ]);
    expect(byName.get(SEED_OPPORTUNITIES.blackRockOpen)).toMatchObject({ StageName: 'Prospecting', IsWon: false });
    expect(lines(SEED_OPPORTUNITIES.mountainWithUnknownItem).map(([item]) => item)).toContain('ZZ-404');
    expect(lines(SEED_OPPORTUNITIES.cedarValleyUnlinkedProduct).map(([item]) => item)).toContain(null);
    expect(byName.get(SEED_OPPORTUNITIES.greenfieldNewCustomer)?.Account).toMatchObject({
      Sage_Customer_Number__c: null,
    });
    for (const opportunity of opportunities) {
      const total = ((opportunity.OpportunityLineItems as Page).records ?? []).reduce(
        (sum, line) => sum + Number(line.TotalPrice),
        0,
      );
      expect(opportunity.Amount).toBeCloseTo(total, 2);
    }
  });

  test('record ids have Salesforce key prefixes and the 18-character shape', async () => {
    const prefixes: Record<string, string> = {
      Account: '001',
      Contact: '003',
      Opportunity: '006',
      OpportunityLineItem: '00k',
      Product2: '01t',
      Pricebook2: '01s',
      PricebookEntry: '01u',
      User: '005',
    };
    for (const [type, prefix] of Object.entries(prefixes)) {
      const [first] = await rows(`SELECT Id FROM ${type} LIMIT 1`);
      expect(String(first?.Id)).toMatch(new RegExp(`^${prefix}[A-Za-z0-9]{12}[A-Z0-5]{3}$`));
    }
  });

  test("the package's custom metadata records are queryable", async () => {
    const [setting] = await rows(
      "SELECT DeveloperName, Credit_Warning_Threshold__c FROM Sage_Connector_Setting__mdt WHERE DeveloperName = 'Default'",
    );

    expect(setting).toMatchObject({ DeveloperName: 'Default', Credit_Warning_Threshold__c: 80 });
  });

  test("the package's credit formulas are computed from the Sage balance and limit", async () => {
    const account = h.sandbox.findOne('Account', (record) => record.Sage_Customer_Number__c === '1105');
    h.sandbox.update('Account', String(account?.Id), { Sage_Balance__c: 24581.25, Sage_Credit_Limit__c: 20000 });

    const [bayside] = await rows(
      "SELECT Sage_Available_Credit__c, Sage_Credit_Utilisation__c FROM Account WHERE Sage_Customer_Number__c = '1105'",
    );
    const [northwind] = await rows(
      "SELECT Sage_Credit_Utilisation__c FROM Account WHERE Sage_Customer_Number__c = '1500'",
    );

    expect(bayside).toMatchObject({ Sage_Available_Credit__c: -4581.25, Sage_Credit_Utilisation__c: 122.91 });
    expect(northwind?.Sage_Credit_Utilisation__c).toBeNull();
  });
});
