import { createElement } from 'lwc';
import SageItemAvailability from 'c/sageItemAvailability';
import getAvailability from '@salesforce/apex/SageItemController.getAvailability';

jest.mock('@salesforce/apex/SageItemController.getAvailability', () => ({ default: jest.fn() }), { virtual: true });

const LIVE = {
  linked: true,
  productName: 'Trail tent',
  itemNumber: 'A1-105/BLUE',
  unitOfMeasure: 'EA',
  quantityOnHand: 130,
  quantityAvailable: 100.5,
  quantityOnSalesOrder: 29.5,
  quantityOnPurchaseOrder: null,
  prices: [
    { priceList: 'RTL', currencyCode: 'USD', unitPrice: 499 },
    { priceList: 'WHS', currencyCode: 'CAD', unitPrice: 380 },
  ],
  asOf: '2026-03-03T10:15:00.000Z',
  stale: false,
};

function flush() {
  // eslint-disable-next-line @lwc/lwc/no-async-operation
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function mount(answer) {
  if (answer && answer.body) getAvailability.mockRejectedValue(answer);
  else getAvailability.mockResolvedValue(answer);
  const element = createElement('c-sage-item-availability', { is: SageItemAvailability });
  element.recordId = '01t000000000001AAA';
  document.body.appendChild(element);
  await flush();
  return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));

describe('c-sage-item-availability', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
  });

  it('shows live stock and prices per price list', async () => {
    const element = await mount(LIVE);
    expect(getAvailability).toHaveBeenCalledWith({ productId: '01t000000000001AAA' });
    expect($(element, 'lightning-formatted-number[data-id="quantityAvailable"]').value).toBe(100.5);
    expect($(element, 'span[data-id="quantityOnPurchaseOrder"]').textContent).toBe('Not known');
    expect($(element, '.unit').textContent).toBe('Quantities in EA');
    const rows = $$(element, 'tr.price');
    expect(rows).toHaveLength(2);
    expect(rows[1].querySelector('th').textContent).toBe('WHS');
    const price = rows[1].querySelector('lightning-formatted-number');
    expect(price.value).toBe(380);
    expect(price.currencyCode).toBe('CAD');
    expect($(element, 'lightning-formatted-date-time.as-of').value).toBe('2026-03-03T10:15:00.000Z');
    expect($(element, '.stale-notice')).toBeNull();
    expect($(element, 'lightning-badge.inactive')).toBeNull();
  });

  it('marks an item that is inactive in Sage 300', async () => {
    const element = await mount({ ...LIVE, active: false });
    expect($(element, 'lightning-badge.inactive').label).toBe('Inactive in Sage 300');
  });

  it('says when the item has no prices', async () => {
    const element = await mount({ ...LIVE, prices: [], unitOfMeasure: null });
    expect($(element, '.no-prices').textContent).toBe('No prices for this item in Sage 300.');
    expect($(element, 'table.prices')).toBeNull();
    expect($(element, '.unit')).toBeNull();
  });

  it('marks synced stock as stale with the reason', async () => {
    const element = await mount({ ...LIVE, stale: true, staleReason: 'Sage 300 answered with an error.' });
    const notice = $(element, '.stale-notice');
    expect(notice.textContent).toContain('last synced from Sage 300');
    expect(notice.textContent).toContain('Sage 300 answered with an error.');
  });

  it('says when the stale stock was never synced', async () => {
    const element = await mount({ ...LIVE, stale: true, staleReason: 'Try again.', asOf: null });
    expect($(element, '.stale-notice').textContent).toContain('never been synced');
  });

  it('explains a product without a Sage item', async () => {
    const element = await mount({ linked: false, message: 'This product is not linked to a Sage 300 item.' });
    expect($(element, '.unlinked').textContent).toBe('This product is not linked to a Sage 300 item.');
    expect($(element, '.quantities')).toBeNull();
  });

  it('shows the error panel when stock cannot be loaded', async () => {
    const element = await mount({ body: { message: 'Sage 300 has no item A1-105/BLUE.' } });
    expect($(element, 'c-error-panel').friendlyMessage).toBe('Sage 300 stock could not be loaded');
    expect($(element, '.quantities')).toBeNull();
  });

  it('reloads when refreshed', async () => {
    const element = await mount(LIVE);
    getAvailability.mockResolvedValue({ ...LIVE, quantityAvailable: 7 });
    $(element, 'lightning-button-icon.refresh').click();
    await Promise.resolve();
    expect($(element, 'lightning-spinner')).not.toBeNull();
    await flush();
    expect(getAvailability).toHaveBeenCalledTimes(2);
    expect($(element, 'lightning-formatted-number[data-id="quantityAvailable"]').value).toBe(7);
  });
});
