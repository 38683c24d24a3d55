import { LightningElement, api } from 'lwc';
import { reduceErrors } from 'c/ldsUtils';

/**
 * Shows one or more errors of any Salesforce shape: what the user was doing as the title, the first reason inline (the
 * reason is what a rep needs to act), and any further reasons folded away.
 */
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

  get firstMessage() {
    return this.messages[0];
  }

  get hasMoreMessages() {
    return this.messages.length > 1;
  }

  get ariaExpanded() {
    return this.showDetails ? 'true' : 'false';
  }

  get toggleLabel() {
    return this.showDetails ? 'Hide all messages' : `Show all ${this.messages.length} messages`;
  }

  handleToggle() {
    this.showDetails = !this.showDetails;
  }
}
