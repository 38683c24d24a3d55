import { LightningElement, api } from 'lwc';

/** A related list card: the child records of the page's record, as the record page's Related tab lists them. */
export default class RelatedList extends LightningElement {
  @api recordId;
  /** The relationship name, e.g. `Sage_Invoices__r`. */
  @api relationship;
  @api title;
  @api iconName;
  /** lightning-datatable columns; a `fieldName` may be a parent path such as `Product2.Name`. */
  @api columns = [];

  rows;
  error;

  connectedCallback() {
    this.load();
  }

  @api
  async load() {
    try {
      const response = await fetch(
        `/preview/data/related/${encodeURIComponent(this.recordId)}/${encodeURIComponent(this.relationship)}`,
      );
      const body = await response.json();
      if (!response.ok) throw new Error(body.message);
      this.rows = body.records.map((record) => this.flatten(record));
      this.error = undefined;
    } catch (error) {
      this.error = `The related records could not be read: ${error.message}`;
    }
  }

  flatten(record, prefix = '', into = {}) {
    for (const [name, value] of Object.entries(record)) {
      if (value && typeof value === 'object' && !Array.isArray(value)) this.flatten(value, `${prefix}${name}.`, into);
      else into[`${prefix}${name}`] = value;
    }
    return into;
  }

  get cardTitle() {
    return this.rows ? `${this.title} (${this.rows.length})` : this.title;
  }

  get hasRows() {
    return !!this.rows && this.rows.length > 0;
  }

  get isEmpty() {
    return !!this.rows && this.rows.length === 0;
  }
}
