import { SEED_ACCOUNTS } from '../../sandbox/salesforce/server.js';
import { startSystem, type ErrorAnswer, type System } from './harness.js';

interface Provisioned {
  accountId: string;
  customerNumber: string;
  outcome: 'linked' | 'matched' | 'created';
  matchedBy?: string;
}

/** The package's settings: match by name and postal code, sequential numbers. */
let system: System;
/** An org that matches by e-mail and numbers new customers from their names. */
let byEmail: System;

beforeAll(async () => {
  [system, byEmail] = await Promise.all([
    startSystem(),
    startSystem({ connectorSettings: { Customer_Match__c: 'Email', Customer_Number_Strategy__c: 'Name Based' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([system.close(), byEmail.close()]);
});

function accountId(target: System, name: string): string {
  const account = target.salesforce.findOne('Account', (row) => row.Name === name);
  if (!account) throw new Error(`No account ${name}`);
  return String(account.Id);
}

function newAccount(target: System, fields: Record<string, unknown>): string {
  return target.salesforce.insert('Account', fields);
}

describe('provisioning a Sage customer from a Salesforce account', () => {
  it('creates a customer with the next free number and the configured defaults, and links the account', async () => {
    const id = accountId(system, SEED_ACCOUNTS.greenfield.name);
    const highest = Math.max(
      ...system.sage.state.customers
        .all()
        .map((customer) => String(customer.CustomerNumber))
        .filter((number) => /^\d+$/.test(number))
        .map(Number),
    );
    const answer = await system.api<Provisioned>('POST', '/api/v1/customers', { body: { accountId: id } });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ accountId: id, customerNumber: String(highest + 1), outcome: 'created' });
    const customer = system.sage.state.customers.get([answer.body.customerNumber]);
    expect(customer).toMatchObject({
      CustomerName: 'Greenfield Robotics',
      GroupCode: 'RTL',
      Terms: 'N30',
      TaxGroup: 'CALIF',
      CustomerPriceList: 'RTL',
      ZipPostalCode: '78701',
      Email: 'tomas.reyes@greenfieldrobotics.example.com',
    });
    expect(system.salesforce.get('Account', id)?.Sage_Customer_Number__c).toBe(answer.body.customerNumber);

    const again = await system.api<Provisioned>('POST', '/api/v1/customers', { body: { accountId: id } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ accountId: id, customerNumber: answer.body.customerNumber, outcome: 'linked' });
  });

  it('creates one customer when the same account is provisioned ten times at once', async () => {
    const id = newAccount(system, { Name: 'Harbor Freight Co-op', BillingPostalCode: '02110' });
    const before = system.sage.state.customers.all().length;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        system.api<Provisioned>('POST', '/api/v1/customers', { body: { accountId: id } }),
      ),
    );
    expect(new Set(answers.map((answer) => answer.body.customerNumber)).size).toBe(1);
    expect(system.sage.state.customers.all().length).toBe(before + 1);
  });

  it('links an account to the existing customer with the same name and postal code instead of creating one', async () => {
    await system.middleware.sage.customers.create({
      CustomerNumber: 'PIONEER',
      ShortName: 'PIONEER',
      GroupCode: 'RTL',
      CustomerName: 'Pioneer Hardware, Inc.',
      ZipPostalCode: '60601',
    });
    const id = newAccount(system, { Name: 'Pioneer Hardware Inc', BillingPostalCode: '60601' });
    const before = system.sage.state.customers.all().length;
    const answer = await system.api<Provisioned>('POST', '/api/v1/customers', { body: { accountId: id } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      customerNumber: 'PIONEER',
      outcome: 'matched',
      matchedBy: 'Name And Postal Code',
    });
    expect(system.sage.state.customers.all().length).toBe(before);
    expect(system.salesforce.get('Account', id)?.Sage_Customer_Number__c).toBe('PIONEER');
  });

  it('refuses to link a second account to a customer another account already has', async () => {
    const linked = system.sage.state.customers.get(['1400']);
    const id = newAccount(system, {
      Name: String(linked?.CustomerName),
      BillingPostalCode: String(linked?.ZipPostalCode),
    });
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/customers', { body: { accountId: id } });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('CUSTOMER_ALREADY_LINKED');
  });

  it('says so when an account names a customer Sage does not have', async () => {
    const id = newAccount(system, { Name: 'Ghost Traders', Sage_Customer_Number__c: 'GHOST1' });
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/customers', { body: { accountId: id } });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('LINKED_CUSTOMER_MISSING');
    expect(answer.body.error.message).toContain('GHOST1');
  });

  it('answers 404 for an account Salesforce does not have', async () => {
    const answer = await system.api<ErrorAnswer>('POST', '/api/v1/customers', {
      body: { accountId: '001000000000000AAA' },
    });
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('ACCOUNT_NOT_FOUND');
  });

  it('matches by the contact e-mail and names new customers after the account, as the settings say', async () => {
    await byEmail.middleware.sage.customers.create({
      CustomerNumber: 'LAKESIDE',
      ShortName: 'LAKESIDE',
      GroupCode: 'RTL',
      CustomerName: 'Lakeside Books',
      Email: 'orders@lakeside.example.com',
    });
    const matchedId = newAccount(byEmail, { Name: 'Lakeside Books & Café' });
    byEmail.salesforce.insert('Contact', {
      LastName: 'Ng',
      AccountId: matchedId,
      Email: 'orders@lakeside.example.com',
    });
    const matched = await byEmail.api<Provisioned>('POST', '/api/v1/customers', { body: { accountId: matchedId } });
    expect(matched.body).toMatchObject({ customerNumber: 'LAKESIDE', outcome: 'matched', matchedBy: 'Email' });

    const createdId = accountId(byEmail, SEED_ACCOUNTS.greenfield.name);
    const created = await byEmail.api<Provisioned>('POST', '/api/v1/customers', { body: { accountId: createdId } });
    expect(created.status).toBe(201);
    expect(created.body.customerNumber).toBe('GREENFIE');
  });
});
