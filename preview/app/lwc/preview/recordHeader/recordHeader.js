import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue } from 'lightning/uiRecordApi';

/** A record page's highlights panel: the record's name and a few fields, read through lightning/uiRecordApi. */
export default class RecordHeader extends LightningElement {
  @api recordId;
  @api objectApiName;
  @api objectLabel;
  @api iconName;
  /** `[{ label, field: 'Account.Phone', type: 'text' | 'currency' | 'date-time' }]` */
  @api fields = [];

  record;
  error;

  @wire(getRecord, { recordId: '$recordId', fields: '$fieldNames' })
  receiveRecord({ data, error }) {
    this.record = data;
    this.error = error;
  }

  get fieldNames() {
    return [`${this.objectApiName}.Name`, ...this.fields.map((field) => field.field)];
  }

  get title() {
    return this.record ? getFieldValue(this.record, `${this.objectApiName}.Name`) : '';
  }

  get errorMessage() {
    return this.error && this.error.body ? this.error.body.message : '';
  }

  get details() {
    return this.fields.map((field) => {
      const value = this.record ? getFieldValue(this.record, field.field) : undefined;
      const known = value !== null && value !== undefined && value !== '';
      return {
        ...field,
        value,
        known,
        isCurrency: known && field.type === 'currency',
        isDateTime: known && field.type === 'date-time',
        isText: known && field.type !== 'currency' && field.type !== 'date-time',
        testId: field.field.split('.').slice(1).join('.'),
      };
    });
  }
}
