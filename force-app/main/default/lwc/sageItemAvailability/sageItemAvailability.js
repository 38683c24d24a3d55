import { LightningElement, api } from 'lwc';
import getAvailability from '@salesforce/apex/SageItemController.getAvailability';
import USER_CURRENCY from '@salesforce/i18n/currency';

const QUANTITIES = [
  { key: 'quantityOnHand', label: 'On hand' },
  { key: 'quantityAvailable', label: 'Available' },
  { key: 'quantityOnSalesOrder', label: 'On sales orders' },
  { key: 'quantityOnPurchaseOrder', label: 'On purchase orders' },
];

/** The Product page's Sage 300 panel: stock and prices per price list, live or as last synced. */
export default class SageItemAvailability extends LightningElement {
  /** The Product2's id, set by the record page. */
  @api recordId;

  availability;
  error;
  isLoading = false;

  connectedCallback() {
    this.load();
  }

  async load() {
    this.isLoading = true;
    this.error = undefined;
    try {
      this.availability = await getAvailability({ productId: this.recordId });
    } catch (error) {
      this.error = error;
      this.availability = undefined;
    } finally {
      this.isLoading = false;
    }
  }

  handleRefresh() {
    this.load();
  }

  get isUnlinked() {
    return !!this.availability && this.availability.linked === false;
  }

  get isLinked() {
    return !!this.availability && this.availability.linked === true;
  }

  get isInactive() {
    return this.availability.active === false;
  }

  get quantities() {
    return QUANTITIES.map((quantity) => {
      const value = this.availability[quantity.key];
      return { ...quantity, value, known: value !== null && value !== undefined };
    });
  }

  get unitOfMeasure() {
    return this.availability.unitOfMeasure ? `Quantities in ${this.availability.unitOfMeasure}` : '';
  }

  get hasPrices() {
    return this.prices.length > 0;
  }

  get prices() {
    return (this.availability.prices || []).map((price) => ({
      ...price,
      key: `${price.priceList}|${price.currencyCode}`,
      currencyCode: price.currencyCode || USER_CURRENCY,
    }));
  }

  get staleSummary() {
    return this.availability.asOf
      ? 'Showing the stock and prices last synced from Sage 300.'
      : 'This item has never been synced from Sage 300.';
  }
}
