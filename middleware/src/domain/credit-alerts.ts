/**
 * Credit alerts: which credit conditions a customer is in, with a hysteresis margin so a balance hovering at a
 * threshold does not flap, and what that means for the customer's open alerts (open, escalate, refresh, resolve),
 * the alerts' keys and the Tasks of an opening or escalation. Pure: figures and open alerts in, decisions out.
 *
 * Keys (`Sage_Credit_Alert__c.Alert_Key__c`, unique): an open alert is keyed `CUSTOMER|CONDITION` (`1105|LIMIT`,
 * `1500|HOLD`), so there can be only one open alert per customer and condition — two runs that both open it upsert
 * the same record. Resolving renames the key to `CUSTOMER|CONDITION|<alert id>`, which frees the open key for a later
 * breach while the resolved alert stays as history.
 */
import { creditUtilisation, money } from './credit.js';

/** The alert types the connector raises (`Sage_Credit_Alert__c.Alert_Type__c`). */
export type CreditAlertType = 'Approaching Limit' | 'Over Limit' | 'On Hold';
export type CreditAlertSeverity = 'Warning' | 'Critical';
/** A condition has at most one open alert: the credit limit (Approaching, escalating to Over) or the hold. */
export type CreditCondition = 'LIMIT' | 'HOLD';

/** A customer's Sage figures an alert is decided from. */
export interface CreditFigures {
  customerNumber: string;
  customerName: string | null;
  currency: string | null;
  balance: number;
  /** 0 when Sage sets no limit: no limit alerts then. */
  creditLimit: number;
  onHold: boolean;
}

export interface CreditAlertSettings {
  /** Percent of the limit at which Approaching Limit opens. */
  warningThreshold: number;
  /** Points below a threshold utilisation must fall (to or below) before the condition counts as cleared. */
  hysteresis: number;
}

/** An alert that is not resolved (Open, or Acknowledged by a rep), as read from Salesforce. */
export interface OpenCreditAlert {
  id: string;
  type: CreditAlertType;
  status: 'Open' | 'Acknowledged';
  balance: number | null;
  creditLimit: number | null;
  utilisation: number | null;
  threshold: number | null;
  message: string | null;
}

/** What an alert says: its type and the figures behind it. */
export interface CreditAlertContent {
  type: CreditAlertType;
  severity: CreditAlertSeverity;
  balance: number;
  creditLimit: number;
  /** Percent of the limit (82.5 means 82.5 %), kept within the field's range; null without a limit. */
  utilisation: number | null;
  /** The threshold in force: the warning threshold, or 100 for Over Limit. */
  threshold: number;
  message: string;
}

/**
 * A change to one condition's alert. `open` and `escalate` notify the account owner (a Task); `escalate` also
 * reopens an alert a rep acknowledged; `refresh` updates the figures (or lowers Over to Approaching) quietly.
 */
export type CreditAlertChange =
  | { action: 'open'; condition: CreditCondition; content: CreditAlertContent }
  | { action: 'escalate'; condition: CreditCondition; alert: OpenCreditAlert; content: CreditAlertContent }
  | { action: 'refresh'; condition: CreditCondition; alert: OpenCreditAlert; content: CreditAlertContent }
  | { action: 'resolve'; condition: CreditCondition; alert: OpenCreditAlert };

const SEVERITY: Record<CreditAlertType, CreditAlertSeverity> = {
  'Approaching Limit': 'Warning',
  'Over Limit': 'Critical',
  'On Hold': 'Critical',
};

const RANK: Record<CreditAlertType, number> = { 'Approaching Limit': 1, 'Over Limit': 2, 'On Hold': 2 };

/** Short codes of the types in Task keys. */
const TYPE_CODE: Record<CreditAlertType, string> = {
  'Approaching Limit': 'APPROACHING',
  'Over Limit': 'OVER',
  'On Hold': 'HOLD',
};

/** The largest magnitude `Utilisation__c` (Percent(5,2)) holds. */
const UTILISATION_FIELD_MAX = 999.99;

/** The condition an alert type belongs to. */
export function conditionOf(type: CreditAlertType): CreditCondition {
  return type === 'On Hold' ? 'HOLD' : 'LIMIT';
}

/** The key of the one open alert of a customer's condition (`1105|LIMIT`). */
export function openAlertKey(customerNumber: string, condition: CreditCondition): string {
  return `${customerNumber}|${condition}`;
}

/** The key a resolved alert keeps (`1105|LIMIT|a00…`): unique by the alert's id, so history never collides. */
export function resolvedAlertKey(customerNumber: string, condition: CreditCondition, alertId: string): string {
  return `${customerNumber}|${condition}|${alertId}`;
}

/** The `Task.Sage_Alert_Key__c` of the Task for an alert at a type: one Task per alert and type, ever. */
export function alertTaskKey(alertId: string, type: CreditAlertType): string {
  return `ALERT|${alertId}|${TYPE_CODE[type]}`;
}

/**
 * The limit condition's level at a utilisation, given the type of the alert open now (null: none). Approaching opens
 * at the warning threshold and Over above 100 %; an open alert holds its level until utilisation falls to the margin
 * below that level's threshold, so a balance hovering at a threshold neither resolves nor re-opens it every run.
 */
export function limitLevel(
  utilisation: number | null,
  current: CreditAlertType | null,
  settings: CreditAlertSettings,
): 'Approaching Limit' | 'Over Limit' | null {
  if (utilisation === null) return null;
  const { warningThreshold: threshold, hysteresis } = settings;
  if (utilisation > 100 || (current === 'Over Limit' && utilisation > 100 - hysteresis)) return 'Over Limit';
  if (utilisation >= threshold || (current !== null && utilisation > threshold - hysteresis)) {
    return 'Approaching Limit';
  }
  return null;
}

function percent(value: number): string {
  return `${value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
}

function customerLabel(figures: CreditFigures): string {
  return figures.customerName ? `${figures.customerName} (${figures.customerNumber})` : figures.customerNumber;
}

/** The sentence an alert shows (at most 255 characters, the field's length). */
export function creditAlertMessage(
  type: CreditAlertType,
  figures: CreditFigures,
  utilisation: number | null,
  settings: CreditAlertSettings,
): string {
  const balance = money(figures.balance, figures.currency);
  const limit = money(figures.creditLimit, figures.currency);
  let message: string;
  if (type === 'On Hold') {
    message = `${customerLabel(figures)} is on hold in Sage 300 (balance ${balance}).`;
  } else if (type === 'Over Limit') {
    message = `The balance of ${balance} is ${percent(utilisation ?? 0)} of the credit limit of ${limit}: over the limit.`;
  } else {
    message =
      `The balance of ${balance} is ${percent(utilisation ?? 0)} of the credit limit of ${limit} ` +
      `(warning at ${percent(settings.warningThreshold)}).`;
  }
  return message.slice(0, 255);
}

function content(type: CreditAlertType, figures: CreditFigures, settings: CreditAlertSettings): CreditAlertContent {
  const utilisation = creditUtilisation(figures.balance, figures.creditLimit);
  return {
    type,
    severity: SEVERITY[type],
    balance: figures.balance,
    creditLimit: figures.creditLimit,
    utilisation:
      utilisation === null ? null : Math.max(-UTILISATION_FIELD_MAX, Math.min(UTILISATION_FIELD_MAX, utilisation)),
    threshold: type === 'Over Limit' ? 100 : settings.warningThreshold,
    message: creditAlertMessage(type, figures, utilisation, settings),
  };
}

/** True when the alert already says what `next` says. */
function sameContent(alert: OpenCreditAlert, next: CreditAlertContent): boolean {
  return (
    alert.type === next.type &&
    alert.balance === next.balance &&
    alert.creditLimit === next.creditLimit &&
    alert.utilisation === next.utilisation &&
    alert.threshold === next.threshold &&
    alert.message === next.message
  );
}

function changeFor(
  condition: CreditCondition,
  level: CreditAlertType | null,
  open: OpenCreditAlert | undefined,
  figures: CreditFigures,
  settings: CreditAlertSettings,
): CreditAlertChange | undefined {
  if (level === null) return open ? { action: 'resolve', condition, alert: open } : undefined;
  const next = content(level, figures, settings);
  if (!open) return { action: 'open', condition, content: next };
  if (RANK[level] > RANK[open.type]) return { action: 'escalate', condition, alert: open, content: next };
  if (sameContent(open, next)) return undefined;
  return { action: 'refresh', condition, alert: open, content: next };
}

/**
 * The changes a customer's figures call for, given its open alerts by condition: at most one change per condition.
 * A customer without a credit limit has no limit alert (an open one resolves).
 */
export function creditAlertChanges(
  figures: CreditFigures,
  open: Partial<Record<CreditCondition, OpenCreditAlert>>,
  settings: CreditAlertSettings,
): CreditAlertChange[] {
  const utilisation = creditUtilisation(figures.balance, figures.creditLimit);
  const limit = limitLevel(utilisation, open.LIMIT?.type ?? null, settings);
  return [
    changeFor('LIMIT', limit, open.LIMIT, figures, settings),
    changeFor('HOLD', figures.onHold ? 'On Hold' : null, open.HOLD, figures, settings),
  ].filter((change): change is CreditAlertChange => change !== undefined);
}

/** The Task an opening or escalation gives the account owner. */
export interface AlertTask {
  subject: string;
  description: string;
  /** `High` for critical alerts, `Normal` for warnings. */
  priority: 'High' | 'Normal';
}

/** The Task for an alert that opened or escalated. */
export function creditAlertTask(figures: CreditFigures, alert: CreditAlertContent, escalated: boolean): AlertTask {
  const lines = [
    alert.message,
    `Customer: ${customerLabel(figures)}`,
    `Balance: ${money(alert.balance, figures.currency)}`,
    `Credit limit: ${figures.creditLimit > 0 ? money(alert.creditLimit, figures.currency) : 'none'}`,
  ];
  if (alert.utilisation !== null) lines.push(`Utilisation: ${percent(alert.utilisation)}`);
  lines.push(`On hold: ${figures.onHold ? 'yes' : 'no'}`);
  return {
    subject:
      `${escalated ? 'Credit alert escalated' : 'Credit alert'}: ${alert.type} – ${customerLabel(figures)}`.slice(
        0,
        255,
      ),
    description: lines.join('\n'),
    priority: alert.severity === 'Critical' ? 'High' : 'Normal',
  };
}
