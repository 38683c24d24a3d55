/**
 * What a sales rep and an admin see in Salesforce, rendered from the package's own components in Chromium against the
 * middleware and its sandboxes: the Account page's Sage 300 figures, the one-click order push, Sage's refusals, and
 * the Sync Console.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import {
  accessibilityProblems,
  launchBrowser,
  scenario,
  screenshot,
  startPreviewSystem,
  usd,
  visibleText,
  type PreviewSystem,
} from './harness.js';

let system: PreviewSystem;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const context = () => browser.context;

beforeAll(async () => {
  system = await startPreviewSystem();
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

function accountIdOf(customerNumber: string): string {
  const account = system.salesforce.findOne('Account', (row) => row.Sage_Customer_Number__c === customerNumber);
  if (!account) throw new Error(`No seeded account for customer ${customerNumber}`);
  return String(account.Id);
}

function opportunityIdOf(name: string): string {
  const opportunity = system.salesforce.findOne('Opportunity', (row) => row.Name === name);
  if (!opportunity) throw new Error(`No seeded opportunity named ${name}`);
  return String(opportunity.Id);
}

function sageOrdersFor(opportunityId: string) {
  return system.sage.state.orders.all().filter((order) => order.OrderReference === opportunityId);
}

async function openRecord(page: Page, object: 'Account' | 'Opportunity', id: string): Promise<void> {
  await page.goto(`${system.previewUrl}r/${object}/${id}/view`);
}

/** Opens the opportunity's "Push to Sage 300" action and waits for the order preview. */
async function openPushAction(page: Page, opportunityId: string): Promise<void> {
  await openRecord(page, 'Opportunity', opportunityId);
  await page.locator('preview-record-header').getByRole('button', { name: 'Push to Sage 300' }).click();
  await page.getByRole('dialog', { name: 'Push to Sage 300' }).locator('.customer').waitFor();
}

const pushButton = (page: Page) =>
  page.getByRole('dialog', { name: 'Push to Sage 300' }).locator('.slds-modal__footer').getByRole('button', {
    name: 'Push to Sage 300',
  });

/** Days from a due date to today (UTC), 0 when not yet due: the definition the aging buckets use. */
function daysOverdue(dueDate: unknown, today: number): number {
  if (typeof dueDate !== 'string') return 0;
  const due = Date.parse(dueDate.slice(0, 10));
  return Math.max(0, Math.round((today - due) / 86_400_000));
}

describe('npm start in embedded mode', () => {
  it('prints the preview URL, the API key and three things to try', () => {
    const text = system.announced.join('\n');
    const key = system.middleware.generatedKey ?? '';
    expect(key).toMatch(/^dev-/);
    expect(text).toContain(`API key (development only, new each start): ${key}`);
    expect(text).toContain(`1. Open ${system.previewUrl} in a browser`);
    expect(text).toContain(
      `2. Ask for a customer's Sage 300 figures as Salesforce does:\n     curl -H "Authorization: Bearer ${key}" ${system.middleware.url}/api/v1/customers/1200/financials`,
    );
    expect(text).toContain('3. In a second terminal, see the sync runs and failed records: npm run sage-sf -- status');
  });
});

describe('the accessibility check every scenario ends with', () => {
  it('reports the serious and critical problems of a page that has them', async () => {
    const page = await context().newPage();
    try {
      await page.setContent('<main><button></button><img src="data:,"></main>');
      const problems = await accessibilityProblems(page);
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^critical button-name/),
          expect.stringMatching(/^critical image-alt/),
        ]),
      );
    } finally {
      await page.close();
    }
  });
});

describe('the preview in Chromium', () => {
  scenario(
    'the Account page shows the balance, credit limit, aging and open invoices Sage 300 holds',
    context,
    async ({ page }) => {
      const customerNumber = '1105';
      const customer = system.sage.state.customers.get([customerNumber]);
      const open = system.sage.state.postedDocuments
        .withFirstKey(customerNumber)
        .filter((document) => document.FullyPaid !== 'Yes' && Number(document.CustomerCurrencyAmountDue) !== 0);
      expect(open.length).toBeGreaterThan(0);
      const now = new Date();
      const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
      const aging = { current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 };
      for (const document of open) {
        const due = Number(document.CustomerCurrencyAmountDue);
        const days = due < 0 ? 0 : daysOverdue(document.DueDate, today);
        const bucket =
          days <= 0
            ? 'current'
            : days <= 30
              ? 'days1to30'
              : days <= 60
                ? 'days31to60'
                : days <= 90
                  ? 'days61to90'
                  : 'over90';
        aging[bucket] += due;
      }

      await openRecord(page, 'Account', accountIdOf(customerNumber));
      const panel = page.locator('c-sage-account-financials');
      const figure = (label: string) =>
        panel
          .locator('dl > div')
          .filter({ has: page.getByText(label, { exact: true }) })
          .locator('dd');
      await figure('Balance').waitFor();
      expect(await visibleText(figure('Balance'))).toBe(usd(Number(customer?.BalanceDueInCustomerCurrency)));
      expect(await visibleText(figure('Credit limit'))).toBe(usd(Number(customer?.CreditLimitCustomerCurrency)));

      const agingTable = panel.getByRole('table', { name: 'Open balance by days past due' });
      expect(await agingTable.locator('tbody td').allInnerTexts()).toEqual(
        Object.values(aging).map((amount) => usd(amount)),
      );

      // Each row header is the document number, after the overdue icon's alternative text.
      const rowHeaders = await panel.locator('lightning-datatable tbody tr th').allInnerTexts();
      const documentNumbers = rowHeaders.map((text) => text.trim().split('\n').at(-1)?.trim());
      expect(documentNumbers.sort()).toEqual(open.map((document) => String(document.DocumentNumber)).sort());
      await screenshot(page, 'preview-account-page');
    },
  );

  scenario(
    'an account over its credit limit shows its credit alert once the creditAlerts flow has run',
    context,
    async ({ page }) => {
      const customerNumber = '1105';
      const customer = system.sage.state.customers.get([customerNumber]);
      const balance = Number(customer?.BalanceDueInCustomerCurrency);
      const limit = Number(customer?.CreditLimitCustomerCurrency);
      expect(balance).toBeGreaterThan(limit);
      // The seeded accounts carry their customer numbers, so the alert flow needs no customers run first.
      const run = await system.api<{ run: { outcome: string } }>('POST', '/api/v1/sync/flows/creditAlerts/run');
      expect(run.status).toBe(200);

      await openRecord(page, 'Account', accountIdOf(customerNumber));
      const alert = page.locator('c-sage-credit-alerts li.alert');
      await alert.first().waitFor();
      expect(await alert.count()).toBe(1);
      expect(await visibleText(alert.locator('.alert-type'))).toBe('Over Limit');
      const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
      expect(await visibleText(alert.locator('.utilisation'))).toBe(percent.format(balance / limit));
      await screenshot(page, 'preview-credit-alert');
    },
  );

  scenario(
    'an account without a Sage number is created in Sage 300 from its financials card, which then shows the customer',
    context,
    async ({ page }) => {
      const name = 'Harbourside Bicycle Co-op';
      const accountId = system.salesforce.insert('Account', {
        Name: name,
        BillingStreet: '12 Quay Street',
        BillingCity: 'Halifax',
        BillingState: 'NS',
        BillingPostalCode: 'B3J 1A1',
        BillingCountry: 'Canada',
        Phone: '(902) 555-0117',
      });
      const sageCustomersNamed = () =>
        system.sage.state.customers.all().filter((customer) => customer.CustomerName === name);
      expect(sageCustomersNamed()).toHaveLength(0);

      await openRecord(page, 'Account', accountId);
      const panel = page.locator('c-sage-account-financials');
      const create = panel.getByRole('button', { name: 'Create in Sage 300' });
      await create.click();
      const result = panel.locator('.creation-result .creation-text');
      await result.waitFor();

      const created = sageCustomersNamed();
      expect(created).toHaveLength(1);
      const customerNumber = String(created[0]?.CustomerNumber);
      expect(await visibleText(result)).toBe(`Created Sage 300 customer ${customerNumber}.`);
      expect(system.salesforce.findOne('Account', (row) => row.Id === accountId)?.Sage_Customer_Number__c).toBe(
        customerNumber,
      );
      // The card now shows the new customer's figures, and the record page the number written back to the account.
      await panel.getByText(new RegExp(`^Customer ${customerNumber}\\b`)).waitFor();
      expect(await visibleText(panel.locator('dl > div').first().locator('dd'))).toBe(usd(0));
      expect(await create.count()).toBe(0);
      await page
        .locator('preview-record-header [data-field="Sage_Customer_Number__c"]', { hasText: customerNumber })
        .waitFor();
      await screenshot(page, 'preview-create-customer');
    },
  );

  scenario(
    'pushing an opportunity shows its Sage 300 order number, and Sage 300 then holds exactly that one order',
    context,
    async ({ page }) => {
      const opportunityId = opportunityIdOf(SEED_OPPORTUNITIES.blackRockClosedWon);
      await openPushAction(page, opportunityId);
      await pushButton(page).click();
      const headline = page.locator('c-sage-push-order .result-headline');
      await headline.waitFor();

      const orders = sageOrdersFor(opportunityId);
      expect(orders).toHaveLength(1);
      const orderNumber = String(orders[0]?.OrderNumber);
      expect(await visibleText(headline)).toBe(`Sage 300 order ${orderNumber} was created.`);
      // The record page shows the number the connector wrote back to the opportunity.
      await page
        .locator('preview-record-header [data-field="Sage_Order_Number__c"]', { hasText: orderNumber })
        .waitFor();
      await screenshot(page, 'preview-push-order');
    },
  );

  scenario(
    'pushing an opportunity again shows the same order number, and Sage 300 still holds one order',
    context,
    async ({ page }) => {
      const opportunityId = opportunityIdOf(SEED_OPPORTUNITIES.greenfieldNewCustomer);
      // A second rep has the same action open at the same time.
      const other = await context().newPage();
      try {
        await openPushAction(page, opportunityId);
        await openPushAction(other, opportunityId);
        await pushButton(page).click();
        await page.locator('c-sage-push-order .result-headline').waitFor();
        const orderNumber = String(sageOrdersFor(opportunityId)[0]?.OrderNumber);

        await pushButton(other).click();
        const replay = other.locator('c-sage-push-order .result-headline');
        await replay.waitFor();
        expect(await visibleText(replay)).toBe(`This opportunity was already pushed: Sage 300 order ${orderNumber}.`);
        expect(sageOrdersFor(opportunityId)).toHaveLength(1);
      } finally {
        await other.close();
      }
      // Opened again, the action shows the order instead of a push button.
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).first().click();
      await openPushAction(page, opportunityId);
      const existing = page.locator('c-sage-push-order .existing-order-text');
      expect(await visibleText(existing)).toContain(
        `Already in Sage 300 as order ${String(sageOrdersFor(opportunityId)[0]?.OrderNumber)}`,
      );
      expect(await pushButton(page).count()).toBe(0);
    },
  );

  scenario(
    "a Sage 300 refusal (an unknown item) shows Sage's own message in the error panel",
    context,
    async ({ page }) => {
      const opportunityId = opportunityIdOf(SEED_OPPORTUNITIES.mountainWithUnknownItem);
      await openPushAction(page, opportunityId);
      await pushButton(page).click();
      const panel = page.locator('c-sage-push-order c-error-panel');
      await panel.waitFor();
      expect(await visibleText(panel.locator('.friendly-message'))).toBe('Sage 300 did not create the order');
      expect(await visibleText(panel)).toContain('Item ZZ-404 does not exist.');
      expect(sageOrdersFor(opportunityId)).toHaveLength(0);
      await screenshot(page, 'preview-push-refused');
    },
  );

  scenario(
    'the Sync Console lists the sync flows and their runs, and retries a failed record',
    context,
    async ({ page }) => {
      // A validation rule refuses every account while the customers flow runs: each record lands in the failure queue.
      system.salesforce.addValidationRule({
        object: 'Account',
        message: 'Accounts are closed for the quarter-end review.',
        rejects: () => true,
      });
      const run = await system.api<{ run: { counts: { read: number; failed: number } } }>(
        'POST',
        '/api/v1/sync/flows/customers/run',
      );
      system.salesforce.clearValidationRules();
      expect(run.status).toBe(200);
      const failedCount = run.body.run.counts.failed;
      expect(failedCount).toBeGreaterThan(0);

      await page.goto(`${system.previewUrl}n/Sage_Sync_Console`);
      const flows = page.getByRole('table', { name: 'Sync flows with their latest run' });
      await flows.getByRole('rowheader', { name: 'customers' }).waitFor();
      await flows.getByRole('button', { name: 'Run customers' }).waitFor();
      const runs = page.locator('c-sage-sync-console lightning-datatable.runs');
      await runs.locator('tbody tr').first().waitFor();
      expect(await visibleText(runs.locator('tbody tr').first())).toContain('customers');

      const failures = page.locator('c-sage-sync-console lightning-datatable.failures');
      await failures.locator('tbody tr').first().waitFor();
      expect(await failures.locator('tbody tr').count()).toBe(failedCount);
      const firstFailure = failures.locator('tbody tr').first();
      expect(await visibleText(firstFailure)).toContain('FIELD_CUSTOM_VALIDATION_EXCEPTION');
      await screenshot(page, 'preview-sync-console');

      await firstFailure.getByRole('button', { name: /Show actions/ }).click();
      await page.getByRole('menuitem', { name: 'Retry' }).click();
      await page.getByText('The record was queued for another attempt.').waitFor();
      await page
        .locator('c-sage-sync-console lightning-card')
        .filter({ hasText: `Failed records (${failedCount - 1})` })
        .waitFor();
      const active = await system.api<{ failures: unknown[] }>('GET', '/api/v1/sync/failures?status=active');
      expect(active.body.failures).toHaveLength(failedCount - 1);
    },
  );

  scenario(
    "the revenue reconciliation's Download CSV saves the connector's own CSV of the months shown",
    context,
    async ({ page }) => {
      const run = await system.api('POST', '/api/v1/sync/flows/revenueReconciliation/run');
      expect(run.status).toBe(200);
      await page.goto(`${system.previewUrl}n/Sage_Revenue_Reconciliation`);
      const component = page.locator('c-sage-revenue-reconciliation');
      await component.locator('tr.row').first().waitFor();
      const from = await component.locator('lightning-input.from-month input').inputValue();
      const to = await component.locator('lightning-input.to-month input').inputValue();

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        component.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`revenue-reconciliation-${from}-to-${to}.csv`);
      const saved = readFileSync(await download.path(), 'utf8');
      const report = await fetch(
        `${system.middleware.url}/api/v1/reports/revenue-reconciliation?from=${from}&to=${to}&format=csv`,
        { headers: { Authorization: `Bearer ${system.middleware.generatedKey ?? ''}` } },
      );
      expect(report.status).toBe(200);
      expect(saved).toBe(await report.text());
      const lines = saved.split('\r\n');
      expect(lines[0]).toMatch(/^month,accountId,accountName,customerNumber,closedWon,/);
      expect(lines.length - 2).toBe(await component.locator('tr.row').count());
    },
  );

  scenario(
    'a contact field changed on both sides shows in the Sync Console as a conflict: the kept value and the lost one',
    context,
    async ({ page }) => {
      const runContacts = async () => {
        const run = await system.api<{ run: { outcome: string } }>('POST', '/api/v1/sync/flows/contacts/run');
        expect([run.status, run.body.run.outcome]).toEqual([200, 'succeeded']);
      };
      // The first run links Cedar Valley's contact on both sides; then both sides change its e-mail before the next.
      await runContacts();
      const contact = system.salesforce.findOne('Contact', (row) => row.Sage_Contact_Key__c === '1400');
      expect(contact).toBeDefined();
      const winning = 'facilities@cedarvalleyschools.example.org';
      const losing = 'front.office@cedarvalleyschools.example.org';
      system.salesforce.update('Contact', String(contact?.Id), { Email: winning });
      const customer = system.sage.state.customers.get(['1400']);
      if (!customer) throw new Error('No Sage customer 1400');
      Object.assign(customer, { ContactsEmail: losing });
      system.sage.state.touch(customer);
      system.sage.state.customers.changed();
      await runContacts();

      // Salesforce masters the e-mail: its value ends in Sage 300 too, and the conflict keeps Sage's.
      expect(system.sage.state.customers.get(['1400'])?.ContactsEmail).toBe(winning);
      const recorded = await system.api<{ conflicts: { recordKey: string }[] }>(
        'GET',
        '/api/v1/sync/conflicts?flow=contacts',
      );
      expect(recorded.body.conflicts.map((conflict) => conflict.recordKey)).toEqual(['1400']);

      await page.goto(`${system.previewUrl}n/Sage_Sync_Console`);
      const conflicts = page.locator('c-sage-sync-console lightning-datatable.conflicts');
      await conflicts.locator('tbody tr').first().waitFor();
      expect(await conflicts.locator('tbody tr').count()).toBe(1);
      const row = await visibleText(conflicts.locator('tbody tr').first());
      for (const text of ['contacts', '1400', 'ContactsEmail / Email', 'Salesforce', winning, losing]) {
        expect(row).toContain(text);
      }
      await page.locator('c-sage-sync-console lightning-card').filter({ hasText: 'Recent conflicts (1)' }).waitFor();
      await screenshot(page, 'preview-sync-conflicts');
    },
  );
});
