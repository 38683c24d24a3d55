import { LightningElement } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getFlows from '@salesforce/apex/SageSyncConsoleController.getFlows';
import getRuns from '@salesforce/apex/SageSyncConsoleController.getRuns';
import getFailures from '@salesforce/apex/SageSyncConsoleController.getFailures';
import getConflicts from '@salesforce/apex/SageSyncConsoleController.getConflicts';
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

const CONFLICT_COLUMNS = [
  { label: 'Flow', fieldName: 'flow', initialWidth: 110 },
  { label: 'Record', fieldName: 'recordKey' },
  { label: 'Field', fieldName: 'field' },
  { label: 'Winner', fieldName: 'master', initialWidth: 100 },
  { label: 'Winning value', fieldName: 'winningText', wrapText: true },
  { label: 'Losing value', fieldName: 'losingText', wrapText: true },
  { label: 'When', fieldName: 'createdAt', ...DATE_TIME },
];

/** How a conflict shows a value that was empty on its side. */
const EMPTY_VALUE = '(empty)';

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
  conflictColumns = CONFLICT_COLUMNS;
  /** The connector's flows (every one it runs, whether or not it has run). */
  syncFlows;
  flowsError;
  runs;
  runsError;
  failures;
  failuresError;
  /** Fields both systems changed between two syncs of a two-way flow, newest first. */
  conflicts;
  conflictsError;
  actionError;
  connection;
  connectionError;
  isLoadingFlows = false;
  isLoadingRuns = false;
  isLoadingFailures = false;
  isLoadingConflicts = false;
  isTesting = false;
  /** The flow being run now, if any. */
  runningFlow;
  /** The failed record being retried or skipped now: { id, busyText }. */
  pendingFailure;

  connectedCallback() {
    this.loadFlows();
    this.loadRuns();
    this.loadFailures();
    this.loadConflicts();
  }

  async loadFlows() {
    this.isLoadingFlows = true;
    this.flowsError = undefined;
    try {
      this.syncFlows = await getFlows();
    } catch (error) {
      this.flowsError = error;
      this.syncFlows = undefined;
    } finally {
      this.isLoadingFlows = false;
    }
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

  async loadConflicts() {
    this.isLoadingConflicts = true;
    this.conflictsError = undefined;
    try {
      this.conflicts = await getConflicts();
    } catch (error) {
      this.conflictsError = error;
      this.conflicts = undefined;
    } finally {
      this.isLoadingConflicts = false;
    }
  }

  handleRefreshConflicts() {
    this.loadConflicts();
  }

  handleRefreshFlows() {
    this.loadFlows();
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
        () => Promise.all([this.loadFlows(), this.loadRuns(), this.loadConflicts()]),
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
        () => Promise.all([this.loadFailures(), this.loadFlows()]),
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

  /** Each flow the connector runs, in its order, with its schedule, last and next run, and a Run button. */
  get flows() {
    return (this.syncFlows || []).map((flow) => {
      const runningHere = flow.name === this.runningFlow;
      const failures = flow.failures || {};
      const waiting = (failures.open || 0) + (failures.retrying || 0);
      return {
        name: flow.name,
        schedule: flow.schedule,
        lastOutcome: flow.lastRun ? flow.lastRun.outcome : 'never run',
        outcomeClass:
          flow.lastRun && flow.lastRun.outcome === 'failed' ? 'flow-outcome slds-text-color_error' : 'flow-outcome',
        lastStartedAt: flow.lastRun ? flow.lastRun.startedAt : undefined,
        running: flow.running === true,
        paused: flow.paused === true,
        pausedUntil: flow.pausedUntil,
        nextRunAt: flow.nextRunAt,
        waitingText: waiting > 0 ? `${waiting} failed record${waiting === 1 ? '' : 's'} waiting` : undefined,
        buttonLabel: runningHere ? `Running ${flow.name}…` : `Run ${flow.name}`,
        // One run at a time from here; a flow another process is running would only be refused.
        disabled: !!this.runningFlow || flow.running === true,
      };
    });
  }

  get hasFlows() {
    return !!this.syncFlows && this.syncFlows.length > 0;
  }

  get noFlows() {
    return !!this.syncFlows && this.syncFlows.length === 0;
  }

  get isFlowsBusy() {
    return this.isLoadingFlows || !!this.runningFlow;
  }

  get flowsSpinnerText() {
    return this.runningFlow ? this.runningFlowText : 'Loading sync flows';
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

  get conflictRows() {
    return (this.conflicts || []).map((conflict) => ({
      ...conflict,
      winningText: conflict.winningValue ?? EMPTY_VALUE,
      losingText: conflict.losingValue ?? EMPTY_VALUE,
    }));
  }

  get hasConflicts() {
    return !!this.conflicts && this.conflicts.length > 0;
  }

  get noConflicts() {
    return !!this.conflicts && this.conflicts.length === 0;
  }

  get conflictsTitle() {
    return this.hasConflicts ? `Recent conflicts (${this.conflicts.length})` : 'Recent conflicts';
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
