import { LightningElement } from 'lwc';
import getReconciliation from '@salesforce/apex/SageReconciliationController.getReconciliation';
import getReconciliationCsv from '@salesforce/apex/SageReconciliationController.getReconciliationCsv';
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
  { key: 'ordered', label: 'Ordered' },
  { key: 'invoiced', label: 'Invoiced' },
  { key: 'collected', label: 'Collected' },
  { key: 'variance', label: 'Won − invoiced' },
];

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function monthOf(date) {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

function amount(value) {
  return typeof value === 'number' ? value : 0;
}

function monthIndex(month) {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
}

/**
 * Closed-won (Salesforce) against ordered, invoiced and collected (Sage 300) revenue per month and account, as the
 * connector last computed it: a bar per figure and month, a table per account and month, and a CSV download.
 */
export default class SageRevenueReconciliation extends LightningElement {
  fromMonth;
  toMonth;
  columns = COLUMNS;
  report;
  error;
  isLoading = false;
  downloadError;
  isDownloading = false;

  connectedCallback() {
    const today = new Date();
    this.toMonth = monthOf(today);
    this.fromMonth = monthOf(new Date(today.getFullYear(), today.getMonth() - 11, 1));
    this.load();
  }

  handleFromChange(event) {
    this.fromMonth = event.detail.value;
  }

  handleToChange(event) {
    this.toMonth = event.detail.value;
  }

  /** The first problem with the months chosen, or '' when they can be asked for. */
  rangeProblem() {
    if (!MONTH.test(this.fromMonth || '') || !MONTH.test(this.toMonth || '')) {
      return 'Write months as YYYY-MM, such as 2026-03.';
    }
    if (monthIndex(this.fromMonth) > monthIndex(this.toMonth)) return 'The last month must be on or after the first.';
    if (monthIndex(this.toMonth) - monthIndex(this.fromMonth) + 1 > 36) return 'Choose at most 36 months.';
    return '';
  }

  handleShow() {
    const problem = this.rangeProblem();
    this.template.querySelector('lightning-input.to-month').setCustomValidity(problem);
    this.template.querySelectorAll('lightning-input').forEach((input) => input.reportValidity());
    if (!problem) {
      this.load();
    }
  }

  async load() {
    this.isLoading = true;
    this.error = undefined;
    try {
      this.report = await getReconciliation({ fromMonth: this.fromMonth, toMonth: this.toMonth, accountId: null });
    } catch (error) {
      this.error = error;
      this.report = undefined;
    } finally {
      this.isLoading = false;
    }
  }

  /** Downloads the shown report as the connector writes it in CSV, for the months it covers. */
  async handleDownload() {
    const { fromMonth, toMonth, accountId } = this.report;
    this.isDownloading = true;
    this.downloadError = undefined;
    try {
      const csv = await getReconciliationCsv({ fromMonth, toMonth, accountId: accountId || null });
      const link = document.createElement('a');
      link.href = `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`;
      link.download = `revenue-reconciliation-${fromMonth}-to-${toMonth}.csv`;
      link.click();
    } catch (error) {
      this.downloadError = error;
    } finally {
      this.isDownloading = false;
    }
  }

  get currencyCode() {
    return USER_CURRENCY;
  }

  /** The connector's rows as they came. */
  get reportRows() {
    return (this.report && this.report.rows) || [];
  }

  get rows() {
    return this.reportRows.map((row) => {
      const figures = {};
      COLUMNS.forEach(({ key }) => {
        figures[key] = amount(row[key]);
      });
      const withoutOrder = (row.withoutOrder || []).length;
      const withoutInvoice = (row.withoutInvoice || []).length;
      const late = [];
      if (withoutOrder) late.push(`${withoutOrder} without an order`);
      if (withoutInvoice) late.push(`${withoutInvoice} without an invoice`);
      return {
        key: `${row.month}|${row.accountId || row.customerNumber}`,
        month: row.month,
        account: row.accountName || `Sage customer ${row.customerNumber}`,
        late: late.join(', '),
        cells: COLUMNS.map(({ key }) => ({ key, value: figures[key] })),
      };
    });
  }

  get hasRows() {
    return this.reportRows.length > 0;
  }

  get isEmpty() {
    return !!this.report && this.reportRows.length === 0;
  }

  get asOfText() {
    if (!this.report || !this.report.asOf) {
      return this.report ? 'Not computed yet: the connector computes it on its schedule.' : '';
    }
    const when = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });
    return `As of ${when.format(new Date(this.report.asOf))}`;
  }

  get totalCells() {
    const totals = (this.report && this.report.totals) || {};
    return COLUMNS.map(({ key }) => ({ key, value: amount(totals[key]) }));
  }

  /** The figures per month over every account: the trend the chart draws. */
  get months() {
    const byMonth = new Map();
    this.reportRows.forEach((row) => {
      const month = byMonth.get(row.month) || { key: row.month, closedWon: 0, invoiced: 0, collected: 0 };
      SERIES.forEach(({ key }) => {
        month[key] += amount(row[key]);
      });
      byMonth.set(row.month, month);
    });
    return [...byMonth.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  get chartLabel() {
    return `Bar chart of closed-won, invoiced and collected revenue by month, ${this.months.length} months. The table below lists the figures per account.`;
  }

  get chartGroups() {
    const months = this.months;
    const largest = Math.max(1, ...months.map((month) => Math.max(month.closedWon, month.invoiced, month.collected)));
    const money = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: this.currencyCode });
    return months.map((month) => ({
      key: month.key,
      label: month.key,
      bars: SERIES.map((serie) => {
        const height = (Math.max(month[serie.key], 0) / largest) * 100;
        return {
          key: serie.key,
          className: serie.className,
          style: `height: ${Math.round(height * 10) / 10}%`,
          title: `${month.key}, ${serie.label}: ${money.format(month[serie.key])}`,
        };
      }),
    }));
  }
}
