/** `lightning/platformShowToastEvent`: the event a component fires to show a toast; the preview's shell draws it. */
export class ShowToastEvent extends CustomEvent {
  constructor(toast) {
    super('lightning__showtoast', { bubbles: true, composed: true, cancelable: true, detail: toast });
  }
}
