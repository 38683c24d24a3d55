// The contacts flow, both ways, over both sandboxes and a real store: no ping-pong, and conflicts settled by the master.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

const SAGE_WRITES = ['PATCH AR/ARCustomers', 'PUT AR/ARCustomers', 'POST AR/ARCustomers', 'PATCH AR/ARShipToLocations'];

describe.each(engines)('the contacts flow on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;
  const logLines: Record<string, unknown>[] = [];

  /** The Salesforce contact carrying this Sage contact key. */
  const contact = (key: string) =>
    systems.salesforceSandbox.findOne('Contact', (record) => record.Sage_Contact_Key__c === key) as
      Record<string, unknown> | undefined;
  const customer = (number: string) =>
    systems.sageSandbox.state.customers.get([number]) as Record<string, unknown> & { CustomerNumber: string };
  const editInSage = (number: string, fields: Record<string, unknown>) => {
    const record = customer(number);
    Object.assign(record, fields);
    systems.sageSandbox.state.touch(record);
    systems.sageSandbox.state.customers.changed();
  };
  const editInSalesforce = (key: string, fields: Record<string, unknown>) =>
    systems.salesforceSandbox.update('Contact', String(contact(key)?.Id), fields);

  /** Requests that wrote anything, on each side, since the counters were reset. */
  const writes = () => {
    const sage = systems.sageSandbox.counts() as Record<string, number>;
    const salesforce = systems.salesforceSandbox.counts();
    return {
      sage: SAGE_WRITES.reduce((sum, route) => sum + (sage[route] ?? 0), 0),
      salesforce: salesforce.collectionWrite + salesforce.singleWrite + salesforce.bulkJob,
    };
  };
  const resetCounts = () => {
    systems.sageSandbox.resetCounts();
    systems.salesforceSandbox.resetCounts();
  };
  /** One cycle of both directions: Sage customers → Accounts, then contacts both ways. */
  const cycle = async () => {
    const accounts = await runtime.runFlowNow('customers');
    const contacts = await runtime.runFlowNow('contacts');
    expect(accounts.outcome).toBe('succeeded');
    expect(contacts.outcome).toBe('succeeded');
    return contacts;
  };

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeDatabase('contacts flow');
    store = await openStore(database.url);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    runtime = await startTestRuntime(systems, store, { logger: pino({ level: 'info' }, sink) });
    await cycle();
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('links every customer contact and ship-to contact to one Contact under the Account, and then writes nothing', async () => {
    const account1200 = systems.salesforceSandbox.findOne('Account', (a) => a.Sage_Customer_Number__c === '1200');
    expect(contact('1200')).toMatchObject({ AccountId: account1200?.Id, LastName: 'Bell', FirstName: 'Marcus' });
    expect(contact('1200|OFFICE')).toMatchObject({ AccountId: account1200?.Id, FirstName: 'Marcus', LastName: 'Bell' });
    expect(contact('1200|MARKET')).toMatchObject({
      AccountId: account1200?.Id,
      LastName: 'Flores',
      Email: 'ana.flores@blackrockretail.example.com',
    });
    expect(contact('1100|WAREHS')).toBeDefined();
    expect(await store.links.count('contact')).toBeGreaterThanOrEqual(8);

    resetCounts();
    expect(await runtime.runFlowNow('customers')).toMatchObject({ outcome: 'succeeded' });
    resetCounts();
    const result = await runtime.runFlowNow('contacts');
    expect(result).toMatchObject({ outcome: 'succeeded', created: 0, updated: 0, failed: 0 });
    expect(writes()).toEqual({ sage: 0, salesforce: 0 });
    // Nothing changed: one read of each Sage stream and one Salesforce query, nothing else on either side.
    expect(systems.salesforceSandbox.counts()).toMatchObject({ total: 1, query: 1 });
    expect(systems.sageSandbox.counts()).toEqual({ 'GET AR/ARCustomers': 1, 'GET AR/ARShipToLocations': 1 });
  });

  it('writes a contact edited in Salesforce to Sage once, and nothing more over three further cycles', async () => {
    editInSalesforce('1100', { Email: 'tom.baker@mountainoutfitters.example.com', Phone: '(503) 555-0199' });
    resetCounts();
    const first = await cycle();
    expect(first).toMatchObject({ updated: 1, failed: 0 });
    expect(systems.sageSandbox.counts()['PATCH AR/ARCustomers']).toBe(1);
    expect(writes()).toEqual({ sage: 1, salesforce: 0 });
    expect(customer('1100')).toMatchObject({
      ContactsEmail: 'tom.baker@mountainoutfitters.example.com',
      ContactsPhone: '(503) 555-0199',
    });

    for (let round = 1; round <= 3; round++) {
      resetCounts();
      const again = await cycle();
      expect(again).toMatchObject({ created: 0, updated: 0, failed: 0 });
      expect(writes()).toEqual({ sage: 0, salesforce: 0 });
    }
  });

  it('writes a contact edited in Sage to Salesforce once, and nothing more over three further cycles', async () => {
    editInSage('1105', { ContactName: 'Priya  Raman-Shah', ContactsPhone: '510 555 0100' });
    resetCounts();
    const first = await cycle();
    expect(first).toMatchObject({ updated: 1, failed: 0 });
    expect(writes()).toEqual({ sage: 0, salesforce: 1 });
    expect(contact('1105')).toMatchObject({ FirstName: 'Priya', LastName: 'Raman-Shah', Phone: '510 555 0100' });

    for (let round = 1; round <= 3; round++) {
      resetCounts();
      const again = await cycle();
      expect(again).toMatchObject({ created: 0, updated: 0, failed: 0 });
      expect(writes()).toEqual({ sage: 0, salesforce: 0 });
    }
  });

  it('settles a field both sides changed with the master’s value on both sides and logs the loser once', async () => {
    editInSalesforce('1200', { Email: 'marcus@blackrock.example.com' });
    editInSage('1200', { ContactsEmail: 'm.bell@blackrock.example.com', ContactsPhone: '4155550999' });
    const before = await store.conflicts.count('contacts');
    logLines.length = 0;

    resetCounts();
    const result = await cycle();
    expect(result).toMatchObject({ updated: 1, failed: 0 });
    // One write each way: the winning e-mail to Sage, the phone to Salesforce.
    expect(writes()).toEqual({ sage: 1, salesforce: 1 });
    // Salesforce masters the e-mail: its value ends on both sides; the phone changed only in Sage and flows over.
    expect(customer('1200').ContactsEmail).toBe('marcus@blackrock.example.com');
    expect(contact('1200')).toMatchObject({ Email: 'marcus@blackrock.example.com', Phone: '4155550999' });

    const conflicts = await store.conflicts.list({ flow: 'contacts' });
    expect(conflicts).toHaveLength(before + 1);
    expect(conflicts[0]).toMatchObject({
      recordKey: '1200',
      field: 'ContactsEmail / Email',
      master: 'Salesforce',
      loser: 'Sage',
      winningValue: 'marcus@blackrock.example.com',
      losingValue: 'm.bell@blackrock.example.com',
      runId: result.runId,
    });
    const logged = logLines.filter((line) => line.losingValue !== undefined);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ runId: result.runId, recordKey: '1200', master: 'Salesforce' });
    expect(String(logged[0]?.msg)).toContain('Sage\'s value "m.bell@blackrock.example.com" was overwritten');

    for (let round = 1; round <= 3; round++) {
      resetCounts();
      await cycle();
      expect(writes()).toEqual({ sage: 0, salesforce: 0 });
    }
    expect(await store.conflicts.count('contacts')).toBe(before + 1);
    expect(logLines.filter((line) => line.losingValue !== undefined)).toHaveLength(1);
  });

  it('gives the key of a Contact merged into another to the survivor, writing nothing to Sage and no second Contact', async () => {
    const account1105 = systems.salesforceSandbox.findOne('Account', (a) => a.Sage_Customer_Number__c === '1105');
    const merged = contact('1105');
    const survivorId = systems.salesforceSandbox.insert('Contact', {
      AccountId: account1105?.Id,
      FirstName: 'Priya',
      LastName: 'Raman-Shah',
      Phone: '510 555 0100',
      Email: merged?.Email,
    });
    systems.salesforceSandbox.merge('Contact', survivorId, [String(merged?.Id)]);
    const underAccount = () =>
      systems.salesforceSandbox.records('Contact').filter((record) => record.AccountId === account1105?.Id);
    const before = underAccount().length;
    resetCounts();
    await cycle();
    // No Sage write for a merge; the survivor now carries the key and the link.
    expect(writes()).toEqual({ sage: 0, salesforce: 1 });
    expect(contact('1105')?.Id).toBe(survivorId);
    expect((await store.links.get('contact', '1105'))?.salesforceId?.slice(0, 15)).toBe(survivorId.slice(0, 15));

    // A later change in Sage reaches the survivor, not a new Contact.
    editInSage('1105', { ContactsPhone: '510 555 0142' });
    resetCounts();
    await cycle();
    expect(writes()).toEqual({ sage: 0, salesforce: 1 });
    expect(contact('1105')).toMatchObject({ Id: survivorId, Phone: '510 555 0142' });
    expect(underAccount()).toHaveLength(before);
  });

  it('changes nothing in Sage when a primary Contact is deleted in Salesforce', async () => {
    const deleted = contact('1400');
    expect(deleted).toBeDefined();
    systems.salesforceSandbox.delete('Contact', String(deleted?.Id));
    resetCounts();
    const result = await cycle();
    expect(result).toMatchObject({ failed: 0 });
    expect(writes().sage).toBe(0);
    expect(customer('1400').ContactName).toBeTruthy();
  });

  it('sends a ship-to location’s contact to Salesforce and never the other way', async () => {
    const location = systems.sageSandbox.state.shipToLocations.get(['1200', 'MARKET']) as Record<string, unknown>;
    location.ContactName = 'Ana Flores Ruiz';
    systems.sageSandbox.state.touch(location);
    systems.sageSandbox.state.shipToLocations.changed();
    editInSalesforce('1200|OFFICE', { Phone: '4155550000' });
    resetCounts();
    await cycle();
    expect(contact('1200|MARKET')).toMatchObject({ FirstName: 'Ana Flores', LastName: 'Ruiz' });
    expect(writes()).toEqual({ sage: 0, salesforce: 1 });
    expect(
      (systems.sageSandbox.state.shipToLocations.get(['1200', 'OFFICE']) as Record<string, unknown>).PhoneNumber,
    ).toBe('4155550120');
  });
});
