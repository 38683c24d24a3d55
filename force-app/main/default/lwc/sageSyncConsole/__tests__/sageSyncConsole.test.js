import { createElement } from 'lwc';
import SageSyncConsole from 'c/sageSyncConsole';
import getFlows from '@salesforce/apex/SageSyncConsoleController.getFlows';
import getRuns from '@salesforce/apex/SageSyncConsoleController.getRuns';
import getFailures from '@salesforce/apex/SageSyncConsoleController.getFailures';
import getConflicts from '@salesforce/apex/SageSyncConsoleController.getConflicts';
import retryFailure from '@salesforce/apex/SageSyncConsoleController.retryFailure';
import skipFailure from '@salesforce/apex/SageSyncConsoleController.skipFailure';
import runFlow from '@salesforce/apex/SageSyncConsoleController.runFlow';
import testConnection from '@salesforce/apex/SageSyncConsoleController.testConnection';

jest.mock('@salesforce/apex/SageSyncConsoleController.getFlows', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SageSyncConsoleController.getRuns', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SageSyncConsoleController.getFailures', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SageSyncConsoleController.getConflicts', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/SageSyncConsoleController.retryFailure', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/SageSyncConsoleController.skipFailure', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SageSyncConsoleController.runFlow', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SageSyncConsoleController.testConnection', () => ({ default: jest.fn() }), {
  virtual: true,
});

const RUNS = [
  {
    id: 42,
    triggeredBy: 'schedule',
    flow: 'customers',
    startedAt: '2026-03-03T10:00:00.000Z',
    finishedAt: '2026-03-03T10:00:07.000Z',
    outcome: 'partial',
    counts: { read: 120, created: 3, updated: 10, unchanged: 105, failed: 2 },
  },
  {
    id: 41,
    triggeredBy: 'manual',
    flow: 'invoices',
    startedAt: '2026-03-03T09:45:00.000Z',
    finishedAt: '2026-03-03T09:45:03.000Z',
    outcome: 'succeeded',
    counts: { read: 40, created: 0, updated: 4, unchanged: 36, failed: 0 },
  },
];

const FLOWS = [
  {
    name: 'customers',
    schedule: '*/15 * * * *',
    nextRunAt: '2026-03-03T10:15:00.000Z',
    running: false,
    paused: false,
    lastRun: RUNS[0],
    failures: { open: 1, retrying: 1 },
  },
  {
    name: 'invoices',
    schedule: '0 * * * *',
    nextRunAt: '2026-03-03T11:00:00.000Z',
    running: false,
    paused: true,
    pausedUntil: '2026-03-03T11:30:00.000Z',
    lastRun: { ...RUNS[1], outcome: 'failed' },
    failures: { open: 0, retrying: 0 },
  },
  { name: 'orders', schedule: '0 2 * * *', running: false, paused: false, failures: { open: 1, retrying: 0 } },
  { name: 'products', schedule: '30 2 * * *', running: true, paused: false, failures: { open: 0, retrying: 0 } },
];

const FAILURES = [
  {
    id: 7,
    flow: 'orders',
    recordKey: '006000000000001AAA',
    kind: 'permanent',
    code: 'ITEM_NOT_FOUND',
    message: 'Sage 300 has no item Z9.',
    attempts: 3,
    status: 'open',
  },
  { id: 8, flow: 'customers', recordKey: '1200', kind: 'transient', message: 'Timed out.', attempts: 1 },
];

const CONFLICTS = [
  {
    id: 12,
    flow: 'contacts',
    runId: 41,
    recordKey: '1100',
    salesforceId: '003000000000001AAA',
    field: 'ContactsEmail / Email',
    master: 'Salesforce',
    loser: 'Sage',
    winningValue: 'dana.w@mountainoutfitters.example.com',
    losingValue: 'purchasing@mountainoutfitters.example.com',
    createdAt: '2026-03-03T09:30:00.000Z',
  },
  // Aura leaves out a null value: Sage's phone was empty when Salesforce's won.
  {
    id: 11,
    flow: 'contacts',
    recordKey: '1200',
    field: 'ContactsPhone / Phone',
    master: 'Salesforce',
    loser: 'Sage',
    winningValue: '(415) 555-0121',
    createdAt: '2026-03-03T09:15:00.000Z',
  },
];

function flush() {
  // eslint-disable-next-line @lwc/lwc/no-async-operation
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function mount({ flows = FLOWS, runs = RUNS, failures = FAILURES, conflicts = CONFLICTS } = {}) {
  if (conflicts instanceof Error || (conflicts && conflicts.body)) getConflicts.mockRejectedValue(conflicts);
  else getConflicts.mockResolvedValue(conflicts);
  if (flows instanceof Error) getFlows.mockRejectedValue(flows);
  else getFlows.mockResolvedValue(flows);
  if (runs instanceof Error) getRuns.mockRejectedValue(runs);
  else getRuns.mockResolvedValue(runs);
  if (failures instanceof Error) getFailures.mockRejectedValue(failures);
  else getFailures.mockResolvedValue(failures);
  const element = createElement('c-sage-sync-console', { is: SageSyncConsole });
  document.body.appendChild(element);
  await flush();
  return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

function rowAction(table, name, row) {
  table.dispatchEvent(new CustomEvent('rowaction', { detail: { action: { name }, row } }));
}

describe('c-sage-sync-console', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it('lists recent runs with their counts', async () => {
    const element = await mount();
    const table = $(element, 'lightning-datatable.runs');
    expect(table.data).toHaveLength(2);
    expect(table.data[0]).toMatchObject({
      flow: 'customers',
      triggeredBy: 'schedule',
      read: 120,
      created: 3,
      failed: 2,
    });
    expect(table.data[0].outcomeClass).toBe('slds-text-color_error');
    expect(table.data[1].outcomeClass).toBe('');
    expect(table.columns.map((column) => column.label)).toEqual(
      expect.arrayContaining(['Read', 'Created', 'Updated', 'Unchanged', 'Failed']),
    );
  });

  it('lists failed records with their reasons', async () => {
    const element = await mount();
    const table = $(element, 'lightning-datatable.failures');
    expect(table.data.map((row) => row.reason)).toEqual(['Sage 300 has no item Z9. (ITEM_NOT_FOUND)', 'Timed out.']);
    expect(element.shadowRoot.querySelectorAll('lightning-card')[3].title).toBe('Failed records (2)');
  });

  it('says when nothing has run and nothing failed, and still lists the flows', async () => {
    const element = await mount({ runs: [], failures: [], conflicts: [] });
    expect($(element, '.no-runs').textContent).toBe('No sync has run yet.');
    expect($(element, '.no-conflicts').textContent).toBe(
      'No conflicts: no field was changed on both sides between syncs.',
    );
    expect($(element, '.no-failures').textContent).toContain('No failed records.');
    expect($(element, 'lightning-datatable')).toBeNull();
    expect(element.shadowRoot.querySelectorAll('table.flows tbody tr')).toHaveLength(FLOWS.length);
  });

  it('lists recent conflicts: flow, record, field, the winner and its value, the losing value, when', async () => {
    const element = await mount();
    expect(getConflicts).toHaveBeenCalledTimes(1);
    const table = $(element, 'lightning-datatable.conflicts');
    expect(table.columns.map((column) => column.label)).toEqual([
      'Flow',
      'Record',
      'Field',
      'Winner',
      'Winning value',
      'Losing value',
      'When',
    ]);
    expect(table.data).toHaveLength(2);
    expect(table.data[0]).toMatchObject({
      flow: 'contacts',
      recordKey: '1100',
      field: 'ContactsEmail / Email',
      master: 'Salesforce',
      winningText: 'dana.w@mountainoutfitters.example.com',
      losingText: 'purchasing@mountainoutfitters.example.com',
      createdAt: '2026-03-03T09:30:00.000Z',
    });
    expect(table.data[1]).toMatchObject({
      field: 'ContactsPhone / Phone',
      winningText: '(415) 555-0121',
      losingText: '(empty)',
    });
    expect($(element, 'lightning-card.conflicts-card').title).toBe('Recent conflicts (2)');
  });

  it('shows an error panel when the conflicts cannot be loaded, and loads them again on refresh', async () => {
    const element = await mount({ conflicts: { body: { message: 'The Sage 300 connector could not be reached.' } } });
    const panel = $(element, 'c-error-panel.conflicts-error');
    expect(panel.friendlyMessage).toBe('Conflicts could not be loaded');
    expect(panel.errors.body.message).toBe('The Sage 300 connector could not be reached.');
    expect($(element, 'lightning-datatable.conflicts')).toBeNull();
    getConflicts.mockResolvedValue(CONFLICTS);
    $(element, 'lightning-button-icon.refresh-conflicts').click();
    await flush();
    expect($(element, 'c-error-panel.conflicts-error')).toBeNull();
    expect($(element, 'lightning-datatable.conflicts').data).toHaveLength(2);
  });

  it('shows an error panel for each list that cannot be loaded', async () => {
    const element = await mount({ runs: new Error('runs down'), failures: new Error('failures down') });
    expect($(element, 'c-error-panel.runs-error').friendlyMessage).toBe('Sync runs could not be loaded');
    expect($(element, 'c-error-panel.failures-error').friendlyMessage).toBe('Failed records could not be loaded');
  });

  it('retries a failed record, confirms it and reloads the failures', async () => {
    const element = await mount();
    const toasts = jest.fn();
    element.addEventListener('lightning__showtoast', toasts);
    retryFailure.mockResolvedValue('The record was sent for another attempt.');
    getFailures.mockResolvedValue([FAILURES[1]]);
    rowAction($(element, 'lightning-datatable.failures'), 'retry', FAILURES[0]);
    await flush();
    expect(retryFailure).toHaveBeenCalledWith({ failureId: 7 });
    expect(skipFailure).not.toHaveBeenCalled();
    expect(toasts.mock.calls[0][0].detail.message).toBe('The record was sent for another attempt.');
    expect(getFailures).toHaveBeenCalledTimes(2);
    expect(getFlows).toHaveBeenCalledTimes(2);
    expect($(element, 'lightning-datatable.failures').data).toHaveLength(1);
  });

  it('skips a failed record', async () => {
    const element = await mount();
    skipFailure.mockResolvedValue('The record was skipped; it will not be retried.');
    rowAction($(element, 'lightning-datatable.failures'), 'skip', FAILURES[1]);
    await flush();
    expect(skipFailure).toHaveBeenCalledWith({ failureId: 8 });
    expect(retryFailure).not.toHaveBeenCalled();
  });

  it('lists every flow the connector runs, in its order, with its schedule, latest and next run and a Run button', async () => {
    const element = await mount();
    const rows = Array.from(element.shadowRoot.querySelectorAll('table.flows tbody tr'));
    expect(rows.map((row) => row.dataset.flow)).toEqual(['customers', 'invoices', 'orders', 'products']);
    expect(rows.map((row) => row.querySelector('.flow-schedule').textContent)).toEqual([
      '*/15 * * * *',
      '0 * * * *',
      '0 2 * * *',
      '30 2 * * *',
    ]);
    expect(rows.map((row) => row.querySelector('.flow-outcome').textContent)).toEqual([
      'partial',
      'failed',
      'never run',
      'never run',
    ]);
    expect(rows[1].querySelector('.flow-outcome').classList).toContain('slds-text-color_error');
    expect(rows[0].querySelector('.flow-outcome').classList).not.toContain('slds-text-color_error');
    expect(rows[0].querySelector('lightning-formatted-date-time.flow-last-started').value).toBe(RUNS[0].startedAt);
    expect(rows[2].querySelector('.flow-last-started')).toBeNull();
    expect(rows.map((row) => row.querySelector('lightning-button.run-flow').label)).toEqual([
      'Run customers',
      'Run invoices',
      'Run orders',
      'Run products',
    ]);
  });

  it('shows when each flow runs next, or that it is paused, and the failed records waiting for it', async () => {
    const element = await mount();
    const row = (flow) => $(element, `tr[data-flow="${flow}"]`);
    expect(row('customers').querySelector('.flow-next lightning-formatted-date-time').value).toBe(FLOWS[0].nextRunAt);
    expect(row('invoices').querySelector('.flow-paused').textContent).toBe('Paused until');
    expect(row('invoices').querySelector('.flow-next lightning-formatted-date-time').value).toBe(FLOWS[1].pausedUntil);
    expect(row('orders').querySelector('.flow-next').textContent).toBe('Not scheduled');
    expect(row('customers').querySelector('.flow-failures').textContent).toBe('2 failed records waiting');
    expect(row('orders').querySelector('.flow-failures').textContent).toBe('1 failed record waiting');
    expect(row('invoices').querySelector('.flow-failures')).toBeNull();
  });

  it('says a flow another process is running and does not offer to run it again', async () => {
    const element = await mount();
    const products = $(element, 'tr[data-flow="products"]');
    expect(products.querySelector('.flow-running').textContent).toBe('Running now');
    expect(products.querySelector('lightning-button.run-flow').disabled).toBe(true);
    expect($(element, 'tr[data-flow="customers"] .flow-running')).toBeNull();
    expect($(element, 'tr[data-flow="customers"] lightning-button.run-flow').disabled).toBe(false);
  });

  it('says when the connector reports no flow', async () => {
    const element = await mount({ flows: [] });
    expect($(element, 'table.flows')).toBeNull();
    expect($(element, '.no-flows').textContent).toBe('The connector reports no sync flows.');
  });

  it('shows an error panel when the flows cannot be loaded, and loads them again on refresh', async () => {
    const element = await mount({ flows: new Error('flows down') });
    expect($(element, 'c-error-panel.flows-error').friendlyMessage).toBe('Sync flows could not be loaded');
    expect($(element, 'table.flows')).toBeNull();
    getFlows.mockResolvedValue(FLOWS);
    $(element, 'lightning-button-icon.refresh-flows').click();
    await Promise.resolve();
    expect($(element, 'lightning-spinner.flows-spinner').alternativeText).toBe('Loading sync flows');
    await flush();
    expect($(element, 'c-error-panel.flows-error')).toBeNull();
    expect(element.shadowRoot.querySelectorAll('table.flows tbody tr')).toHaveLength(4);
    expect(getFlows).toHaveBeenCalledTimes(2);
  });

  it('runs a flow from its button, shows it is busy, reports it and reloads the runs', async () => {
    const element = await mount();
    const toasts = jest.fn();
    element.addEventListener('lightning__showtoast', toasts);
    let finish;
    runFlow.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    $(element, 'tr[data-flow="invoices"] lightning-button.run-flow').click();
    await Promise.resolve();
    expect(runFlow).toHaveBeenCalledWith({ flow: 'invoices' });
    expect($(element, 'tr[data-flow="invoices"] lightning-button.run-flow').label).toBe('Running invoices…');
    const buttons = Array.from(element.shadowRoot.querySelectorAll('lightning-button.run-flow'));
    expect(buttons.every((button) => button.disabled)).toBe(true);
    expect($(element, 'lightning-spinner.flows-spinner').alternativeText).toBe('Running the invoices flow');
    $(element, 'tr[data-flow="customers"] lightning-button.run-flow').click();
    expect(runFlow).toHaveBeenCalledTimes(1);
    finish('The invoices flow ran (succeeded): 40 read, 0 created, 4 updated, 36 unchanged, 0 failed.');
    await flush();
    expect(toasts.mock.calls[0][0].detail.message).toContain('The invoices flow ran (succeeded)');
    expect(getRuns).toHaveBeenCalledTimes(2);
    expect(getFlows).toHaveBeenCalledTimes(2);
    // A run of a two-way flow may have recorded conflicts.
    expect(getConflicts).toHaveBeenCalledTimes(2);
    expect($(element, 'tr[data-flow="invoices"] lightning-button.run-flow').disabled).toBe(false);
  });

  it('shows why an action was refused', async () => {
    const element = await mount();
    runFlow.mockRejectedValue({ body: { message: 'The customers flow is already running.' } });
    $(element, 'tr[data-flow="customers"] lightning-button.run-flow').click();
    await flush();
    const panel = $(element, 'c-error-panel.action-error');
    expect(panel.friendlyMessage).toBe('The action was refused');
    expect(panel.errors.body.message).toBe('The customers flow is already running.');
    expect(getRuns).toHaveBeenCalledTimes(1);
    expect($(element, 'tr[data-flow="customers"] lightning-button.run-flow').label).toBe('Run customers');
  });

  it('shows a retry is under way and ignores a second action meanwhile', async () => {
    const element = await mount();
    let finish;
    retryFailure.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    rowAction($(element, 'lightning-datatable.failures'), 'retry', FAILURES[0]);
    await Promise.resolve();
    expect($(element, 'lightning-spinner.failures-spinner').alternativeText).toBe('Retrying the record');
    rowAction($(element, 'lightning-datatable.failures'), 'skip', FAILURES[1]);
    expect(skipFailure).not.toHaveBeenCalled();
    finish('The record was queued for another attempt.');
    await flush();
    expect($(element, 'lightning-spinner.failures-spinner')).toBeNull();
  });

  it('shows a skip is under way', async () => {
    const element = await mount();
    let finish;
    skipFailure.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    rowAction($(element, 'lightning-datatable.failures'), 'skip', FAILURES[1]);
    await Promise.resolve();
    expect($(element, 'lightning-spinner.failures-spinner').alternativeText).toBe('Skipping the record');
    finish('The record was skipped; it will not be retried.');
    await flush();
    expect($(element, 'lightning-spinner.failures-spinner')).toBeNull();
  });

  // Three axe-core passes over the whole console: seconds each on a loaded machine.
  it('is accessible with flows, runs and failures, when nothing loads, and while a flow runs', async () => {
    const failing = await mount({
      flows: new Error('down'),
      runs: new Error('down'),
      failures: new Error('down'),
      conflicts: new Error('down'),
    });
    await expect(failing).toBeAccessible();
    document.body.removeChild(failing);
    const element = await mount();
    await expect(element).toBeAccessible();
    runFlow.mockReturnValue(new Promise(() => {}));
    $(element, 'tr[data-flow="orders"] lightning-button.run-flow').click();
    await Promise.resolve();
    await expect(element).toBeAccessible();
  }, 30_000);

  it('reloads each list on its refresh button', async () => {
    const element = await mount();
    $(element, 'lightning-button-icon.refresh-runs').click();
    $(element, 'lightning-button-icon.refresh-failures').click();
    await Promise.resolve();
    const spinners = Array.from(element.shadowRoot.querySelectorAll('lightning-spinner'));
    expect(spinners.map((spinner) => spinner.alternativeText)).toEqual(['Loading sync runs', 'Loading failed records']);
    expect($(element, 'lightning-button-icon.refresh-runs').disabled).toBe(true);
    await flush();
    expect($(element, 'lightning-spinner')).toBeNull();
    expect(getRuns).toHaveBeenCalledTimes(2);
    expect(getFailures).toHaveBeenCalledTimes(2);
  });

  it('reports a working connection', async () => {
    const element = await mount();
    testConnection.mockResolvedValue({
      ok: true,
      status: 'ok',
      message: 'Salesforce reached the Sage 300 connector and its API key was accepted.',
      elapsedMs: 84,
    });
    $(element, 'lightning-button.test-connection').click();
    await flush();
    const result = $(element, '.connection-result');
    expect(result.classList).toContain('slds-theme_success');
    expect(result.textContent).toBe(
      'Connected: Salesforce reached the Sage 300 connector and its API key was accepted. (status ok, 84 ms)',
    );
  });

  it('reports a failed connection with its reason', async () => {
    const element = await mount();
    testConnection.mockResolvedValue({
      ok: false,
      status: 'UNAUTHORIZED',
      message: 'Salesforce is not allowed to call the Sage 300 connector.',
      elapsedMs: 40,
    });
    $(element, 'lightning-button.test-connection').click();
    await flush();
    const result = $(element, '.connection-result');
    expect(result.classList).toContain('slds-theme_error');
    expect(result.textContent).toBe('Not connected: Salesforce is not allowed to call the Sage 300 connector.');
  });

  it('shows the error panel when the connection test cannot run', async () => {
    const element = await mount();
    let answer;
    testConnection.mockReturnValue(new Promise((resolve, reject) => (answer = reject)));
    $(element, 'lightning-button.test-connection').click();
    await Promise.resolve();
    expect($(element, 'lightning-button.test-connection').disabled).toBe(true);
    answer({ body: { message: 'You do not have access to SageSyncConsoleController.' } });
    await flush();
    expect($(element, 'c-error-panel.connection-error').friendlyMessage).toBe('The connection test could not run');
    expect($(element, '.connection-result')).toBeNull();
  });
});
