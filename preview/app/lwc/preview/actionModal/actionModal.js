import { LightningElement, api } from 'lwc';

/**
 * The dialog Lightning Experience opens a screen quick action in: the action's component draws the header, body and
 * footer; the dialog closes on the close button, Escape, or the component's CloseActionScreenEvent.
 */
export default class ActionModal extends LightningElement {
  /** The action's label, the dialog's accessible name. */
  @api label;

  connectedCallback() {
    this.addEventListener('lightning__actionsclosescreen', () => this.close());
  }

  renderedCallback() {
    if (!this.focused) {
      this.focused = true;
      const closeButton = this.template.querySelector('.modal-close');
      if (closeButton) closeButton.focus();
    }
  }

  close() {
    this.dispatchEvent(new CustomEvent('close'));
  }

  handleKeyDown(event) {
    if (event.key === 'Escape') this.close();
  }
}
