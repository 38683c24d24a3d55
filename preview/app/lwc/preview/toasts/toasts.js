import { LightningElement } from 'lwc';

const ICONS = { success: 'utility:success', warning: 'utility:warning', error: 'utility:error', info: 'utility:info' };
const SHOWN_MS = 6000;

/** Draws the toasts components ask for with ShowToastEvent, as Lightning Experience does. */
export default class Toasts extends LightningElement {
  toasts = [];
  nextId = 1;

  connectedCallback() {
    this.handleToast = (event) => this.show(event.detail || {});
    document.addEventListener('lightning__showtoast', this.handleToast);
  }

  disconnectedCallback() {
    document.removeEventListener('lightning__showtoast', this.handleToast);
  }

  show(toast) {
    const variant = ICONS[toast.variant] ? toast.variant : 'info';
    const id = this.nextId++;
    this.toasts = [
      ...this.toasts,
      {
        id,
        title: toast.title || toast.label || '',
        message: toast.message || '',
        variant,
        iconName: ICONS[variant],
        className: `slds-notify slds-notify_toast slds-theme_${variant}`,
      },
    ];
    if (toast.mode !== 'sticky' && variant !== 'error') {
      // eslint-disable-next-line @lwc/lwc/no-async-operation
      setTimeout(() => this.dismiss(id), SHOWN_MS);
    }
  }

  dismiss(id) {
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }

  handleClose(event) {
    this.dismiss(Number(event.currentTarget.dataset.id));
  }
}
