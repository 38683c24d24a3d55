import { LightningElement, api } from 'lwc';

const HEADER_FIELDS = [
  { label: 'Account', field: 'Opportunity.Account.Name' },
  { label: 'Stage', field: 'Opportunity.StageName' },
  { label: 'Amount', field: 'Opportunity.Amount', type: 'currency' },
  { label: 'Sage order number', field: 'Opportunity.Sage_Order_Number__c' },
  { label: 'Sage order status', field: 'Opportunity.Sage_Order_Status__c' },
  { label: 'Pushed to Sage', field: 'Opportunity.Sage_Pushed_At__c', type: 'date-time' },
];

const LINE_COLUMNS = [
  { label: 'Product', fieldName: 'Product2.Name' },
  { label: 'Sage item', fieldName: 'Product2.Sage_Item_Number__c' },
  { label: 'Quantity', fieldName: 'Quantity', type: 'number' },
  { label: 'Sales price', fieldName: 'UnitPrice', type: 'currency' },
  { label: 'Total price', fieldName: 'TotalPrice', type: 'currency' },
];

/** The Opportunity record page: the highlights with the "Push to Sage 300" action, and the products. */
export default class OpportunityPage extends LightningElement {
  @api recordId;

  headerFields = HEADER_FIELDS;
  lineColumns = LINE_COLUMNS;
  actionOpen = false;

  handleOpenAction() {
    this.actionOpen = true;
  }

  handleCloseAction() {
    this.actionOpen = false;
  }
}
