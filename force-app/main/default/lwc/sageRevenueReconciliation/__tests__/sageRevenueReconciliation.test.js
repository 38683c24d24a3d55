import { createElement } from 'lwc';
import SageRevenueReconciliation from 'c/sageRevenueReconciliation';
import getReconciliation from '@salesforce/apex/SageReconciliationController.getReconciliation';
import getReconciliationCsv from '@salesforce/apex/SageReconciliationController.getReconciliationCsv';

jest.mock('@salesforce/apex/SageReconciliationController.getReconciliation', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/SageReconciliationController.getReconciliationCsv', () => ({ default: jest.fn() }), {
  virtual: true,
});

const late = (name, orderNumber) => ({
  opportunityId: '006000000000001AAA',
  name,
  amount: 1074,
  closeDate: '2026-01-05',
  orderNumber,
});

const REPORT = {
  fromMonth: '2025-04',
  toMonth: '2026-03',
  accountId: null,
  asOf: '2026-03-15T02:30:00.000Z',
  rows: [
    {
      month: '2026-01',
      accountId: '001000000000001AAA',
      accountName: 'Black Rock Retail',
      customerNumber: '1200',
      closedWon: 120000,
      ordered: 110000,
      invoiced: 98000.5,
      collected: 61000,
      variance: 21999.5,
      wonOpportunities: 3,
      withoutOrder: [late('Black Rock Retail - Store Refit', null)],
      withoutInvoice: [],
    },
    {
      month: '2026-01',
      accountId: '001000000000002AAA',
      accountName: 'Cedar Valley Schools, District 4',
      customerNumber: '1400',
      closedWon: 0,
      ordered: 0,
      invoiced: 2000,
      collected: 1000,
      variance: -2000,
      wonOpportunities: 0,
      withoutOrder: [],
      withoutInvoice: [late('Cedar Valley Schools - Classroom Assembly', 'ORD000000001001')],
    },
    {
      month: '2026-02',
      accountId: null,
      accountName: null,
      customerNumber: '1500',
      closedWon: 0,
      ordered: 0,
      invoiced: 50000,
      collected: 25000,
      variance: -50000,
      wonOpportunities: 0,
      withoutOrder: [],
      withoutInvoice: [],
    },
  ],
  totals: { closedWon: 120000, ordered: 110000, invoiced: 150000.5, collected: 87000, variance: -30000.5 },
};

function flush() {
  // eslint-disable-next-line @lwc/lwc/no-async-operation
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function mount(answer = REPORT) {
  if (answer && answer.body) getReconciliation.mockRejectedValue(answer);
  else getReconciliation.mockResolvedValue(answer);
  const element = createElement('c-sage-revenue-reconciliation', { is: SageRevenueReconciliation });
  document.body.appendChild(element);
  await flush();
  return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));

function change(input, value) {
  input.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('c-sage-revenue-reconciliation', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date(2026, 2, 15, 9, 0), doNotFake: ['setTimeout', 'queueMicrotask', 'nextTick'] });
  });

  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
    jest.useRealTimers();
  });

  it('loads the last twelve months', async () => {
    const element = await mount();
    expect(getReconciliation).toHaveBeenCalledWith({ fromMonth: '2025-04', toMonth: '2026-03', accountId: null });
    expect($(element, 'lightning-input.from-month').value).toBe('2025-04');
    expect($(element, 'lightning-input.to-month').value).toBe('2026-03');
    expect($(element, '.as-of').textContent).toMatch(/^As of Mar 15, 2026/);
  });

  it('draws one group of three bars per month over every account, scaled to the largest figure', async () => {
    const element = await mount();
    const groups = $$(element, '.chart-group');
    expect(groups).toHaveLength(2);
    expect(groups.map((group) => group.querySelector('.chart-label').textContent)).toEqual(['2026-01', '2026-02']);
    const bars = Array.from(groups[0].querySelectorAll('.bar'));
    // January: won 120,000, invoiced 98,000.50 + 2,000, collected 61,000 + 1,000.
    expect(bars.map((bar) => bar.style.height)).toEqual(['100%', '83.3%', '51.7%']);
    expect(bars[1].title).toBe('2026-01, Invoiced: $100,000.50');
    expect(groups[1].querySelectorAll('.bar')[0].style.height).toBe('0%');
    const plot = $(element, '.chart-plot');
    expect(plot.getAttribute('role')).toBe('img');
    expect(plot.getAttribute('aria-label')).toContain('by month, 2 months');
  });

  it('lists the figures per account and month, what still waits, and the totals', async () => {
    const element = await mount();
    const rows = $$(element, 'tr.row');
    expect(rows).toHaveLength(3);
    const first = Array.from(rows[0].querySelectorAll('lightning-formatted-number')).map((cell) => cell.value);
    expect(first).toEqual([120000, 110000, 98000.5, 61000, 21999.5]);
    expect(rows[0].querySelector('th').textContent).toBe('Black Rock Retail');
    expect(rows[0].querySelector('.late').textContent).toBe('1 without an order');
    expect(rows[1].querySelector('.late').textContent).toBe('1 without an invoice');
    expect(rows[2].querySelector('th').textContent).toBe('Sage customer 1500');
    expect($(element, 'lightning-formatted-number[data-total="invoiced"]').value).toBe(150000.5);
    expect($(element, 'lightning-formatted-number[data-total="variance"]').value).toBe(-30000.5);
  });

  describe('the CSV download', () => {
    /** The links the component clicked, as the browser would download them: file name and decoded content. */
    let downloads;
    beforeEach(() => {
      downloads = [];
      jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function click() {
        downloads.push({
          name: this.download,
          text: decodeURIComponent(this.href.replace('data:text/csv;charset=utf-8,', '')),
        });
      });
    });
    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('downloads the connector’s CSV of the months shown, as it came', async () => {
      // What the connector answers for format=csv: its columns, its quoting, its line breaks.
      const connectorCsv =
        'month,accountId,accountName,customerNumber,closedWon,ordered,invoiced,collected,variance,wonOpportunities,withoutOrder,withoutInvoice,asOf\r\n' +
        '2026-01,001000000000002AAA,"Cedar Valley Schools, District 4",1400,0,0,2000,1000,-2000,0,0,1,2026-03-15T02:30:00.000Z\r\n';
      getReconciliationCsv.mockResolvedValue(connectorCsv);
      const element = await mount();
      // Months typed but not yet shown do not change what the download covers.
      change($(element, 'lightning-input.from-month'), '2026-01');
      $(element, 'lightning-button.download').click();
      await Promise.resolve();
      expect($(element, 'lightning-button.download').disabled).toBe(true);
      await flush();
      expect(getReconciliationCsv).toHaveBeenCalledWith({ fromMonth: '2025-04', toMonth: '2026-03', accountId: null });
      expect(downloads).toEqual([{ name: 'revenue-reconciliation-2025-04-to-2026-03.csv', text: connectorCsv }]);
      expect($(element, 'lightning-button.download').disabled).toBe(false);
      expect($(element, 'c-error-panel')).toBeNull();
    });

    // Ends with an axe-core pass over the chart and the table: seconds on a loaded machine.
    it('shows why the CSV could not be downloaded, and keeps the figures', async () => {
      getReconciliationCsv.mockRejectedValue({ body: { message: 'The Sage 300 connector could not be reached.' } });
      const element = await mount();
      $(element, 'lightning-button.download').click();
      await flush();
      const panel = $(element, 'c-error-panel.download-error');
      expect(panel.friendlyMessage).toBe('The CSV could not be downloaded');
      expect(panel.errors.body.message).toBe('The Sage 300 connector could not be reached.');
      expect(downloads).toEqual([]);
      expect($$(element, 'tr.row')).toHaveLength(3);
      await expect(element).toBeAccessible();
    }, 30_000);
  });

  it('says when the months have no revenue, and when the connector has not computed them yet', async () => {
    const element = await mount({ ...REPORT, asOf: null, rows: [] });
    expect($(element, '.empty').textContent).toBe('No closed-won, invoiced or collected revenue in these months.');
    expect($(element, '.as-of').textContent).toBe('Not computed yet: the connector computes it on its schedule.');
    expect($(element, '.chart-plot')).toBeNull();
    expect($(element, 'table.figures')).toBeNull();
    expect($(element, 'lightning-button.download')).toBeNull();
  });

  it('shows the error panel when the report cannot be loaded', async () => {
    const element = await mount({ body: { message: 'Choose at most 36 months.' } });
    expect($(element, 'c-error-panel').friendlyMessage).toBe('The reconciliation could not be loaded');
    expect($(element, 'table.figures')).toBeNull();
    expect($(element, '.as-of')).toBeNull();
  });

  it('reloads for the months the user chooses', async () => {
    const element = await mount();
    change($(element, 'lightning-input.from-month'), '2026-01');
    change($(element, 'lightning-input.to-month'), '2026-02');
    getReconciliation.mockResolvedValue({ ...REPORT, rows: [REPORT.rows[0]] });
    $(element, 'lightning-button.show').click();
    await Promise.resolve();
    expect($(element, 'lightning-spinner')).not.toBeNull();
    await flush();
    expect(getReconciliation).toHaveBeenLastCalledWith({ fromMonth: '2026-01', toMonth: '2026-02', accountId: null });
    expect($$(element, 'tr.row')).toHaveLength(1);
    expect($(element, 'lightning-spinner')).toBeNull();
  });

  it('does not ask for months that end before they start, run past 36 months, or are not YYYY-MM', async () => {
    const element = await mount();
    const to = $(element, 'lightning-input.to-month');
    const validity = jest.spyOn(to, 'setCustomValidity');
    const ask = (from, last) => {
      change($(element, 'lightning-input.from-month'), from);
      change(to, last);
      $(element, 'lightning-button.show').click();
    };
    ask('2026-03', '2026-02');
    expect(validity).toHaveBeenLastCalledWith('The last month must be on or after the first.');
    ask('2023-01', '2026-01');
    expect(validity).toHaveBeenLastCalledWith('Choose at most 36 months.');
    ask('2026-1', '2026-02');
    expect(validity).toHaveBeenLastCalledWith('Write months as YYYY-MM, such as 2026-03.');
    await flush();
    expect(getReconciliation).toHaveBeenCalledTimes(1);
  });
});
