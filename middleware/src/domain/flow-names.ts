/**
 * What a sync flow may be called: the registry refuses other names and the API validates a flow name in a path with
 * the same rule. Names are camelCase words (`customers`, `creditAlerts`, `revenueReconciliation`); `-` is allowed too.
 */
export const FLOW_NAME = /^[a-z][A-Za-z0-9-]{0,39}$/;

/** The words a flow name's rule is explained with. */
export const FLOW_NAME_RULE = 'a letter, then letters, digits and "-" (at most 40), such as customers or creditAlerts';

/**
 * The key of a flow's schedule among the `SYNC_SCHEDULE_<FLOW>` variables: `creditAlerts` and `credit-alerts` both read
 * `SYNC_SCHEDULE_CREDIT_ALERTS` (keyed `credit_alerts`).
 */
export function scheduleKey(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
}
