/**
 * The stored revenue reconciliation: one row per month and account, replaced as a whole by each computation that
 * changed a figure, so the report reads a consistent snapshot in milliseconds. Its "as of" is the later of when the
 * rows were written and when the `revenueReconciliation` flow last ran to success: a run that finds the same figures
 * writes nothing, yet confirms them.
 */
import type { Kysely } from 'kysely';
import { inBatches } from './batches.js';
import { isoTime, type Clock } from './clock.js';
import type { Database } from './schema.js';

/** A Closed Won opportunity still without an order, or with an order but no invoice, after the grace days. */
export interface LateOpportunity {
  opportunityId: string;
  name: string;
  amount: number;
  /** `YYYY-MM-DD` */
  closeDate: string;
  missing: 'order' | 'invoice';
  orderNumber: string | null;
}

export interface ReconciliationRow {
  /** `YYYY-MM` */
  month: string;
  accountId: string | null;
  accountName: string | null;
  customerNumber: string | null;
  closedWon: number;
  ordered: number;
  invoiced: number;
  collected: number;
  wonCount: number;
  late: LateOpportunity[];
}

export interface ReconciliationSnapshot {
  asOf: Date;
  fromMonth: string;
  toMonth: string;
}

export interface RevenueReconciliationRepository {
  /** Replaces every stored row with these, computed at `asOf` over the months `fromMonth`..`toMonth`. */
  replace(rows: readonly ReconciliationRow[], snapshot: Omit<ReconciliationSnapshot, 'asOf'>): Promise<Date>;
  /** Rows of the months `from`..`to` (inclusive, `YYYY-MM`), of one account when given, by month then account name. */
  list(query: { from: string; to: string; accountId?: string }): Promise<ReconciliationRow[]>;
  /**
   * When the stored rows were last computed or confirmed by a successful run of the flow, and over which months;
   * undefined before the first computation.
   */
  snapshot(): Promise<ReconciliationSnapshot | undefined>;
}

const REPORT = 'revenue-reconciliation';

/** The flow that computes the report; its last successful run confirms the stored rows. */
const REPORT_FLOW = 'revenueReconciliation';

/** The row's key: its Salesforce account, or the Sage customer when no account is linked. */
function accountKey(row: ReconciliationRow): string {
  return row.accountId ?? `sage:${row.customerNumber ?? ''}`;
}

export function revenueReconciliationRepository(db: Kysely<Database>, clock: Clock): RevenueReconciliationRepository {
  return {
    async replace(rows, snapshot) {
      const asOf = clock();
      const computedAt = isoTime(asOf);
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('revenue_reconciliation').execute();
        for (const batch of inBatches(rows)) {
          await tx
            .insertInto('revenue_reconciliation')
            .values(
              batch.map((row) => ({
                month: row.month,
                account_key: accountKey(row),
                account_id: row.accountId,
                account_name: row.accountName,
                customer_number: row.customerNumber,
                closed_won: row.closedWon,
                ordered: row.ordered,
                invoiced: row.invoiced,
                collected: row.collected,
                won_count: row.wonCount,
                late_json: JSON.stringify(row.late),
                computed_at: computedAt,
              })),
            )
            .execute();
        }
        const values = { as_of: computedAt, from_month: snapshot.fromMonth, to_month: snapshot.toMonth };
        await tx
          .insertInto('report_snapshots')
          .values({ report: REPORT, ...values })
          .onConflict((oc) => oc.column('report').doUpdateSet(values))
          .execute();
      });
      return asOf;
    },

    async list(query) {
      let select = db
        .selectFrom('revenue_reconciliation')
        .selectAll()
        .where('month', '>=', query.from)
        .where('month', '<=', query.to);
      if (query.accountId) select = select.where('account_id', '=', query.accountId);
      const rows = await select.orderBy('month').orderBy('account_name').orderBy('account_key').execute();
      return rows.map((row) => ({
        month: row.month,
        accountId: row.account_id,
        accountName: row.account_name,
        customerNumber: row.customer_number,
        closedWon: Number(row.closed_won),
        ordered: Number(row.ordered),
        invoiced: Number(row.invoiced),
        collected: Number(row.collected),
        wonCount: Number(row.won_count),
        late: JSON.parse(row.late_json) as LateOpportunity[],
      }));
    },

    async snapshot() {
      const [row, run] = await Promise.all([
        db.selectFrom('report_snapshots').selectAll().where('report', '=', REPORT).executeTakeFirst(),
        db
          .selectFrom('sync_runs')
          .select('started_at')
          .where('flow', '=', REPORT_FLOW)
          .where('outcome', '=', 'succeeded')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst(),
      ]);
      if (!row) return undefined;
      const written = new Date(row.as_of).getTime();
      const confirmed = run ? new Date(run.started_at).getTime() : 0;
      return { asOf: new Date(Math.max(written, confirmed)), fromMonth: row.from_month, toMonth: row.to_month };
    },
  };
}
