import { LightningElement, api } from 'lwc';

const HEADER_FIELDS = [
  { label: 'Sage customer number', field: 'Account.Sage_Customer_Number__c' },
  { label: 'Account owner', field: 'Account.Owner.Name' },
  { label: 'Phone', field: 'Account.Phone' },
  { label: 'Billing city', field: 'Account.BillingCity' },
  { label: 'Sage balance (last sync)', field: 'Account.Sage_Balance__c', type: 'currency' },
  { label: 'Last synced', field: 'Account.Sage_Last_Synced__c', type: 'date-time' },
];

const INVOICE_COLUMNS = [
  { label: 'Document', fieldName: 'Document_Number__c' },
  { label: 'Type', fieldName: 'Document_Type__c' },
  { label: 'Date', fieldName: 'Document_Date__c', type: 'date-local' },
  { label: 'Due', fieldName: 'Due_Date__c', type: 'date-local' },
  { label: 'Amount', fieldName: 'Amount__c', type: 'currency' },
  { label: 'Balance due', fieldName: 'Balance_Due__c', type: 'currency' },
  { label: 'Status', fieldName: 'Status__c' },
];

/**
 * The Account record page as the package's flexipage lays it out: the highlights, the Sage 300 financials, the Sage
 * Invoices related list, the credit alerts in the sidebar, and a product's Sage 300 stock beside them.
 */
export default class AccountPage extends LightningElement {
  @api recordId;
  /** The products the stock panel can show: `[{ id, label, itemNumber }]`. */
  @api products = [];

  headerFields = HEADER_FIELDS;
  invoiceColumns = INVOICE_COLUMNS;
  selectedProductId;

  get productOptions() {
    return this.products.map((product) => ({
      label: product.itemNumber ? `${product.label} (${product.itemNumber})` : product.label,
      value: product.id,
    }));
  }

  get productId() {
    if (this.selectedProductId) return this.selectedProductId;
    const linked = this.products.find((product) => product.itemNumber);
    return linked ? linked.id : undefined;
  }

  /** Keyed by product, so choosing another one creates the stock panel afresh (it loads when connected). */
  get stockPanels() {
    return this.productId ? [{ key: this.productId, productId: this.productId }] : [];
  }

  handleProductChange(event) {
    this.selectedProductId = event.detail.value;
  }
}
