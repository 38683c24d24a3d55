import { LightningElement, api } from 'lwc';
import { CloseActionScreenEvent } from 'lightning/actions';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import USER_CURRENCY from '@salesforce/i18n/currency';
import getPreview from '@salesforce/apex/SageOrderController.getPreview';
import pushOrder from '@salesforce/apex/SageOrderController.push';
import sendAsQuote from '@salesforce/apex/SageOrderController.sendAsQuote';

const ORDER_STATES = {
  created: 'created',
  in_doubt: 'being verified with Sage 300',
  creating: 'being created',
  pending: 'waiting to be created',
};

/** The status of a push answered while another push of the same opportunity is still running. */
const IN_PROGRESS = 'In Progress';

const CREDIT_BADGES = {
  passed: { label: 'Within credit', className: 'credit-badge slds-theme_success' },
  warned: { label: 'Credit warning', className: 'credit-badge slds-theme_warning' },
  blocked: { label: 'Credit block', className: 'credit-badge slds-theme_error' },
};

/**
 * The Opportunity's "Push to Sage 300" screen action: what the order will contain, then the push; an opportunity not
 * won yet can be sent as a quote instead.
 */
export default class SagePushOrder extends LightningElement {
  preview;
  loadError;
  pushError;
  result;
  /** The answer while another push of this opportunity is still running: no order yet, check again. */
  inProgress;
  /** A push whose outcome is unknown: the order may exist, and pushing again is safe. */
  unconfirmed;
  isLoading = false;
  isPushing = false;
  /** What the last send was: order (the push) or quote. */
  kind = 'order';
  _recordId;

  /** The Opportunity's id. Quick actions may set it after the component is connected, so loading starts here. */
  @api
  get recordId() {
    return this._recordId;
  }

  set recordId(value) {
    const changed = value && value !== this._recordId;
    this._recordId = value;
    if (changed) {
      this.loadPreview();
    }
  }

  async loadPreview() {
    this.isLoading = true;
    this.loadError = undefined;
    try {
      this.preview = await getPreview({ opportunityId: this._recordId });
    } catch (error) {
      this.loadError = error;
      this.preview = undefined;
    } finally {
      this.isLoading = false;
    }
  }

  handlePush() {
    return this.send('order');
  }

  handleSendQuote() {
    return this.send('quote');
  }

  /** Checks a send that was in progress again, as the same kind. */
  handleCheckAgain() {
    return this.send(this.kind);
  }

  async send(kind) {
    this.kind = kind;
    this.isPushing = true;
    this.pushError = undefined;
    this.unconfirmed = undefined;
    try {
      const send = kind === 'quote' ? sendAsQuote : pushOrder;
      const answer = await send({ opportunityId: this._recordId });
      if (answer.status === IN_PROGRESS) {
        this.inProgress = answer;
        return;
      }
      if (answer.confirmed === false) {
        // Neither a success nor a failure: say so, and leave the push button for another try.
        this.inProgress = undefined;
        this.unconfirmed = answer;
        this.dispatchEvent(
          new ShowToastEvent({ title: this.unconfirmedTitle, message: answer.message, variant: 'warning' }),
        );
        return;
      }
      this.inProgress = undefined;
      this.result = answer;
      this.dispatchEvent(
        new ShowToastEvent({
          title: this.isQuote ? 'Sent to Sage 300 as a quote' : 'Pushed to Sage 300',
          message: `Sage 300 ${this.documentName} ${this.result.orderNumber}`,
          variant: 'success',
        }),
      );
      // The connector wrote the order number back to the opportunity: let the record page show it.
      await notifyRecordUpdateAvailable([{ recordId: this._recordId }]);
    } catch (error) {
      this.pushError = error;
    } finally {
      this.isPushing = false;
    }
  }

  handleClose() {
    this.dispatchEvent(new CloseActionScreenEvent());
  }

  get isQuote() {
    return this.kind === 'quote';
  }

  /** The Sage document the last send was about: order or quote. */
  get documentName() {
    return this.isQuote ? 'quote' : 'order';
  }

  get showOrderStatus() {
    return this.result.kind !== 'quote';
  }

  get pushErrorTitle() {
    return `Sage 300 did not create the ${this.documentName}`;
  }

  get unconfirmedTitle() {
    return this.isQuote ? 'Quote not confirmed' : 'Push not confirmed';
  }

  get showQuoteButton() {
    return !!this.preview && this.preview.canQuote === true && !this.result && !this.inProgress;
  }

  get quoteLabel() {
    return this.unconfirmed && this.isQuote ? 'Send as quote again' : 'Send as quote';
  }

  get existingQuoteText() {
    return `Sent to Sage 300 as quote ${this.preview.quoteNumber}.`;
  }

  get isBusy() {
    return this.isLoading || this.isPushing;
  }

  get busyText() {
    if (this.isPushing) {
      if (this.inProgress) return 'Checking the push again';
      return this.isQuote ? 'Sending the quote to Sage 300' : 'Pushing the order to Sage 300';
    }
    return 'Loading the order preview';
  }

  get showPreview() {
    return !!this.preview && !this.result;
  }

  get showPushButton() {
    return !!this.preview && !this.preview.existingOrder && !this.result && !this.inProgress;
  }

  get showCheckAgain() {
    return !!this.inProgress && !this.result;
  }

  get pushDisabled() {
    return !this.preview.canPush || this.isPushing;
  }

  get pushLabel() {
    return this.unconfirmed && !this.isQuote ? 'Push again' : 'Push to Sage 300';
  }

  get closeLabel() {
    return this.showPushButton || this.showCheckAgain || this.showQuoteButton ? 'Cancel' : 'Close';
  }

  get currencyCode() {
    return (this.preview && this.preview.currencyCode) || USER_CURRENCY;
  }

  get hasLines() {
    return this.preview.lines.length > 0;
  }

  get lines() {
    return this.preview.lines.map((line) => ({
      ...line,
      key: line.lineId,
      itemLabel: line.itemNumber || 'No Sage item',
      itemClass: line.itemNumber ? '' : 'slds-text-color_error',
    }));
  }

  get existingOrderText() {
    const order = this.preview.existingOrder;
    const state = ORDER_STATES[order.status] || order.status;
    const status = state ? ` (${state})` : '';
    return `Already in Sage 300 as order ${order.orderNumber}${status}.`;
  }

  get hasBlockers() {
    return this.preview.blockers.length > 0;
  }

  get previewCreditBadge() {
    return CREDIT_BADGES[this.preview.creditCheck && this.preview.creditCheck.outcome];
  }

  get resultCreditBadge() {
    return this.result.creditCheck ? CREDIT_BADGES[this.result.creditCheck.outcome] : undefined;
  }

  get resultHeadline() {
    if (this.result.kind === 'quote') {
      return this.result.replayed
        ? `This opportunity was already sent as Sage 300 quote ${this.result.orderNumber}.`
        : `Sage 300 quote ${this.result.orderNumber} was created.`;
    }
    return this.result.replayed
      ? `This opportunity was already pushed: Sage 300 order ${this.result.orderNumber}.`
      : `Sage 300 order ${this.result.orderNumber} was created.`;
  }

  get resultCustomer() {
    return this.result.customerNumber ? `Customer ${this.result.customerNumber}` : '';
  }
}
