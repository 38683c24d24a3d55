/** `lightning/actions`: a screen action closes itself with this event; the preview's action modal listens for it. */
export class CloseActionScreenEvent extends CustomEvent {
  constructor() {
    super('lightning__actionsclosescreen', { bubbles: true, composed: true });
  }
}
