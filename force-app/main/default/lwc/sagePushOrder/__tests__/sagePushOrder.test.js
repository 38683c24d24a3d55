import { createElement } from 'lwc';
import SagePushOrder from 'c/sagePushOrder';
import getPreview from '@salesforce/apex/SageOrderController.getPreview';
import pushOrder from '@salesforce/apex/SageOrderController.push';
import sendAsQuote from '@salesforce/apex/SageOrderController.sendAsQuote';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';

jest.mock('@salesforce/apex/SageOrderController.getPreview', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SageOrderController.push', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SageOrderController.sendAsQuote', () => ({ default: jest.fn() }), { virtual: true });

const OPPORTUNITY_ID = '006000000000001AAA';

const PREVIEW = {
  opportunityId: OPPORTUNITY_ID,
  opportunityName: 'Won deal',
  stageName: 'Closed Won',
  closedWon: true,
  accountName: 'Coastal Outfitters',
  customerNumber: '1300',
  currencyCode: 'USD',
  lines: [
    { lineId: '00k1', productName: 'Trail tent', itemNumber: 'A1-105', quantity: 3, unitPrice: 500, totalPrice: 1500 },
    { lineId: '00k2', productName: 'Trail tent', itemNumber: 'A1-105', quantity: 2, unitPrice: 450, totalPrice: 900 },
  ],
  total: 2400,
  creditCheck: { outcome: 'warned', message: 'This order takes the balance over the credit limit.' },
  existingOrder: null,
  blockers: [],
  canPush: true,
  notice: null,
};

function flush() {
  // eslint-disable-next-line @lwc/lwc/no-async-operation
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function mount(preview) {
  if (preview && preview.body) getPreview.mockRejectedValue(preview);
  else getPreview.mockResolvedValue(preview);
  const element = createElement('c-sage-push-order', { is: SagePushOrder });
  document.body.appendChild(element);
  // Quick actions set the record id after the component is connected.
  element.recordId = OPPORTUNITY_ID;
  await flush();
  return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));

describe('c-sage-push-order', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it('previews the customer, lines, total and credit check', async () => {
    const element = await mount(PREVIEW);
    expect(getPreview).toHaveBeenCalledWith({ opportunityId: OPPORTUNITY_ID });
    expect($(element, '.customer').textContent).toContain('Coastal Outfitters');
    expect($(element, '.customer-number').textContent).toContain('Sage 300 customer 1300');
    expect($$(element, 'tr.line')).toHaveLength(2);
    expect($(element, 'tr.line th').textContent).toBe('Trail tent');
    const total = $(element, 'lightning-formatted-number.total');
    expect(total.value).toBe(2400);
    expect(total.currencyCode).toBe('USD');
    expect($(element, 'lightning-badge.credit-badge').label).toBe('Credit warning');
    expect($(element, '.credit-message').textContent).toBe('This order takes the balance over the credit limit.');
    expect($(element, 'lightning-button.push').disabled).toBe(false);
    expect($(element, 'lightning-button.close').label).toBe('Cancel');
  });

  it('says a customer not yet in Sage 300 will be matched or created', async () => {
    const element = await mount({ ...PREVIEW, customerNumber: null });
    expect($(element, '.new-customer').textContent).toContain('matched or created');
  });

  it('lists why the opportunity cannot be pushed and disables the push', async () => {
    const element = await mount({
      ...PREVIEW,
      closedWon: false,
      canPush: false,
      lines: [{ lineId: '00k3', productName: 'Set-up service', itemNumber: null, quantity: 1, unitPrice: 150 }],
      blockers: [
        'Only Closed Won opportunities can be pushed to Sage 300; this one is at stage "Prospecting".',
        'These products have no Sage item number: Set-up service.',
      ],
    });
    const blockers = $$(element, '.blockers li').map((li) => li.textContent);
    expect(blockers).toHaveLength(2);
    expect(blockers[0]).toContain('Only Closed Won');
    expect($(element, 'tr.line td').textContent).toBe('No Sage item');
    expect($(element, 'lightning-button.push').disabled).toBe(true);
  });

  it('says when the opportunity has no products', async () => {
    const element = await mount({ ...PREVIEW, lines: [], total: 0, canPush: false, blockers: ['No products.'] });
    expect($(element, '.no-lines').textContent).toBe('No products on this opportunity.');
    expect($(element, 'table.lines')).toBeNull();
  });

  it('shows the existing order instead of pushing again', async () => {
    const element = await mount({
      ...PREVIEW,
      canPush: false,
      existingOrder: { orderNumber: 'ORD000777', status: 'Pushed', pushedAt: '2026-03-01T12:00:00.000Z' },
    });
    expect($(element, '.existing-order-text').textContent).toBe('Already in Sage 300 as order ORD000777 (Pushed).');
    expect($(element, '.existing-order lightning-formatted-date-time').value).toBe('2026-03-01T12:00:00.000Z');
    expect($(element, 'lightning-button.push')).toBeNull();
    expect($(element, 'lightning-button.close').label).toBe('Close');
  });

  it('says in words that an earlier push is being verified', async () => {
    const element = await mount({
      ...PREVIEW,
      canPush: false,
      existingOrder: { orderNumber: 'ORD000901', status: 'in_doubt' },
    });
    expect($(element, '.existing-order-text').textContent).toBe(
      'Already in Sage 300 as order ORD000901 (being verified with Sage 300).',
    );
    expect($(element, '.existing-order lightning-formatted-date-time')).toBeNull();
  });

  it('shows a notice that does not stop the push', async () => {
    const element = await mount({ ...PREVIEW, notice: 'Sage 300 could not be checked for an earlier order.' });
    expect($(element, '.notice').textContent).toBe('Sage 300 could not be checked for an earlier order.');
    expect($(element, 'lightning-button.push').disabled).toBe(false);
  });

  it('shows the error panel when the preview cannot be loaded', async () => {
    const element = await mount({ body: { message: 'This opportunity does not exist or is not shared with you.' } });
    expect($(element, 'c-error-panel').friendlyMessage).toBe('The order preview could not be loaded');
    expect($(element, 'lightning-button.push')).toBeNull();
  });

  it('pushes, shows the order number, toasts and refreshes the record', async () => {
    const element = await mount(PREVIEW);
    const toasts = jest.fn();
    element.addEventListener('lightning__showtoast', toasts);
    pushOrder.mockResolvedValue({
      orderNumber: 'ORD000123',
      status: 'Pushed',
      replayed: false,
      creditCheck: null,
      customerNumber: '1300',
      message: 'Customer 1300 was created in Sage 300.',
    });
    $(element, 'lightning-button.push').click();
    await flush();
    expect(pushOrder).toHaveBeenCalledWith({ opportunityId: OPPORTUNITY_ID });
    expect($(element, '.result-headline').textContent).toBe('Sage 300 order ORD000123 was created.');
    expect($(element, '.result-customer').textContent).toBe('Customer 1300');
    expect($(element, '.result-message').textContent).toBe('Customer 1300 was created in Sage 300.');
    expect(toasts).toHaveBeenCalledTimes(1);
    expect(toasts.mock.calls[0][0].detail).toEqual({
      title: 'Pushed to Sage 300',
      message: 'Sage 300 order ORD000123',
      variant: 'success',
    });
    expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: OPPORTUNITY_ID }]);
    expect($(element, 'lightning-button.push')).toBeNull();
    expect($(element, 'table.lines')).toBeNull();
  });

  it('shows the first order and the credit warning when the push is a replay', async () => {
    const element = await mount(PREVIEW);
    pushOrder.mockResolvedValue({
      orderNumber: 'ORD000123',
      status: 'Pushed',
      replayed: true,
      creditCheck: { outcome: 'warned', message: 'The order total exceeds the credit limit.' },
    });
    $(element, 'lightning-button.push').click();
    await flush();
    expect($(element, '.result-headline').textContent).toBe(
      'This opportunity was already pushed: Sage 300 order ORD000123.',
    );
    expect($(element, '.result lightning-badge').label).toBe('Credit warning');
    expect($(element, '.result-credit').textContent).toBe('The order total exceeds the credit limit.');
  });

  it('gives the reason in plain words when the push fails and allows another try', async () => {
    const element = await mount(PREVIEW);
    pushOrder.mockRejectedValue({
      body: { message: 'The order total of 2,400.00 USD exceeds the credit limit of 10,000.00 USD.' },
    });
    $(element, 'lightning-button.push').click();
    await flush();
    const panel = $(element, 'c-error-panel');
    expect(panel.friendlyMessage).toBe('Sage 300 did not create the order');
    expect(panel.errors.body.message).toBe(
      'The order total of 2,400.00 USD exceeds the credit limit of 10,000.00 USD.',
    );
    expect($(element, '.unconfirmed')).toBeNull();
    expect($(element, 'lightning-button.push').disabled).toBe(false);
    expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();
  });

  it('says another push is still running, offers to check again, and shows the order once it exists', async () => {
    const element = await mount(PREVIEW);
    const toasts = jest.fn();
    element.addEventListener('lightning__showtoast', toasts);
    pushOrder.mockResolvedValueOnce({
      status: 'In Progress',
      replayed: false,
      message: 'Another push of this opportunity is under way. Check again in 4 seconds.',
    });
    $(element, 'lightning-button.push').click();
    await flush();
    expect($(element, '.in-progress-message').textContent).toBe(
      'Another push of this opportunity is under way. Check again in 4 seconds.',
    );
    expect($(element, 'c-error-panel')).toBeNull();
    expect($(element, 'lightning-button.push')).toBeNull();
    expect(toasts).not.toHaveBeenCalled();
    expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();

    pushOrder.mockResolvedValueOnce({ orderNumber: 'ORD000125', status: 'Pushed', replayed: true });
    $(element, 'lightning-button.check-again').click();
    await flush();
    expect(pushOrder).toHaveBeenCalledTimes(2);
    expect($(element, '.in-progress')).toBeNull();
    expect($(element, 'lightning-button.check-again')).toBeNull();
    expect($(element, '.result-headline').textContent).toBe(
      'This opportunity was already pushed: Sage 300 order ORD000125.',
    );
    expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: OPPORTUNITY_ID }]);
  });

  it('gives a neutral title when the outcome is unknown, and offers to push again', async () => {
    const element = await mount(PREVIEW);
    const toasts = jest.fn();
    element.addEventListener('lightning__showtoast', toasts);
    const message =
      'Sage 300 did not confirm the order, so it is not known whether it was created. Push again in a minute.';
    pushOrder.mockResolvedValue({ confirmed: false, replayed: false, message });
    $(element, 'lightning-button.push').click();
    await flush();
    expect($(element, '.unconfirmed-title').textContent).toBe('Push not confirmed');
    expect($(element, '.unconfirmed-message').textContent).toBe(message);
    expect($(element, 'c-error-panel')).toBeNull();
    expect($(element, '.result')).toBeNull();
    expect(toasts.mock.calls[0][0].detail).toEqual({ title: 'Push not confirmed', message, variant: 'warning' });
    const again = $(element, 'lightning-button.push');
    expect(again.label).toBe('Push again');
    expect(again.disabled).toBe(false);
    expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();

    pushOrder.mockResolvedValue({ confirmed: true, orderNumber: 'ORD000125', status: 'Pushed', replayed: true });
    again.click();
    await flush();
    expect($(element, '.unconfirmed')).toBeNull();
    expect($(element, '.result-headline').textContent).toBe(
      'This opportunity was already pushed: Sage 300 order ORD000125.',
    );
  });

  it('is accessible with a preview, a result and an unknown outcome', async () => {
    const element = await mount(PREVIEW);
    await expect(element).toBeAccessible();
    pushOrder.mockResolvedValue({ confirmed: false, replayed: false, message: 'Not confirmed.' });
    $(element, 'lightning-button.push').click();
    await flush();
    await expect(element).toBeAccessible();
    pushOrder.mockResolvedValue({ confirmed: true, orderNumber: 'ORD000126', status: 'Pushed', replayed: false });
    $(element, 'lightning-button.push').click();
    await flush();
    await expect(element).toBeAccessible();
  });

  it('shows a spinner while pushing', async () => {
    const element = await mount(PREVIEW);
    let answer;
    pushOrder.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    $(element, 'lightning-button.push').click();
    await Promise.resolve();
    expect($(element, 'lightning-spinner').alternativeText).toBe('Pushing the order to Sage 300');
    expect($(element, 'lightning-button.push').disabled).toBe(true);
    answer({ orderNumber: 'ORD000124', status: 'Pushed', replayed: false });
    await flush();
    expect($(element, 'lightning-spinner')).toBeNull();
  });

  it('closes the action', async () => {
    const element = await mount(PREVIEW);
    const closed = jest.fn();
    element.addEventListener('close', closed);
    $(element, 'lightning-button.close').click();
    expect(closed).toHaveBeenCalledTimes(1);
  });

  describe('sending an opportunity not yet won as a quote', () => {
    const OPEN = {
      ...PREVIEW,
      opportunityName: 'Open deal',
      stageName: 'Prospecting',
      closedWon: false,
      blockers: ['Only Closed Won opportunities can be pushed to Sage 300; this one is at stage "Prospecting".'],
      canPush: false,
      canQuote: true,
      quoteNumber: null,
    };

    it('offers Send as quote beside a disabled push, and sends the quote once clicked', async () => {
      sendAsQuote.mockResolvedValue({
        kind: 'quote',
        orderNumber: 'ORD000124',
        status: 'Pushed',
        customerNumber: '1300',
        replayed: false,
        confirmed: true,
        creditCheck: null,
      });
      const element = await mount(OPEN);
      const toasts = jest.fn();
      element.addEventListener('lightning__showtoast', toasts);
      expect($(element, 'lightning-button.push').disabled).toBe(true);
      const quote = $(element, 'lightning-button.send-quote');
      expect(quote.label).toBe('Send as quote');
      quote.click();
      await flush();
      expect(sendAsQuote).toHaveBeenCalledWith({ opportunityId: OPPORTUNITY_ID });
      expect(pushOrder).not.toHaveBeenCalled();
      expect($(element, '.result-headline').textContent).toBe('Sage 300 quote ORD000124 was created.');
      expect(element.shadowRoot.textContent).not.toContain('Order status');
      expect($(element, 'lightning-button.send-quote')).toBeNull();
      expect(toasts.mock.calls[0][0].detail).toMatchObject({
        title: 'Sent to Sage 300 as a quote',
        message: 'Sage 300 quote ORD000124',
        variant: 'success',
      });
      expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: OPPORTUNITY_ID }]);
    });

    it('shows the quote already sent and offers no second one', async () => {
      const element = await mount({ ...OPEN, canQuote: false, quoteNumber: 'ORD000124' });
      expect($(element, '.existing-quote').textContent).toBe('Sent to Sage 300 as quote ORD000124.');
      expect($(element, 'lightning-button.send-quote')).toBeNull();
    });

    it('offers no quote for a won opportunity', async () => {
      const element = await mount(PREVIEW);
      expect($(element, 'lightning-button.send-quote')).toBeNull();
    });

    it('shows why Sage 300 refused the quote, in an error panel named for the quote', async () => {
      sendAsQuote.mockRejectedValue({ body: { message: 'Sage 300 refused the quote: Item A1-105 does not exist.' } });
      const element = await mount(OPEN);
      $(element, 'lightning-button.send-quote').click();
      await flush();
      const panel = $(element, 'c-error-panel');
      expect(panel.friendlyMessage).toBe('Sage 300 did not create the quote');
      expect(panel.errors.body.message).toContain('Item A1-105 does not exist.');
      expect($(element, 'lightning-button.send-quote').disabled).toBe(false);
    });

    it('says an unconfirmed quote was not confirmed and offers to send it again', async () => {
      sendAsQuote.mockResolvedValue({
        kind: 'quote',
        confirmed: false,
        replayed: false,
        message: 'Sage 300 did not confirm the quote.',
      });
      const element = await mount(OPEN);
      $(element, 'lightning-button.send-quote').click();
      await flush();
      expect($(element, '.unconfirmed-title').textContent).toBe('Quote not confirmed');
      expect($(element, 'lightning-button.send-quote').label).toBe('Send as quote again');
    });
  });
});
