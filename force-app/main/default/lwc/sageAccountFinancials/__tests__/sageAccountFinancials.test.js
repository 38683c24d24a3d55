import { createElement } from 'lwc';
import SageAccountFinancials from 'c/sageAccountFinancials';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import getFinancials from '@salesforce/apex/SageAccountController.getFinancials';
import createCustomer from '@salesforce/apex/SageAccountController.createCustomer';

jest.mock('@salesforce/apex/SageAccountController.getFinancials', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SageAccountController.createCustomer', () => ({ default: jest.fn() }), { virtual: true });

const LIVE = {
  linked: true,
  accountName: 'Coastal Outfitters',
  customerNumber: '1200',
  currencyCode: 'CAD',
  balance: 9100.25,
  creditLimit: 10000,
  availableCredit: 899.75,
  utilisation: 91,
  creditStanding: 'approaching-limit',
  pastDue: 1500,
  aging: { current: 7600.25, days1to30: 1000, days31to60: 500, days61to90: 0, over90: 0 },
  onHold: true,
  lastPaymentDate: '2026-02-20',
  lastPaymentAmount: 2500,
  asOf: '2026-03-03T10:15:00.000Z',
  stale: false,
  warningThreshold: 80,
  invoices: [
    {
      documentNumber: 'IN0000202',
      dueDate: '2026-03-30',
      amount: 500,
      balanceDue: 500,
      daysOverdue: 0,
      status: 'Open',
    },
    {
      documentNumber: 'IN0000201',
      dueDate: '2026-02-04',
      amount: 1000,
      balanceDue: 1000,
      daysOverdue: 27,
      status: 'Overdue',
      currencyCode: 'CAD',
    },
  ],
};

function flush() {
  // eslint-disable-next-line @lwc/lwc/no-async-operation
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function mount(answer) {
  if (answer instanceof Error || (answer && answer.body)) {
    getFinancials.mockRejectedValue(answer);
  } else {
    getFinancials.mockResolvedValue(answer);
  }
  const element = createElement('c-sage-account-financials', { is: SageAccountFinancials });
  element.recordId = '001000000000001AAA';
  document.body.appendChild(element);
  await flush();
  return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

describe('c-sage-account-financials', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it('shows live balance, credit, aging, hold and the as-of time', async () => {
    const element = await mount(LIVE);
    expect(getFinancials).toHaveBeenCalledWith({ accountId: '001000000000001AAA', fresh: false });
    const balance = $(element, 'lightning-formatted-number[data-id="balance"]');
    expect(balance.value).toBe(9100.25);
    expect(balance.currencyCode).toBe('CAD');
    expect(balance.formatStyle).toBe('currency');
    expect($(element, 'lightning-formatted-number[data-id="availableCredit"]').value).toBe(899.75);
    expect($(element, 'lightning-formatted-number[data-bucket="days31to60"]').value).toBe(500);
    expect($(element, 'lightning-badge.on-hold').label).toBe('On hold');
    expect($(element, 'lightning-formatted-date-time.as-of').value).toBe('2026-03-03T10:15:00.000Z');
    expect($(element, '.stale-notice')).toBeNull();
    expect($(element, '.past-due')).not.toBeNull();
    expect($(element, '.last-payment lightning-formatted-date-time').value).toBe('2026-02-20');
    expect($(element, '.last-payment-amount').value).toBe(2500);
  });

  it('colours the utilisation bar by the threshold and says the same in words', async () => {
    const element = await mount(LIVE);
    const bar = $(element, '[role="progressbar"]');
    expect(bar.getAttribute('aria-valuenow')).toBe('91');
    expect(bar.getAttribute('aria-valuetext')).toBe('91% of the credit limit used, approaching the limit');
    const value = $(element, '.utilisation');
    expect(value.classList).toContain('utilisation_warning');
    expect(value.style.width).toBe('91%');
  });

  it('caps the bar at full width and marks it red over the limit, keeping its ARIA value in range', async () => {
    const element = await mount({ ...LIVE, utilisation: 130, creditStanding: 'over-limit' });
    const value = $(element, '.utilisation');
    expect(value.classList).toContain('utilisation_over');
    expect(value.style.width).toBe('100%');
    const bar = $(element, '[role="progressbar"]');
    expect(bar.getAttribute('aria-valuenow')).toBe('100');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    expect(bar.getAttribute('aria-valuetext')).toBe('130% of the credit limit used, over the limit');
  });

  it('keeps the ARIA value at 0 for a credit balance', async () => {
    const element = await mount({ ...LIVE, balance: -200, utilisation: -2, creditStanding: 'within-limit' });
    expect($(element, '[role="progressbar"]').getAttribute('aria-valuenow')).toBe('0');
  });

  it('marks the bar green within the limit', async () => {
    const element = await mount({ ...LIVE, utilisation: 20, creditStanding: 'within-limit', onHold: false });
    expect($(element, '.utilisation').classList).toContain('utilisation_ok');
    expect($(element, 'lightning-badge.on-hold')).toBeNull();
  });

  it('says "No limit" for the credit figures, and only for them, when the customer has no credit limit', async () => {
    const element = await mount({
      ...LIVE,
      creditLimit: 0,
      utilisation: null,
      availableCredit: null,
      creditStanding: 'no-limit',
    });
    expect($(element, '[role="progressbar"]')).toBeNull();
    expect($(element, '.utilisation-text').textContent).toBe('This customer has no credit limit in Sage 300.');
    expect($(element, 'span[data-id="availableCredit"]').textContent).toBe('No limit');
    expect($(element, 'span[data-id="creditLimit"]').textContent).toBe('No limit');
    expect($(element, 'lightning-formatted-number[data-id="balance"]').value).toBe(9100.25);
  });

  it('shows a dash, not "No limit", for an amount that is not known', async () => {
    const element = await mount({ ...LIVE, stale: true, staleReason: 'Try again.', balance: null, pastDue: null });
    const balance = $(element, 'span[data-id="balance"]');
    expect(balance.textContent).toBe('—');
    expect(balance.title).toBe('Not known');
    expect($(element, 'span[data-id="pastDue"]').textContent).toBe('—');
    expect($(element, 'lightning-formatted-number[data-id="creditLimit"]').value).toBe(10000);
  });

  it("shows amounts in the customer's currency, with its code when it is not the user's", async () => {
    const foreign = await mount(LIVE);
    const balance = $(foreign, 'lightning-formatted-number[data-id="balance"]');
    expect(balance.currencyCode).toBe('CAD');
    expect(balance.currencyDisplayAs).toBe('code');
    expect($(foreign, 'lightning-formatted-number[data-bucket="current"]').currencyDisplayAs).toBe('code');
    expect($(foreign, 'lightning-datatable').data[0].currencyDisplayAs).toBe('code');
    document.body.removeChild(foreign);
    const own = await mount({ ...LIVE, currencyCode: 'USD', invoices: [] });
    const ownBalance = $(own, 'lightning-formatted-number[data-id="balance"]');
    expect(ownBalance.currencyCode).toBe('USD');
    expect(ownBalance.currencyDisplayAs).toBe('symbol');
  });

  it('is accessible with live figures, without a limit, and with an error', async () => {
    await expect(await mount(LIVE)).toBeAccessible();
    await expect(
      await mount({ ...LIVE, utilisation: null, availableCredit: null, creditStanding: 'no-limit' }),
    ).toBeAccessible();
    await expect(await mount({ body: { message: 'Sage 300 has no customer 1200.' } })).toBeAccessible();
  });

  it('lists open invoices by due date with overdue rows marked', async () => {
    const element = await mount(LIVE);
    const table = $(element, 'lightning-datatable');
    expect(table.data.map((row) => row.documentNumber)).toEqual(['IN0000201', 'IN0000202']);
    expect(table.data[0].overdueIcon).toBe('utility:warning');
    expect(table.data[0].rowClass).toBe('slds-text-color_error');
    expect(table.data[1].overdueIcon).toBeNull();
    expect(table.data[1].currencyCode).toBe('CAD');
    expect($(element, '.invoice-summary').textContent).toBe('2 open invoices, 1 overdue');
  });

  it('sorts the invoices by the column the user chooses', async () => {
    const element = await mount(LIVE);
    const table = $(element, 'lightning-datatable');
    table.dispatchEvent(new CustomEvent('sort', { detail: { fieldName: 'documentNumber', sortDirection: 'desc' } }));
    await flush();
    const sorted = $(element, 'lightning-datatable');
    expect(sorted.sortedBy).toBe('documentNumber');
    expect(sorted.sortedDirection).toBe('desc');
    expect(sorted.data.map((row) => row.documentNumber)).toEqual(['IN0000202', 'IN0000201']);
  });

  it('says when there are no open invoices', async () => {
    const element = await mount({ ...LIVE, invoices: [] });
    expect($(element, 'lightning-datatable')).toBeNull();
    expect($(element, '.no-invoices').textContent).toBe('No open invoices.');
  });

  it('shows synced figures with a stale notice and their time', async () => {
    const element = await mount({
      ...LIVE,
      stale: true,
      staleReason: 'The Sage 300 connector could not be reached: Read timed out. Try again in a few minutes.',
      asOf: '2026-03-02T09:30:00.000Z',
    });
    const notice = $(element, '.stale-notice');
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toContain('Showing the figures last synced from Sage 300.');
    expect(notice.textContent).toContain('could not be reached');
    expect($(element, 'lightning-formatted-date-time.as-of').value).toBe('2026-03-02T09:30:00.000Z');
  });

  it('says when synced figures were never synced', async () => {
    const element = await mount({ ...LIVE, stale: true, staleReason: 'Try again.', asOf: null });
    expect($(element, '.stale-notice').textContent).toContain('never been synced');
    expect($(element, 'lightning-formatted-date-time.as-of')).toBeNull();
  });

  it('explains an account that is not linked to Sage 300', async () => {
    const element = await mount({ linked: false, message: 'This account is not linked to a Sage 300 customer yet.' });
    expect($(element, '.unlinked').textContent).toBe('This account is not linked to a Sage 300 customer yet.');
    expect($(element, '.key-figures')).toBeNull();
  });

  describe('Create in Sage 300', () => {
    const UNLINKED = {
      linked: false,
      accountName: 'Prospect Without Sage',
      message: 'This account is not linked to a Sage 300 customer yet.',
    };
    const createButton = (element) => $(element, 'lightning-button.create-customer');

    it('is offered only for an account without a Sage customer number', async () => {
      const unlinked = await mount(UNLINKED);
      expect(createButton(unlinked).label).toBe('Create in Sage 300');
      document.body.removeChild(unlinked);
      const linked = await mount(LIVE);
      expect(createButton(linked)).toBeNull();
    });

    it('creates the customer, says so with its number, and then shows its financials', async () => {
      const element = await mount(UNLINKED);
      createCustomer.mockResolvedValue({ outcome: 'created', customerNumber: '1210' });
      getFinancials.mockResolvedValue({ ...LIVE, customerNumber: '1210' });
      createButton(element).click();
      await flush();
      expect(createCustomer).toHaveBeenCalledWith({ accountId: '001000000000001AAA' });
      expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: '001000000000001AAA' }]);
      expect(getFinancials).toHaveBeenLastCalledWith({ accountId: '001000000000001AAA', fresh: true });
      expect($(element, '.creation-result .creation-text').textContent).toBe('Created Sage 300 customer 1210.');
      expect($(element, 'lightning-formatted-number[data-id="balance"]').value).toBe(9100.25);
      expect(createButton(element)).toBeNull();
      expect($(element, '.unlinked')).toBeNull();
    });

    it('says when an existing customer was matched, and how', async () => {
      const element = await mount(UNLINKED);
      createCustomer.mockResolvedValue({
        outcome: 'matched',
        customerNumber: '1200',
        matchedBy: 'Name And Postal Code',
      });
      getFinancials.mockResolvedValue(LIVE);
      createButton(element).click();
      await flush();
      expect($(element, '.creation-result .creation-text').textContent).toBe(
        'Linked to the existing Sage 300 customer 1200, matched by name and postal code.',
      );
    });

    it('disables the button while the customer is created', async () => {
      const element = await mount(UNLINKED);
      let answer;
      createCustomer.mockReturnValue(new Promise((resolve) => (answer = resolve)));
      getFinancials.mockResolvedValue(LIVE);
      createButton(element).click();
      await Promise.resolve();
      expect(createButton(element).disabled).toBe(true);
      expect($(element, 'lightning-spinner').alternativeText).toBe('Creating the Sage 300 customer');
      answer({ outcome: 'created', customerNumber: '1210' });
      await flush();
      expect($(element, 'lightning-spinner')).toBeNull();
    });

    it("shows Sage 300's refusal in the error panel and keeps the button for another try", async () => {
      const element = await mount(UNLINKED);
      createCustomer.mockRejectedValue({
        body: { message: 'Sage 300 refused the customer: the tax group ZZ does not exist.' },
      });
      createButton(element).click();
      await flush();
      const panel = $(element, 'c-error-panel.create-error');
      expect(panel.friendlyMessage).toBe('The Sage 300 customer was not created');
      expect(panel.errors.body.message).toBe('Sage 300 refused the customer: the tax group ZZ does not exist.');
      expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();
      expect(getFinancials).toHaveBeenCalledTimes(1);
      expect($(element, '.creation-result')).toBeNull();
      expect(createButton(element).disabled).toBe(false);
      await expect(element).toBeAccessible();
    });
  });

  it('shows the error panel when the figures cannot be loaded', async () => {
    const element = await mount({ body: { message: 'Sage 300 has no customer 1200.' } });
    const panel = $(element, 'c-error-panel');
    expect(panel.friendlyMessage).toBe('Sage 300 financials could not be loaded');
    expect(panel.errors.body.message).toBe('Sage 300 has no customer 1200.');
    expect($(element, '.key-figures')).toBeNull();
  });

  it('shows a spinner while loading', async () => {
    let answer;
    getFinancials.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const element = createElement('c-sage-account-financials', { is: SageAccountFinancials });
    element.recordId = '001000000000001AAA';
    document.body.appendChild(element);
    await Promise.resolve();
    expect($(element, 'lightning-spinner')).not.toBeNull();
    expect($(element, 'lightning-button-icon.refresh').disabled).toBe(true);
    answer(LIVE);
    await flush();
    expect($(element, 'lightning-spinner')).toBeNull();
  });

  it('refreshes past the connector cache when asked', async () => {
    const element = await mount(LIVE);
    getFinancials.mockResolvedValue({ ...LIVE, balance: 50 });
    $(element, 'lightning-button-icon.refresh').click();
    await flush();
    expect(getFinancials).toHaveBeenLastCalledWith({ accountId: '001000000000001AAA', fresh: true });
    expect($(element, 'lightning-formatted-number[data-id="balance"]').value).toBe(50);
  });
});
