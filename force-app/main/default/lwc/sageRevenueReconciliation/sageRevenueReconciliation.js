import { LightningElement } from 'lwc';
import getReconciliation from '@salesforce/apex/SageReconciliationController.getReconciliation';
import USER_CURRENCY from '@salesforce/i18n/currency';
import LOCALE from '@salesforce/i18n/locale';

const SERIES = [
  { key: 'closedWon', label: 'Closed won', className: 'bar bar_closed-won' },
  { key: 'invoiced', label: 'Invoiced', className: 'bar bar_invoiced' },
  { key: 'collected', label: 'Collected', className: 'bar bar_collected' },
];

/** The table's money columns, in order; the footer totals each one under data-total={key}. */
const COLUMNS = [
  { key: 'closedWon', label: 'Closed won' },
  { key: 'invoiced', label: 'Invoiced' },
  { key: 'collected', label: 'Collected' },
  { key: 'notInvoiced', label: 'Won, not invoiced' },
  { key: 'notCollected', label: 'Invoiced, not collected' },
];

const GROUPINGS = [
  { label: 'Month', value: 'month' },
  { label: 'Account', value: 'account' },
];

/** A date as YYYY-MM-DD in the user's calendar, the format lightning-input type="date" uses. */
function isoDay(date) {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

function amount(value) {
  return typeof value === 'number' ? value : 0;
}

/** Closed-won (Salesforce) against invoiced and collected (Sage 300) revenue for a period, as a chart and a table. */
export default class SageRevenueReconciliation extends LightningElement {
  fromDate;
  toDate;
  groupBy = 'month';
  groupings = GROUPINGS;
  columns = COLUMNS;
  report;
  error;
  isLoading = false;

  connectedCallback() {
    const today = new Date();
    this.toDate = isoDay(today);
    this.fromDate = isoDay(new Date(today.getFullYear(), today.getMonth() - 11, 1));
    this.load();
  }

  handleFromChange(event) {
    this.fromDate = event.detail.value;
  }

  handleToChange(event) {
    this.toDate = event.detail.value;
  }

  handleGroupByChange(event) {
    this.groupBy = event.detail.value;
    this.load();
  }

  handleShow() {
    const problem =
      this.fromDate && this.toDate && this.fromDate > this.toDate
        ? 'The end date must be on or after the start date.'
        : '';
    this.template.querySelector('lightning-input.to-date').setCustomValidity(problem);
    this.template.querySelectorAll('lightning-input').forEach((input) => input.reportValidity());
    if (this.fromDate && this.toDate && !problem) {
      this.load();
    }
  }

  async load() {
    this.isLoading = true;
    this.error = undefined;
    try {
      this.report = await getReconciliation({ fromDate: this.fromDate, toDate: this.toDate, groupBy: this.groupBy });
    } catch (error) {
      this.error = error;
      this.report = undefined;
    } finally {
      this.isLoading = false;
    }
  }

  get currencyCode() {
    return (this.report && this.report.currencyCode) || USER_CURRENCY;
  }

  get rows() {
    return this.reportRows.map((row) => {
      const figures = {
        closedWon: amount(row.closedWon),
        invoiced: amount(row.invoiced),
        collected: amount(row.collected),
        notInvoiced: amount(row.closedWon) - amount(row.invoiced),
        notCollected: amount(row.invoiced) - amount(row.collected),
      };
      return { ...row, ...figures, cells: COLUMNS.map(({ key }) => ({ key, value: figures[key] })) };
    });
  }

  get hasRows() {
    return this.reportRows.length > 0;
  }

  get isEmpty() {
    return !!this.report && this.reportRows.length === 0;
  }

  /** The connector's rows as they came; emptiness needs no display figures. */
  get reportRows() {
    return (this.report && this.report.rows) || [];
  }

  get groupLabel() {
    return this.groupBy === 'account' ? 'Account' : 'Month';
  }

  get totalCells() {
    const rows = this.rows;
    return COLUMNS.map(({ key }) => ({ key, value: rows.reduce((sum, row) => sum + row[key], 0) }));
  }

  get chartLabel() {
    const unit = this.groupBy === 'account' ? 'account' : 'month';
    return `Bar chart of closed-won, invoiced and collected revenue by ${unit}, ${this.reportRows.length} ${unit}s. The table below lists the figures.`;
  }

  get chartGroups() {
    const rows = this.rows;
    const largest = Math.max(1, ...rows.map((row) => Math.max(row.closedWon, row.invoiced, row.collected)));
    const money = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: this.currencyCode });
    return rows.map((row) => ({
      key: row.key,
      label: row.label,
      bars: SERIES.map((serie) => {
        const height = (Math.max(row[serie.key], 0) / largest) * 100;
        return {
          key: serie.key,
          className: serie.className,
          style: `height: ${Math.round(height * 10) / 10}%`,
          title: `${row.label}, ${serie.label}: ${money.format(row[serie.key])}`,
        };
      }),
    }));
  }
}
