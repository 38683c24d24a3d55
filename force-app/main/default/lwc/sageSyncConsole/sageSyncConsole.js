import { LightningElement } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getRuns from '@salesforce/apex/SageSyncConsoleController.getRuns';
import getFailures from '@salesforce/apex/SageSyncConsoleController.getFailures';
import retryFailure from '@salesforce/apex/SageSyncConsoleController.retryFailure';
import skipFailure from '@salesforce/apex/SageSyncConsoleController.skipFailure';
import runFlow from '@salesforce/apex/SageSyncConsoleController.runFlow';
import testConnection from '@salesforce/apex/SageSyncConsoleController.testConnection';

const DATE_TIME = {
  type: 'date',
  typeAttributes: { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' },
};

const RUN_COLUMNS = [
  { label: 'Flow', fieldName: 'flow' },
  { label: 'Trigger', fieldName: 'triggeredBy', initialWidth: 100 },
  { label: 'Started', fieldName: 'startedAt', ...DATE_TIME },
  { label: 'Finished', fieldName: 'finishedAt', ...DATE_TIME },
  { label: 'Outcome', fieldName: 'outcome', cellAttributes: { class: { fieldName: 'outcomeClass' } } },
  { label: 'Read', fieldName: 'read', type: 'number', initialWidth: 80 },
  { label: 'Created', fieldName: 'created', type: 'number', initialWidth: 90 },
  { label: 'Updated', fieldName: 'updated', type: 'number', initialWidth: 90 },
  { label: 'Unchanged', fieldName: 'unchanged', type: 'number', initialWidth: 100 },
  { label: 'Failed', fieldName: 'failed', type: 'number', initialWidth: 80 },
];

const FAILURE_COLUMNS = [
  { label: 'Flow', fieldName: 'flow', initialWidth: 110 },
  { label: 'Record', fieldName: 'recordKey' },
  { label: 'Kind', fieldName: 'kind', initialWidth: 100 },
  { label: 'Reason', fieldName: 'reason', wrapText: true },
  { label: 'Attempts', fieldName: 'attempts', type: 'number', initialWidth: 90 },
  { label: 'Next attempt', fieldName: 'nextAttemptAt', ...DATE_TIME },
  {
    type: 'action',
    typeAttributes: {
      rowActions: [
        { label: 'Retry', name: 'retry' },
        { label: 'Skip', name: 'skip' },
      ],
    },
  },
];

const FAILURE_ACTIONS = {
  retry: { perform: retryFailure, busyText: 'Retrying the record' },
  skip: { perform: skipFailure, busyText: 'Skipping the record' },
};

/**
 * The admin's view of the connector: the sync flows with a Run button each, recent sync runs, failed records to retry
 * or skip, and a connection test. Every action shows that it is under way and cannot be started twice.
 */
export default class SageSyncConsole extends LightningElement {
  runColumns = RUN_COLUMNS;
  failureColumns = FAILURE_COLUMNS;
  runs;
  runsError;
  failures;
  failuresError;
  actionError;
  connection;
  connectionError;
  isLoadingRuns = false;
  isLoadingFailures = false;
  isTesting = false;
  /** The flow being run now, if any. */
  runningFlow;
  /** The failed record being retried or skipped now: { id, busyText }. */
  pendingFailure;

  connectedCallback() {
    this.loadRuns();
    this.loadFailures();
  }

  async loadRuns() {
    this.isLoadingRuns = true;
    this.runsError = undefined;
    try {
      this.runs = await getRuns();
    } catch (error) {
      this.runsError = error;
      this.runs = undefined;
    } finally {
      this.isLoadingRuns = false;
    }
  }

  async loadFailures() {
    this.isLoadingFailures = true;
    this.failuresError = undefined;
    try {
      this.failures = await getFailures();
    } catch (error) {
      this.failuresError = error;
      this.failures = undefined;
    } finally {
      this.isLoadingFailures = false;
    }
  }

  handleRefreshRuns() {
    this.loadRuns();
  }

  handleRefreshFailures() {
    this.loadFailures();
  }

  async handleTestConnection() {
    this.isTesting = true;
    this.connection = undefined;
    this.connectionError = undefined;
    try {
      this.connection = await testConnection();
    } catch (error) {
      this.connectionError = error;
    } finally {
      this.isTesting = false;
    }
  }

  async handleRunFlow(event) {
    const flow = event.target.dataset.flow;
    if (this.runningFlow) return;
    this.runningFlow = flow;
    try {
      await this.act(
        () => runFlow({ flow }),
        () => this.loadRuns(),
      );
    } finally {
      this.runningFlow = undefined;
    }
  }

  async handleFailureAction(event) {
    const { action, row } = event.detail;
    const { perform, busyText } = FAILURE_ACTIONS[action.name];
    if (this.pendingFailure) return;
    this.pendingFailure = { id: row.id, busyText };
    try {
      await this.act(
        () => perform({ failureId: row.id }),
        () => this.loadFailures(),
      );
    } finally {
      this.pendingFailure = undefined;
    }
  }

  async act(perform, reload) {
    this.actionError = undefined;
    try {
      const message = await perform();
      this.dispatchEvent(new ShowToastEvent({ title: 'Done', message, variant: 'success' }));
      await reload();
    } catch (error) {
      this.actionError = error;
    }
  }

  /**
   * The flows the connector has reported, from the runs and failures the console already loads (newest run first),
   * each with its latest run and a Run button.
   */
  get flows() {
    const latest = new Map();
    for (const run of this.runs || []) {
      if (!latest.has(run.flow)) latest.set(run.flow, run);
    }
    for (const failure of this.failures || []) {
      if (!latest.has(failure.flow)) latest.set(failure.flow, undefined);
    }
    return [...latest.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, run]) => {
        const running = name === this.runningFlow;
        return {
          name,
          lastOutcome: run ? run.outcome : 'not in the recent runs',
          lastStartedAt: run ? run.startedAt : undefined,
          buttonLabel: running ? `Running ${name}…` : `Run ${name}`,
          disabled: !!this.runningFlow,
        };
      });
  }

  get hasFlows() {
    return this.flows.length > 0;
  }

  get isRunningFlow() {
    return !!this.runningFlow;
  }

  get runningFlowText() {
    return `Running the ${this.runningFlow} flow`;
  }

  get isFailuresBusy() {
    return this.isLoadingFailures || !!this.pendingFailure;
  }

  get failuresSpinnerText() {
    return this.pendingFailure ? this.pendingFailure.busyText : 'Loading failed records';
  }

  get runRows() {
    return (this.runs || []).map((run) => {
      const counts = run.counts || {};
      return {
        ...run,
        read: counts.read,
        created: counts.created,
        updated: counts.updated,
        unchanged: counts.unchanged,
        failed: counts.failed,
        outcomeClass: run.outcome === 'failed' || counts.failed > 0 ? 'slds-text-color_error' : '',
      };
    });
  }

  get hasRuns() {
    return !!this.runs && this.runs.length > 0;
  }

  get noRuns() {
    return !!this.runs && this.runs.length === 0;
  }

  get failureRows() {
    return (this.failures || []).map((failure) => ({
      ...failure,
      reason: failure.code ? `${failure.message} (${failure.code})` : failure.message,
    }));
  }

  get hasFailures() {
    return !!this.failures && this.failures.length > 0;
  }

  get noFailures() {
    return !!this.failures && this.failures.length === 0;
  }

  get failuresTitle() {
    return this.hasFailures ? `Failed records (${this.failures.length})` : 'Failed records';
  }

  get connectionClass() {
    return this.connection.ok
      ? 'connection-result slds-scoped-notification slds-theme_success slds-m-top_small'
      : 'connection-result slds-scoped-notification slds-theme_error slds-m-top_small';
  }

  get connectionText() {
    const check = this.connection;
    if (!check.ok) {
      return `Not connected: ${check.message}`;
    }
    return `Connected: ${check.message} (status ${check.status}, ${check.elapsedMs} ms)`;
  }
}
