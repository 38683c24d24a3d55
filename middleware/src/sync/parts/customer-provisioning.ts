/**
 * What the Salesforce → Sage customer flows (accounts, convertedLeads) share around the provisioning service: a
 * service refusal in the engine's words (Sage's own code and message when Sage refused the customer), and the account's
 * sync status (`Sage_Sync_Status__c`, `Sage_Sync_Message__c`) that tells the rep on the Account page why its customer is
 * missing, cleared once it succeeds.
 */
import { ConnectorError, type ErrorKind } from '../../domain/errors.js';
import { ServiceError, type ServiceErrorReason } from '../../services/errors.js';
import type { WriteOutcome } from '../flow.js';
import type { SalesforcePort } from '../systems.js';

const KIND_OF: Record<ServiceErrorReason, ErrorKind> = {
  'not-found': 'permanent',
  conflict: 'permanent',
  rejected: 'permanent',
  'in-doubt': 'in-doubt',
  unavailable: 'transient',
};

/** The longest `Sage_Sync_Message__c` Salesforce keeps. */
const MESSAGE_LENGTH = 255;

/** An error from provisioning or from Sage as a ConnectorError; Sage's refusal keeps Sage's code and message. */
export function provisioningError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) {
    const sageMessage = error.context.sageMessage;
    if (error.system !== 'sage300' || typeof sageMessage !== 'string') return error;
    return new ConnectorError(error.kind, sageMessage, {
      code: error.code,
      system: 'sage300',
      context: error.context,
      cause: error,
      ...(error.status === undefined ? {} : { status: error.status }),
    });
  }
  if (error instanceof ServiceError) {
    const details = (error.details ?? {}) as { sageCode?: unknown; sageMessage?: unknown };
    if (typeof details.sageCode === 'string' && typeof details.sageMessage === 'string') {
      return new ConnectorError('permanent', details.sageMessage, {
        code: details.sageCode,
        system: 'sage300',
        cause: error,
      });
    }
    return new ConnectorError(KIND_OF[error.reason], error.message, {
      code: error.code,
      system: 'connector',
      cause: error,
      ...(error.details && typeof error.details === 'object'
        ? { context: error.details as Record<string, unknown> }
        : {}),
    });
  }
  return new ConnectorError('permanent', error instanceof Error ? error.message : String(error), {
    code: 'CUSTOMER_SYNC_FAILED',
    system: 'connector',
  });
}

/** The failed outcome of a record. */
export function failedOutcome(key: string, error: unknown): WriteOutcome {
  return { key, ok: false, error: provisioningError(error) };
}

/** What an account shows of its sync, as last read. */
export interface AccountSyncState {
  status: string | null;
  message: string | null;
}

/**
 * Tells accounts how their customer sync went: a failure shows its message with status Error; a success clears an
 * earlier error. Accounts that already show what they should are not written (each write is read back by the flows).
 * One Salesforce call for the batch; a refusal here never fails the records.
 */
export async function writeAccountSyncStates(
  salesforce: Pick<SalesforcePort, 'update'>,
  outcomes: readonly { accountId: string; outcome: WriteOutcome }[],
  shown: ReadonlyMap<string, AccountSyncState>,
): Promise<void> {
  const updates = new Map<string, Record<string, unknown>>();
  for (const { accountId, outcome } of outcomes) {
    const before = shown.get(accountId);
    if (!outcome.ok) {
      // A transient failure is retried soon; only a refusal is worth a rep's attention.
      if (outcome.error.kind === 'transient') continue;
      const message = outcome.error.message.slice(0, MESSAGE_LENGTH);
      if (before?.status === 'Error' && before.message === message) continue;
      updates.set(accountId, { Id: accountId, Sage_Sync_Status__c: 'Error', Sage_Sync_Message__c: message });
    } else if (before && (before.status === 'Error' || before.message)) {
      updates.set(accountId, { Id: accountId, Sage_Sync_Status__c: 'Synced', Sage_Sync_Message__c: null });
    }
  }
  if (updates.size === 0) return;
  await salesforce.update('Account', [...updates.values()]).catch(() => undefined);
}
