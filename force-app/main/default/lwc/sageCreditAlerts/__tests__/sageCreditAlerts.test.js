import { createElement } from 'lwc';
import SageCreditAlerts from 'c/sageCreditAlerts';
import getOpenAlerts from '@salesforce/apex/SageCreditAlertController.getOpenAlerts';
import acknowledge from '@salesforce/apex/SageCreditAlertController.acknowledge';
import { refreshApex } from '@salesforce/apex';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';

jest.mock(
  '@salesforce/apex/SageCreditAlertController.getOpenAlerts',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true },
);
jest.mock('@salesforce/apex/SageCreditAlertController.acknowledge', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), { virtual: true });

const ALERTS = [
  {
    id: 'a01000000000001AAA',
    name: 'CA-00001',
    alertType: 'Over Limit',
    severity: 'Critical',
    status: 'Open',
    message: 'Balance 10,400.00 USD is over the credit limit of 10,000.00 USD.',
    balance: 10400,
    creditLimit: 10000,
    utilisation: 104,
    threshold: 80,
    raisedAt: '2026-03-03T08:00:00.000Z',
  },
  {
    id: 'a01000000000002AAA',
    name: 'CA-00002',
    alertType: 'Overdue',
    severity: 'Warning',
    status: 'Open',
    message: 'Invoice IN0000201 is 27 days overdue.',
  },
];

function flush() {
  // eslint-disable-next-line @lwc/lwc/no-async-operation
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function mount() {
  const element = createElement('c-sage-credit-alerts', { is: SageCreditAlerts });
  element.recordId = '001000000000001AAA';
  document.body.appendChild(element);
  return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));

describe('c-sage-credit-alerts', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it('shows a spinner until the alerts arrive', async () => {
    const element = mount();
    await flush();
    expect($(element, 'lightning-spinner')).not.toBeNull();
  });

  it('asks for the alerts of the page account', async () => {
    mount();
    await flush();
    expect(getOpenAlerts.getLastConfig()).toEqual({ accountId: '001000000000001AAA' });
  });

  it('lists open alerts with severity, message, utilisation and time', async () => {
    const element = mount();
    getOpenAlerts.emit(ALERTS);
    await flush();
    const items = $$(element, 'li.alert');
    expect(items).toHaveLength(2);
    expect(items[0].querySelector('.alert-type').textContent).toBe('Over Limit');
    expect(items[0].querySelector('lightning-icon').iconName).toBe('utility:error');
    expect(items[0].querySelector('lightning-icon').alternativeText).toBe('Critical');
    expect(items[0].querySelector('lightning-formatted-number.utilisation').value).toBe(1.04);
    expect(items[0].querySelector('lightning-formatted-date-time').value).toBe('2026-03-03T08:00:00.000Z');
    expect(items[1].querySelector('lightning-icon').iconName).toBe('utility:warning');
    expect(items[1].querySelector('lightning-formatted-number')).toBeNull();
    expect(items[0].querySelector('lightning-button').title).toBe('Acknowledge the Over Limit alert');
    expect($(element, 'lightning-card').title).toBe('Sage 300 credit alerts (2)');
    expect($(element, 'lightning-spinner')).toBeNull();
  });

  it('says when there are no open alerts', async () => {
    const element = mount();
    getOpenAlerts.emit([]);
    await flush();
    expect($(element, '.empty').textContent).toBe('No open credit alerts for this account.');
    expect($(element, 'li.alert')).toBeNull();
    expect($(element, 'lightning-card').title).toBe('Sage 300 credit alerts');
  });

  it('shows the error panel when the alerts cannot be loaded', async () => {
    const element = mount();
    getOpenAlerts.error({ message: 'You do not have access to the Sage 300 data on this page.' });
    await flush();
    const panel = $(element, 'c-error-panel.load-error');
    expect(panel.friendlyMessage).toBe('Credit alerts could not be loaded');
    expect($(element, 'lightning-spinner')).toBeNull();
  });

  it('acknowledges an alert, confirms it, reloads the list and refreshes the record view', async () => {
    const element = mount();
    getOpenAlerts.emit(ALERTS);
    await flush();
    const toasts = jest.fn();
    element.addEventListener('lightning__showtoast', toasts);
    acknowledge.mockResolvedValue({ id: ALERTS[1].id, status: 'Acknowledged' });
    $$(element, 'lightning-button.acknowledge')[1].click();
    await flush();
    expect(acknowledge).toHaveBeenCalledWith({ alertId: 'a01000000000002AAA' });
    expect(toasts.mock.calls[0][0].detail.variant).toBe('success');
    expect(toasts.mock.calls[0][0].detail.title).toBe('Alert acknowledged');
    expect(refreshApex).toHaveBeenCalledTimes(1);
    // The account page's related list and the alert's own record page show the new status too.
    expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([
      { recordId: 'a01000000000002AAA' },
      { recordId: '001000000000001AAA' },
    ]);
    expect($(element, 'c-error-panel.action-error')).toBeNull();
  });

  it('is accessible with alerts, without alerts and with an error', async () => {
    const element = mount();
    getOpenAlerts.emit(ALERTS);
    await flush();
    await expect(element).toBeAccessible();
    getOpenAlerts.emit([]);
    await flush();
    await expect(element).toBeAccessible();
    getOpenAlerts.error({ message: 'No access' });
    await flush();
    await expect(element).toBeAccessible();
  });

  it('disables the button of the alert being acknowledged', async () => {
    const element = mount();
    getOpenAlerts.emit(ALERTS);
    await flush();
    let answer;
    acknowledge.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    $$(element, 'lightning-button.acknowledge')[0].click();
    await Promise.resolve();
    const buttons = $$(element, 'lightning-button.acknowledge');
    expect(buttons[0].disabled).toBe(true);
    expect(buttons[1].disabled).toBe(false);
    answer({});
    await flush();
    expect($$(element, 'lightning-button.acknowledge')[0].disabled).toBe(false);
  });

  it('explains a refused acknowledgement and keeps the list', async () => {
    const element = mount();
    getOpenAlerts.emit(ALERTS);
    await flush();
    acknowledge.mockRejectedValue({ body: { message: 'This alert was already acknowledged by Ann on 3/3/2026.' } });
    $$(element, 'lightning-button.acknowledge')[0].click();
    await flush();
    const panel = $(element, 'c-error-panel.action-error');
    expect(panel.friendlyMessage).toBe('The alert was not acknowledged');
    expect(panel.errors.body.message).toContain('already acknowledged');
    expect(refreshApex).not.toHaveBeenCalled();
    expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();
    expect($$(element, 'li.alert')).toHaveLength(2);
  });
});
