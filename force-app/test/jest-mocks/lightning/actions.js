// sfdx-lwc-jest has no module for lightning/actions; quick-action components need CloseActionScreenEvent.
export const CloseActionScreenEvent = class extends CustomEvent {
  constructor() {
    super('close');
  }
};
