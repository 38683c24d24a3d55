import { LightningElement, api } from 'lwc';
import { reduceErrors } from 'c/ldsUtils';

/** Shows one or more errors of any Salesforce shape as readable messages, with the details folded away. */
export default class ErrorPanel extends LightningElement {
  /** What the user was trying to do, shown as the panel's title. */
  @api friendlyMessage = 'Something went wrong';
  /** The error or errors to show. */
  @api errors;

  showDetails = false;

  get messages() {
    return reduceErrors(this.errors);
  }

  get hasMessages() {
    return this.messages.length > 0;
  }

  get toggleLabel() {
    return this.showDetails ? 'Hide details' : 'Show details';
  }

  handleToggle() {
    this.showDetails = !this.showDetails;
  }
}
