import { createElement } from 'lwc';
import SageRevenueReconciliation from 'c/sageRevenueReconciliation';
import getReconciliation from '@salesforce/apex/SageReconciliationController.getReconciliation';

jest.mock('@salesforce/apex/SageReconciliationController.getReconciliation', () => ({ default: jest.fn() }), {
  virtual: true,
});

const REPORT = {
  fromDate: '2025-04-01',
  toDate: '2026-03-15',
  groupBy: 'month',
  currencyCode: 'CAD',
  rows: [
    { key: '2026-01', label: 'January 2026', closedWon: 120000, invoiced: 98000.5, collected: 61000 },
    { key: '2026-02', label: 'February 2026', closedWon: 80000, invoiced: 90000, collected: 85000 },
    { key: '2026-03', label: 'March 2026', closedWon: 60000, invoiced: null, collected: 0 },
  ],
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

  it('loads the last twelve months by month', async () => {
    const element = await mount();
    expect(getReconciliation).toHaveBeenCalledWith({ fromDate: '2025-04-01', toDate: '2026-03-15', groupBy: 'month' });
    expect($(element, 'lightning-input.from-date').value).toBe('2025-04-01');
    expect($(element, 'lightning-input.to-date').value).toBe('2026-03-15');
  });

  it('draws one group of three bars per month, scaled to the largest figure', async () => {
    const element = await mount();
    const groups = $$(element, '.chart-group');
    expect(groups).toHaveLength(3);
    const bars = Array.from(groups[0].querySelectorAll('.bar'));
    expect(bars.map((bar) => bar.style.height)).toEqual(['100%', '81.7%', '50.8%']);
    expect(bars[1].title).toBe('January 2026, Invoiced: CA$98,000.50');
    expect(groups[2].querySelectorAll('.bar')[1].style.height).toBe('0%');
    expect(groups[1].querySelector('.chart-label').textContent).toBe('February 2026');
    const plot = $(element, '.chart-plot');
    expect(plot.getAttribute('role')).toBe('img');
    expect(plot.getAttribute('aria-label')).toContain('by month, 3 months');
  });

  it('lists the figures, the gaps and the totals in a table', async () => {
    const element = await mount();
    const rows = $$(element, 'tr.row');
    expect(rows).toHaveLength(3);
    const first = Array.from(rows[0].querySelectorAll('lightning-formatted-number')).map((cell) => cell.value);
    expect(first).toEqual([120000, 98000.5, 61000, 21999.5, 37000.5]);
    expect(rows[0].querySelector('lightning-formatted-number').currencyCode).toBe('CAD');
    expect($(element, 'lightning-formatted-number[data-total="closedWon"]').value).toBe(260000);
    expect($(element, 'lightning-formatted-number[data-total="invoiced"]').value).toBe(188000.5);
    expect($(element, 'lightning-formatted-number[data-total="notCollected"]').value).toBe(42000.5);
  });

  it('says when the period has no revenue', async () => {
    const element = await mount({ ...REPORT, rows: [] });
    expect($(element, '.empty').textContent).toBe('No closed-won, invoiced or collected revenue in this period.');
    expect($(element, '.chart-plot')).toBeNull();
    expect($(element, 'table.figures')).toBeNull();
  });

  it('shows the error panel when the report cannot be loaded', async () => {
    const element = await mount({ body: { message: 'Choose a period of at most two years.' } });
    expect($(element, 'c-error-panel').friendlyMessage).toBe('The reconciliation could not be loaded');
    expect($(element, 'table.figures')).toBeNull();
  });

  it('reloads for the dates the user chooses', async () => {
    const element = await mount();
    change($(element, 'lightning-input.from-date'), '2026-01-01');
    change($(element, 'lightning-input.to-date'), '2026-02-28');
    getReconciliation.mockResolvedValue({ ...REPORT, rows: [REPORT.rows[0]] });
    $(element, 'lightning-button.show').click();
    await Promise.resolve();
    expect($(element, 'lightning-spinner')).not.toBeNull();
    await flush();
    expect(getReconciliation).toHaveBeenLastCalledWith({
      fromDate: '2026-01-01',
      toDate: '2026-02-28',
      groupBy: 'month',
    });
    expect($$(element, 'tr.row')).toHaveLength(1);
    expect($(element, 'lightning-spinner')).toBeNull();
  });

  it('does not ask for a period that ends before it starts', async () => {
    const element = await mount();
    change($(element, 'lightning-input.from-date'), '2026-03-01');
    const to = $(element, 'lightning-input.to-date');
    const validity = jest.spyOn(to, 'setCustomValidity');
    change(to, '2026-02-01');
    $(element, 'lightning-button.show').click();
    await flush();
    expect(validity).toHaveBeenCalledWith('The end date must be on or after the start date.');
    expect(getReconciliation).toHaveBeenCalledTimes(1);
  });

  it('does not ask without both dates', async () => {
    const element = await mount();
    change($(element, 'lightning-input.from-date'), '');
    $(element, 'lightning-button.show').click();
    await flush();
    expect(getReconciliation).toHaveBeenCalledTimes(1);
  });

  it('regroups by account', async () => {
    const element = await mount();
    getReconciliation.mockResolvedValue({
      ...REPORT,
      groupBy: 'account',
      rows: [{ key: '1200', label: 'Coastal Outfitters', closedWon: 5000, invoiced: 5000, collected: 2500 }],
    });
    change($(element, 'lightning-combobox.group-by'), 'account');
    await flush();
    expect(getReconciliation).toHaveBeenLastCalledWith({
      fromDate: '2025-04-01',
      toDate: '2026-03-15',
      groupBy: 'account',
    });
    expect($(element, 'table.figures thead th').textContent).toBe('Account');
    expect($(element, '.chart-plot').getAttribute('aria-label')).toContain('by account, 1 accounts');
  });
});
