import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import USER_CURRENCY from '@salesforce/i18n/currency';
import getOpenAlerts from '@salesforce/apex/SageCreditAlertController.getOpenAlerts';
import acknowledge from '@salesforce/apex/SageCreditAlertController.acknowledge';

const SEVERITY_ICONS = {
  Critical: { iconName: 'utility:error', variant: 'error' },
  Warning: { iconName: 'utility:warning', variant: 'warning' },
  Info: { iconName: 'utility:info', variant: '' },
};

/** The Account page's open Sage 300 credit alerts, each of which a rep can acknowledge. */
export default class SageCreditAlerts extends LightningElement {
  /** The Account's id, set by the record page. */
  @api recordId;

  alerts;
  loadError;
  actionError;
  acknowledgingId;
  wiredAlerts;
  currencyCode = USER_CURRENCY;

  @wire(getOpenAlerts, { accountId: '$recordId' })
  receiveAlerts(result) {
    this.wiredAlerts = result;
    if (result.data) {
      this.alerts = result.data;
      this.loadError = undefined;
    } else if (result.error) {
      this.loadError = result.error;
      this.alerts = undefined;
    }
  }

  get isLoading() {
    return !this.alerts && !this.loadError;
  }

  get hasAlerts() {
    return !!this.alerts && this.alerts.length > 0;
  }

  get isEmpty() {
    return !!this.alerts && this.alerts.length === 0;
  }

  get title() {
    return this.hasAlerts ? `Sage 300 credit alerts (${this.alerts.length})` : 'Sage 300 credit alerts';
  }

  get alertItems() {
    return this.alerts.map((alert) => {
      const icon = SEVERITY_ICONS[alert.severity] || SEVERITY_ICONS.Info;
      return {
        ...alert,
        ...icon,
        hasFigures: alert.creditLimit > 0 && alert.utilisation !== null && alert.utilisation !== undefined,
        utilisationRatio: alert.utilisation / 100,
        buttonTitle: `Acknowledge the ${alert.alertType} alert`,
        isAcknowledging: this.acknowledgingId === alert.id,
      };
    });
  }

  async handleAcknowledge(event) {
    const alertId = event.target.dataset.id;
    this.acknowledgingId = alertId;
    this.actionError = undefined;
    try {
      await acknowledge({ alertId });
      this.dispatchEvent(
        new ShowToastEvent({
          title: 'Alert acknowledged',
          message: 'The alert leaves the open list; the connector resolves it when the condition ends.',
          variant: 'success',
        }),
      );
      // The alert list, the alert's own record page and the account's related list all show its status.
      await Promise.all([
        refreshApex(this.wiredAlerts),
        notifyRecordUpdateAvailable([{ recordId: alertId }, { recordId: this.recordId }]),
      ]);
    } catch (error) {
      this.actionError = error;
    } finally {
      this.acknowledgingId = undefined;
    }
  }
}
