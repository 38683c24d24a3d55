import { LightningElement, api } from 'lwc';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import getFinancials from '@salesforce/apex/SageAccountController.getFinancials';
import createCustomer from '@salesforce/apex/SageAccountController.createCustomer';
import USER_CURRENCY from '@salesforce/i18n/currency';
import LOCALE from '@salesforce/i18n/locale';

const CURRENCY_COLUMN = {
  type: 'currency',
  typeAttributes: {
    currencyCode: { fieldName: 'currencyCode' },
    currencyDisplayAs: { fieldName: 'currencyDisplayAs' },
  },
};

const COLUMNS = [
  {
    label: 'Document',
    fieldName: 'documentNumber',
    sortable: true,
    cellAttributes: {
      iconName: { fieldName: 'overdueIcon' },
      iconAlternativeText: 'Overdue',
      class: { fieldName: 'rowClass' },
    },
  },
  { label: 'Date', fieldName: 'documentDate', type: 'date-local', sortable: true },
  { label: 'Due', fieldName: 'dueDate', type: 'date-local', sortable: true },
  { label: 'Amount', fieldName: 'amount', sortable: true, ...CURRENCY_COLUMN },
  { label: 'Balance due', fieldName: 'balanceDue', sortable: true, ...CURRENCY_COLUMN },
  {
    label: 'Days overdue',
    fieldName: 'daysOverdue',
    type: 'number',
    sortable: true,
    cellAttributes: { class: { fieldName: 'rowClass' } },
  },
  { label: 'Status', fieldName: 'status', sortable: true, cellAttributes: { class: { fieldName: 'rowClass' } } },
];

const AGING_BUCKETS = [
  { key: 'current', label: 'Current' },
  { key: 'days1to30', label: '1–30 days' },
  { key: 'days31to60', label: '31–60 days' },
  { key: 'days61to90', label: '61–90 days' },
  { key: 'over90', label: 'Over 90 days' },
];

const STANDING_TEXT = {
  'within-limit': 'within the limit',
  'approaching-limit': 'approaching the limit',
  'over-limit': 'over the limit',
};

const MATCHED_BY = {
  'Name And Postal Code': 'by name and postal code',
  Email: 'by e-mail address',
};

/** What the rep reads after "Create in Sage 300": whether a customer was created or an existing one matched. */
function creationText(creation) {
  const number = creation.customerNumber;
  if (creation.outcome === 'created') {
    return `Created Sage 300 customer ${number}.`;
  }
  if (creation.outcome === 'matched') {
    const how = MATCHED_BY[creation.matchedBy];
    return how
      ? `Linked to the existing Sage 300 customer ${number}, matched ${how}.`
      : `Linked to the existing Sage 300 customer ${number}.`;
  }
  return `This account is already linked to Sage 300 customer ${number}.`;
}

/** Compares two cell values for sorting: numbers and ISO dates in order, blanks last. */
function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return a > b ? 1 : -1;
}

/** The Account page's Sage 300 panel: balance, credit, aging and open invoices, live or as last synced. */
export default class SageAccountFinancials extends LightningElement {
  /** The Account's id, set by the record page. */
  @api recordId;

  financials;
  error;
  isLoading = false;
  /** The answer of "Create in Sage 300": the outcome and the customer number. */
  creation;
  createError;
  isCreating = false;
  columns = COLUMNS;
  sortedBy = 'dueDate';
  sortedDirection = 'asc';

  connectedCallback() {
    this.load(false);
  }

  async load(fresh) {
    this.isLoading = true;
    this.error = undefined;
    try {
      this.financials = await getFinancials({ accountId: this.recordId, fresh });
    } catch (error) {
      this.error = error;
      this.financials = undefined;
    } finally {
      this.isLoading = false;
    }
  }

  handleRefresh() {
    this.load(true);
  }

  async handleCreate() {
    this.isCreating = true;
    this.createError = undefined;
    try {
      this.creation = await createCustomer({ accountId: this.recordId });
      // The connector wrote the customer number to the account: let the record page show it, then its figures.
      await notifyRecordUpdateAvailable([{ recordId: this.recordId }]);
      await this.load(true);
    } catch (error) {
      this.createError = error;
    } finally {
      this.isCreating = false;
    }
  }

  get isBusy() {
    return this.isLoading || this.isCreating;
  }

  get creationText() {
    return this.creation ? creationText(this.creation) : '';
  }

  handleSort(event) {
    this.sortedBy = event.detail.fieldName;
    this.sortedDirection = event.detail.sortDirection;
  }

  get isUnlinked() {
    return !!this.financials && this.financials.linked === false;
  }

  get isLinked() {
    return !!this.financials && this.financials.linked === true;
  }

  get currencyCode() {
    return (this.financials && this.financials.currencyCode) || USER_CURRENCY;
  }

  /**
   * How amounts show their currency: the symbol when the customer's currency is the user's, else the ISO code beside
   * the figure, so a CAD balance never reads as dollars of another kind in a USD org.
   */
  get currencyDisplayAs() {
    return this.currencyCode === USER_CURRENCY ? 'symbol' : 'code';
  }

  get keyFigures() {
    const data = this.financials;
    const noLimit = data.creditStanding === 'no-limit';
    return [
      { key: 'balance', label: 'Balance', value: data.balance, credit: false },
      { key: 'creditLimit', label: 'Credit limit', value: noLimit ? null : data.creditLimit, credit: true },
      { key: 'availableCredit', label: 'Available credit', value: data.availableCredit, credit: true },
      { key: 'pastDue', label: 'Past due', value: data.pastDue, credit: false },
    ].map((figure) => {
      const hasValue = figure.value !== null && figure.value !== undefined;
      return {
        ...figure,
        hasValue,
        // Only a credit figure can be missing because there is no limit; any other missing amount is unknown.
        emptyText: figure.credit && noLimit ? 'No limit' : '—',
        emptyLabel: figure.credit && noLimit ? 'No limit' : 'Not known',
        valueClass:
          figure.key === 'pastDue' && figure.value > 0 ? 'slds-text-heading_small past-due' : 'slds-text-heading_small',
      };
    });
  }

  get staleSummary() {
    return this.financials.asOf
      ? 'Showing the figures last synced from Sage 300.'
      : 'Showing the synced figures, but this customer has never been synced from Sage 300.';
  }

  get hasLastPaymentAmount() {
    return this.financials.lastPaymentAmount !== null && this.financials.lastPaymentAmount !== undefined;
  }

  get hasLimit() {
    return this.financials.utilisation !== null && this.financials.utilisation !== undefined;
  }

  /** The bar's value for assistive technology, within its 0–100 range even over the limit; the text says the rest. */
  get utilisationNow() {
    return Math.min(Math.max(Math.round(this.financials.utilisation), 0), 100);
  }

  get utilisationBarStyle() {
    return `width: ${Math.min(Math.max(this.financials.utilisation, 0), 100)}%`;
  }

  get utilisationBarClass() {
    const standing = this.financials.creditStanding;
    if (standing === 'over-limit') return 'slds-progress-bar__value utilisation utilisation_over';
    if (standing === 'approaching-limit') return 'slds-progress-bar__value utilisation utilisation_warning';
    return 'slds-progress-bar__value utilisation utilisation_ok';
  }

  get utilisationText() {
    const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 }).format(
      this.financials.utilisation / 100,
    );
    const standing = STANDING_TEXT[this.financials.creditStanding];
    return standing ? `${percent} of the credit limit used, ${standing}` : `${percent} of the credit limit used`;
  }

  get agingBuckets() {
    const aging = this.financials.aging || {};
    return AGING_BUCKETS.map((bucket) => ({ ...bucket, amount: aging[bucket.key] || 0 }));
  }

  get hasInvoices() {
    return !!this.financials.invoices && this.financials.invoices.length > 0;
  }

  get invoiceRows() {
    const rows = (this.financials.invoices || []).map((invoice) => {
      const overdue = invoice.daysOverdue > 0;
      return {
        ...invoice,
        currencyCode: invoice.currencyCode || this.currencyCode,
        currencyDisplayAs: (invoice.currencyCode || this.currencyCode) === USER_CURRENCY ? 'symbol' : 'code',
        overdueIcon: overdue ? 'utility:warning' : null,
        rowClass: overdue ? 'slds-text-color_error' : '',
      };
    });
    const field = this.sortedBy;
    const direction = this.sortedDirection === 'desc' ? -1 : 1;
    return rows.sort((a, b) => direction * compare(a[field], b[field]));
  }

  get overdueCount() {
    return this.invoiceRows.filter((row) => row.daysOverdue > 0).length;
  }

  get invoiceSummary() {
    const count = this.invoiceRows.length;
    const overdue = this.overdueCount;
    const noun = count === 1 ? 'open invoice' : 'open invoices';
    return overdue > 0 ? `${count} ${noun}, ${overdue} overdue` : `${count} ${noun}`;
  }
}
