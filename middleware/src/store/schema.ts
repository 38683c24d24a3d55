/**
 * The state store's tables, shared by SQLite and PostgreSQL. Times are ISO-8601 UTC text (`2026-05-01T12:00:00.000Z`),
 * which sorts and compares the same on both engines; JSON documents are text.
 */
import type { Generated } from 'kysely';

/** Where each flow has got to: the committed cursor and, while a run is under way, its last checkpoint. */
export interface SyncCursorTable {
  flow: string;
  /** The flow's cursor as JSON; what the next run reads from. */
  value: string | null;
  /** 1 while a run's checkpoint is stored in `value` (the run has not finished), else 0. */
  in_progress: number;
  /** A quota pause: the flow does not run before this time. */
  paused_until: string | null;
  pause_reason: string | null;
  updated_at: string;
}

/** One record known on both sides, with the content hash last synced from each side. */
export interface SyncLinkTable {
  entity: string;
  sage_key: string;
  salesforce_id: string | null;
  sage_hash: string | null;
  salesforce_hash: string | null;
  /** For two-way flows: what both sides held after the last sync (JSON, per-field hashes), the base of a merge. */
  synced_state: string | null;
  last_synced_at: string;
  created_at: string;
  updated_at: string;
}

/** Order pushes keyed by Opportunity Id; the guard that makes a Sage order happen at most once. */
export interface OrderLedgerTable {
  opportunity_id: string;
  /** `order` or `quote`: with the opportunity, the entry's key. */
  kind: Generated<string>;
  state: string;
  owner: string | null;
  claimed_until: string | null;
  sage_order_number: string | null;
  sage_order_uniquifier: string | null;
  attempts: number;
  last_error_code: string | null;
  last_error_message: string | null;
  result_json: string | null;
  /** For a created order: `pending` until the opportunity shows it, then `done`; null for entries older than this. */
  write_back: string | null;
  created_at: string;
  updated_at: string;
}

/** Records a flow could not write, with their payload and reason, until retried, resolved or skipped. */
export interface SyncFailureTable {
  id: Generated<number>;
  flow: string;
  record_key: string;
  payload: string | null;
  error_kind: string;
  error_code: string;
  error_message: string;
  attempts: number;
  next_attempt_at: string | null;
  status: string;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  /** The record this entry waits for (entity and Sage key, such as the customer of an invoice), when it waits for one. */
  waits_for_entity: string | null;
  waits_for_key: string | null;
}

/** Where each flow's drift repair has got to: the checkpoint of a pass under way, and when the last one finished. */
export interface SyncRepairTable {
  flow: string;
  /** The flow's cursor of the pass under way, as JSON. */
  value: string | null;
  /** 1 while a pass has not finished. */
  in_progress: number;
  started_at: string | null;
  finished_at: string | null;
  /** Records the pass rewrote so far (or the last pass did). */
  repaired: number;
  updated_at: string;
}

/** Every run of a flow with its counts and outcome. */
export interface SyncRunTable {
  id: Generated<number>;
  flow: string;
  trigger: string;
  owner: string;
  scheduled_for: string | null;
  started_at: string;
  finished_at: string | null;
  outcome: string;
  read_count: number;
  created_count: number;
  updated_count: number;
  unchanged_count: number;
  failed_count: number;
  message: string | null;
}

/** A field both systems changed since the last sync: the master's value won on both sides; the loser's is kept here. */
export interface SyncConflictTable {
  id: Generated<number>;
  run_id: number | null;
  flow: string;
  record_key: string;
  salesforce_id: string | null;
  /** `Sage field / Salesforce field`, e.g. `ContactsEmail / Email`. */
  field: string;
  /** The system whose value won (`Sage` or `Salesforce`). */
  master: string;
  /** The values as JSON text. */
  winning_value: string | null;
  losing_value: string | null;
  created_at: string;
}

/** Named leases: at most one live holder per name across replicas; `last_slot` makes a scheduled tick run once. */
export interface SyncLeaseTable {
  name: string;
  owner: string | null;
  acquired_at: string | null;
  expires_at: string | null;
  last_slot: string | null;
}

/** A system that stopped answering: since when and why (`store/outages.ts`). */
export interface SystemOutageTable {
  system: string;
  since: string;
  reason: string;
  seen_by: string;
  seen_at: string;
}

/** When a kind of notice (`health:customers`) last went out, so replicas and restarts send it at most once per window. */
export interface NoticeThrottleTable {
  topic: string;
  last_sent_at: string;
}

/** The revenue reconciliation by month and account, as the `revenueReconciliation` flow last computed it. */
export interface RevenueReconciliationTable {
  /** `YYYY-MM` */
  month: string;
  /** The Salesforce Account Id, or `sage:<customer number>` for a Sage customer no account is linked to. */
  account_key: string;
  account_id: string | null;
  account_name: string | null;
  customer_number: string | null;
  closed_won: number;
  ordered: number;
  invoiced: number;
  collected: number;
  won_count: number;
  /** JSON: the Closed Won opportunities still without an order or an invoice after the grace days. */
  late_json: string;
  computed_at: string;
}

/** When each stored report was computed, and over which months. */
export interface ReportSnapshotTable {
  report: string;
  as_of: string;
  from_month: string;
  to_month: string;
}

/** Who is giving an account its Sage customer, and the customer found or created for it. */
export interface CustomerClaimTable {
  account_id: string;
  owner: string | null;
  claimed_until: string | null;
  customer_number: string | null;
  outcome: string | null;
  updated_at: string;
}

export interface Database {
  sync_cursors: SyncCursorTable;
  sync_links: SyncLinkTable;
  order_ledger: OrderLedgerTable;
  sync_failures: SyncFailureTable;
  sync_runs: SyncRunTable;
  sync_leases: SyncLeaseTable;
  sync_conflicts: SyncConflictTable;
  sync_repairs: SyncRepairTable;
  system_outages: SystemOutageTable;
  notice_throttle: NoticeThrottleTable;
  revenue_reconciliation: RevenueReconciliationTable;
  report_snapshots: ReportSnapshotTable;
  customer_claims: CustomerClaimTable;
}
