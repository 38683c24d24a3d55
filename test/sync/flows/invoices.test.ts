// The invoices flow over both sandboxes and a real store: Sage ARPostedDocuments → Salesforce Sage_Invoice__c.
import { openStore, type Store } from '../../../middleware/src/store/index.js';
import type { SyncRuntime } from '../../../middleware/src/sync/runtime.js';
import type { SageRecord } from '../../../sandbox/sage300/records.js';
import { engines, type TestDatabase } from '../../store/test-databases.js';
import { startTestRuntime, startTestSystems, type TestSystems } from '../systems.js';

/** The Sage_Invoice__c records of the Salesforce sandbox by document key. */
function invoicesByKey(systems: TestSystems): Map<string, Record<string, unknown>> {
  return new Map(
    systems.salesforceSandbox
      .records('Sage_Invoice__c')
      .map((invoice) => [String(invoice.Sage_Document_Key__c), invoice as Record<string, unknown>]),
  );
}

const dayOf = (value: unknown) => (typeof value === 'string' ? value.slice(0, 10) : null);

describe.each(engines)('the invoices flow on %s', (_name, makeDatabase) => {
  let systems: TestSystems;
  let database: TestDatabase;
  let store: Store;
  let runtime: SyncRuntime;
  let documents: () => SageRecord[];
  const accountOf = (customerNumber: string) =>
    systems.salesforceSandbox.findOne('Account', (account) => account.Sage_Customer_Number__c === customerNumber)?.Id;

  beforeAll(async () => {
    systems = await startTestSystems();
    database = makeDatabase('invoices flow');
    store = await openStore(database.url);
    runtime = await startTestRuntime(systems, store);
    documents = () => systems.sageSandbox.state.postedDocuments.all();
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await database.drop();
    await systems.close();
  });

  it('writes every posted document once, with customer 1200 field by field', async () => {
    const all = documents();
    expect(all).toHaveLength(14);
    const result = await runtime.runFlowNow('invoices');
    expect(result).toMatchObject({ outcome: 'succeeded', read: 14, created: 14, updated: 0, failed: 0 });

    const invoices = invoicesByKey(systems);
    expect(invoices.size).toBe(14);
    const account1200 = accountOf('1200');
    const ledger = all.filter((document) => document.CustomerNumber === '1200');
    expect(ledger).toHaveLength(5);
    const byAmount = new Map(ledger.map((document) => [document.CustomerCurrencyInvoiceAmount, document]));
    const expected: [number, string, number, string | null][] = [
      // amount, status, balance, last payment
      [2780, 'Paid', 0, dayOf(byAmount.get(2780)?.DatePaid)],
      [5000, 'Overdue', 3240, dayOf(byAmount.get(5000)?.LastActivityDate)],
      [2150, 'Open', 2150, null],
      [4815.6, 'Open', 4815.6, null],
      [-250, 'Credit', -250, null],
    ];
    for (const [amount, status, balance, lastPayment] of expected) {
      const document = byAmount.get(amount) as SageRecord;
      const key = `1200|${String(document.DocumentNumber)}`;
      expect(invoices.get(key)).toMatchObject({
        Name: document.DocumentNumber,
        Document_Number__c: document.DocumentNumber,
        Account__c: account1200,
        Amount__c: amount,
        Balance_Due__c: balance,
        Status__c: status,
        Document_Type__c: amount < 0 ? 'Credit Note' : 'Invoice',
        Currency_Code__c: 'USD',
        Document_Date__c: dayOf(document.DocumentDate),
        Due_Date__c: dayOf(document.DueDate),
        Last_Payment_Date__c: lastPayment,
        PO_Number__c: (document.PONumber as string) || null,
        Opportunity__c: null,
      });
      expect(invoices.get(key)?.Last_Synced__c).toBeTruthy();
    }
    expect(byAmount.get(5000)?.LastActivityDate).toBeTruthy();
    expect(await store.links.count('invoice')).toBe(14);
  });

  it('reads one page and writes nothing to Salesforce when nothing changed', async () => {
    systems.sageSandbox.resetCounts();
    systems.salesforceSandbox.resetCounts();
    const result = await runtime.runFlowNow('invoices');
    expect(result).toMatchObject({ outcome: 'succeeded', created: 0, updated: 0, failed: 0 });
    expect(result.unchanged).toBe(result.read);
    expect(systems.sageSandbox.counts()).toEqual({ 'GET AR/ARPostedDocuments': 1 });
    expect(systems.salesforceSandbox.counts()).toMatchObject({ collectionWrite: 0, bulkJob: 0, singleWrite: 0 });
  });

  it('shows a payment and a new invoice after the next run', async () => {
    const open = documents().find(
      (document) => document.CustomerNumber === '1200' && document.CustomerCurrencyInvoiceAmount === 2150,
    ) as SageRecord;
    // Through the sandbox's control endpoint, as a posted receipt: the amount due and LastActivityDate move.
    const answer = await fetch(`${new URL(systems.sageSandbox.apiRoot).origin}/_sandbox/payments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ customerNumber: '1200', documentNumber: open.DocumentNumber, amount: 650 }),
    });
    expect(answer.status).toBe(201);
    const { document: paid } = (await answer.json()) as { document: SageRecord };
    expect(paid).toMatchObject({ CustomerCurrencyAmountDue: 1500, FullyPaid: 'No', DatePaid: null });
    expect(dayOf(paid.LastActivityDate)).toBe(new Date().toISOString().slice(0, 10));
    const fresh = systems.sageSandbox.state.postDocument(
      systems.sageSandbox.state.customers.get(['1400']) as SageRecord,
      {
        DocumentNumber: 'IN000000009001',
        DocumentType: 'Invoice',
        DocumentDate: new Date(),
        Amount: 999.95,
        PONumber: 'CVS-PO-7901',
      },
    );
    systems.sageSandbox.state.refreshCustomerFinancials('1400');

    const result = await runtime.runFlowNow('invoices');
    expect(result).toMatchObject({ outcome: 'succeeded', created: 1, updated: 1, failed: 0 });
    const invoices = invoicesByKey(systems);
    expect(invoices.get(`1200|${String(open.DocumentNumber)}`)).toMatchObject({
      Balance_Due__c: 1500,
      Status__c: 'Partially Paid',
      Last_Payment_Date__c: new Date().toISOString().slice(0, 10),
    });
    expect(invoices.get('1400|IN000000009001')).toMatchObject({
      Amount__c: 999.95,
      Balance_Due__c: 999.95,
      Status__c: 'Open',
      PO_Number__c: 'CVS-PO-7901',
      Account__c: accountOf('1400'),
      Due_Date__c: dayOf(fresh.DueDate),
    });

    // Paid in full: the status follows.
    systems.sageSandbox.recordPayment({
      customerNumber: '1200',
      documentNumber: String(open.DocumentNumber),
      amount: 1500,
    });
    expect(await runtime.runFlowNow('invoices')).toMatchObject({ outcome: 'succeeded', updated: 1 });
    expect(invoicesByKey(systems).get(`1200|${String(open.DocumentNumber)}`)).toMatchObject({
      Balance_Due__c: 0,
      Status__c: 'Paid',
    });
  });

  it('links the Opportunity whose pushed order the document bills, from the order ledger', async () => {
    const opportunity = systems.salesforceSandbox.findOne(
      'Opportunity',
      (record) => record.Name === 'Black Rock Retail - Store Refit',
    );
    const opportunityId = String(opportunity?.Id);
    await store.orderLedger.claim(opportunityId, 'test', 60_000);
    await store.orderLedger.recordCreated(opportunityId, { orderNumber: 'ORD000000777', uniquifier: 777, result: {} });
    systems.sageSandbox.state.postDocument(systems.sageSandbox.state.customers.get(['1200']) as SageRecord, {
      DocumentNumber: 'IN000000009002',
      DocumentType: 'Invoice',
      DocumentDate: new Date(),
      Amount: 1498,
      OrderNumber: 'ORD000000777',
    });

    expect(await runtime.runFlowNow('invoices')).toMatchObject({ outcome: 'succeeded', created: 1 });
    expect(invoicesByKey(systems).get('1200|IN000000009002')).toMatchObject({
      Opportunity__c: opportunityId,
      Order_Number__c: 'ORD000000777',
    });
  });

  it('parks a document Salesforce refuses with its reason, writes the rest of the page, and writes it on retry', async () => {
    const [refused, accepted] = documents().filter((document) => document.CustomerNumber === '1105') as [
      SageRecord,
      SageRecord,
    ];
    const refusedKey = `1105|${String(refused.DocumentNumber)}`;
    systems.salesforceSandbox.addValidationRule({
      object: 'Sage_Invoice__c',
      field: 'Balance_Due__c',
      message: 'Balance cannot change while the account is in collections',
      rejects: (record) => record.Sage_Document_Key__c === refusedKey,
    });
    systems.sageSandbox.recordPayment({
      customerNumber: '1105',
      documentNumber: String(refused.DocumentNumber),
      amount: 100,
    });
    systems.sageSandbox.recordPayment({
      customerNumber: '1105',
      documentNumber: String(accepted.DocumentNumber),
      amount: 200,
    });

    const result = await runtime.runFlowNow('invoices');
    expect(result).toMatchObject({ outcome: 'partial', updated: 1, failed: 1 });
    const failures = await runtime.listFailures({ flow: 'invoices', status: 'open' });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      recordKey: refusedKey,
      errorKind: 'permanent',
      errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      waitsFor: null,
    });
    expect(failures[0]?.errorMessage).toMatch(/Balance cannot change while the account is in collections/);
    const invoices = invoicesByKey(systems);
    expect(invoices.get(`1105|${String(accepted.DocumentNumber)}`)?.Balance_Due__c).toBe(
      accepted.CustomerCurrencyAmountDue as number,
    );
    expect(invoices.get(refusedKey)?.Balance_Due__c).toBe((refused.CustomerCurrencyAmountDue as number) + 100);

    systems.salesforceSandbox.clearValidationRules();
    const retried = await runtime.retryFailure(failures[0]?.id ?? -1);
    expect(retried.failure.status).toBe('resolved');
    expect(retried.run).toMatchObject({ outcome: 'succeeded', updated: 1 });
    expect(invoicesByKey(systems).get(refusedKey)?.Balance_Due__c).toBe(refused.CustomerCurrencyAmountDue);
  });

  it('keeps a document of a customer with no Account waiting, and writes it once the customers flow links it', async () => {
    const state = systems.sageSandbox.state;
    const customer: SageRecord = { ...(state.customers.get(['1400']) as SageRecord), CustomerNumber: '1234' };
    customer.CustomerName = 'Harbour Lights Cafe';
    state.customers.put(customer);
    state.touch(customer);
    state.postDocument(customer, {
      DocumentNumber: 'IN000000009003',
      DocumentType: 'Invoice',
      DocumentDate: new Date(),
      Amount: 310,
    });
    state.refreshCustomerFinancials('1234');

    const first = await runtime.runFlowNow('invoices');
    expect(first).toMatchObject({ outcome: 'partial', failed: 1 });
    const [waiting] = await runtime.listFailures({ flow: 'invoices', status: 'open' });
    expect(waiting).toMatchObject({
      recordKey: '1234|IN000000009003',
      errorCode: 'CUSTOMER_NOT_LINKED',
      errorMessage: 'customer 1234 has no Salesforce account',
      waitsFor: { entity: 'customer', key: '1234' },
    });
    // Not due before the customer is linked: another run leaves it waiting without writing it again.
    systems.salesforceSandbox.resetCounts();
    expect(await runtime.runFlowNow('invoices')).toMatchObject({ outcome: 'succeeded', created: 0, failed: 0 });
    expect(systems.salesforceSandbox.counts().collectionWrite).toBe(0);

    expect(await runtime.runFlowNow('customers')).toMatchObject({ failed: 0 });
    expect(accountOf('1234')).toBeTruthy();
    const after = await runtime.runFlowNow('invoices');
    expect(after).toMatchObject({ outcome: 'succeeded', created: 1, failed: 0 });
    expect(invoicesByKey(systems).get('1234|IN000000009003')).toMatchObject({
      Account__c: accountOf('1234'),
      Amount__c: 310,
      Status__c: 'Open',
    });
    expect((await store.failures.get(waiting?.id ?? -1))?.status).toBe('resolved');
  });

  it('restores an invoice edited by hand in Salesforce in a drift-repair pass, and reports one repair', async () => {
    const invoice = invoicesByKey(systems).get(
      `1200|${String(documents().find((document) => document.CustomerCurrencyInvoiceAmount === 4815.6)?.DocumentNumber)}`,
    ) as Record<string, unknown>;
    systems.salesforceSandbox.update('Sage_Invoice__c', String(invoice.Id), { Balance_Due__c: 1, Status__c: 'Paid' });

    // The incremental run does not see it: nothing changed in Sage.
    expect(await runtime.runFlowNow('invoices')).toMatchObject({ outcome: 'succeeded', updated: 0 });
    expect(systems.salesforceSandbox.get('Sage_Invoice__c', String(invoice.Id))?.Balance_Due__c).toBe(1);

    const repair = await runtime.runFlowNow('invoices', { repair: true });
    expect(repair).toMatchObject({ outcome: 'succeeded', repaired: 1, updated: 1, failed: 0 });
    expect(repair.message).toBe('drift repair: 1 record(s) repaired');
    expect(systems.salesforceSandbox.get('Sage_Invoice__c', String(invoice.Id))).toMatchObject({
      Balance_Due__c: 4815.6,
      Status__c: 'Open',
    });
    expect(await store.repairs.get('invoices')).toMatchObject({ inProgress: false, repaired: 1 });

    systems.salesforceSandbox.resetCounts();
    expect(await runtime.runFlowNow('invoices', { repair: true })).toMatchObject({ repaired: 0, updated: 0 });
    expect(systems.salesforceSandbox.counts()).toMatchObject({ collectionWrite: 0, bulkJob: 0 });
  });

  it('resumes a drift-repair pass a crash interrupted from its checkpoint, not from the start', async () => {
    const invoices = invoicesByKey(systems);
    const keyOf = (customer: string) =>
      `${customer}|${String(documents().find((document) => document.CustomerNumber === customer)?.DocumentNumber)}`;
    const before = invoices.get(keyOf('1100')) as Record<string, unknown>;
    const after = invoices.get(keyOf('1400')) as Record<string, unknown>;
    systems.salesforceSandbox.update('Sage_Invoice__c', String(before.Id), { Balance_Due__c: 2 });
    systems.salesforceSandbox.update('Sage_Invoice__c', String(after.Id), { Balance_Due__c: 3 });
    // A pass that committed the pages up to customer 1200's last document, then died.
    const lastOf1200 = documents()
      .filter((document) => document.CustomerNumber === '1200')
      .map((document) => String(document.DocumentNumber))
      .sort()
      .at(-1);
    await store.repairs.start('invoices');
    await store.repairs.checkpoint('invoices', { since: null, afterKey: `1200|${lastOf1200}`, newest: null }, 4);

    const resumed = await runtime.runFlowNow('invoices', { repair: true });
    expect(resumed).toMatchObject({ outcome: 'succeeded', repaired: 5, updated: 1 });
    expect(systems.salesforceSandbox.get('Sage_Invoice__c', String(after.Id))?.Balance_Due__c).not.toBe(3);
    expect(systems.salesforceSandbox.get('Sage_Invoice__c', String(before.Id))?.Balance_Due__c).toBe(2);
    expect(await store.repairs.get('invoices')).toMatchObject({ inProgress: false, repaired: 5 });

    // The next pass starts from the beginning and finds the other one.
    expect(await runtime.runFlowNow('invoices', { repair: true })).toMatchObject({ repaired: 1 });
    expect(systems.salesforceSandbox.get('Sage_Invoice__c', String(before.Id))?.Balance_Due__c).not.toBe(2);
  });
});
