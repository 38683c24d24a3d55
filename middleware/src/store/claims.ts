/** The one rule for claiming a row that a process holds for a while (a flow lease, an order-ledger claim). */
import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * True when `owner` may take the row: nobody holds it, its hold has no end or has ended before `nowText`, or `owner`
 * already holds it (a renewal). `ownerColumn` and `untilColumn` name the holder and hold-end columns.
 */
export function claimableBy(
  ownerColumn: string,
  untilColumn: string,
  owner: string,
  nowText: string,
): RawBuilder<SqlBool> {
  const holder = sql.ref(ownerColumn);
  const until = sql.ref(untilColumn);
  return sql<SqlBool>`(${holder} is null or ${until} is null or ${until} < ${nowText} or ${holder} = ${owner})`;
}
