/**
 * Customer claims: one row per Salesforce account being given a Sage customer, the guard that makes provisioning
 * create one customer however many callers (the `POST /customers` button, the accounts and convertedLeads flows, the
 * order push) on however many replicas ask at once.
 *
 * Row: `account_id` (primary key), `owner` + `claimed_until` (who is provisioning it, until when), `customer_number`
 * and `outcome` (the customer found or created, recorded before the account is told), `updated_at`.
 *
 * Protocol: `claim` (atomic on both engines: insert, or take over a row whose claim is free, expired or already the
 * caller's) → re-read the account (another holder may have linked it) → match or create → `recordCustomer` → write the
 * number to the account → `release`. A holder that dies after creating the customer leaves its number here, so the
 * next holder links that customer instead of creating another.
 */
import type { Kysely } from 'kysely';
import { claimableBy } from './claims.js';
import { isoTime, parseTime, type Clock } from './clock.js';
import type { Database } from './schema.js';

export interface CustomerClaim {
  accountId: string;
  owner: string | null;
  claimedUntil: Date | null;
  /** The customer a holder found or created for the account (before or after the account was told). */
  customerNumber: string | null;
  outcome: 'matched' | 'created' | null;
  updatedAt: Date;
}

export interface CustomerClaimRepository {
  get(accountId: string): Promise<CustomerClaim | undefined>;
  /** Claims the account for `owner` for `leaseMs` when nobody holds it, its claim expired, or `owner` holds it. */
  claim(accountId: string, owner: string, leaseMs: number): Promise<{ claimed: boolean; entry: CustomerClaim }>;
  /** Extends the holder's claim; false when `owner` no longer holds it. */
  renew(accountId: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Records the customer the holder found or created; false when `owner` no longer holds the claim. */
  recordCustomer(
    accountId: string,
    owner: string,
    customerNumber: string,
    outcome: 'matched' | 'created',
  ): Promise<boolean>;
  /** Frees the claim if `owner` holds it. */
  release(accountId: string, owner: string): Promise<void>;
}

type Row = Database['customer_claims'];

function toClaim(row: Row): CustomerClaim {
  return {
    accountId: row.account_id,
    owner: row.owner,
    claimedUntil: parseTime(row.claimed_until),
    customerNumber: row.customer_number,
    outcome: row.outcome === 'matched' || row.outcome === 'created' ? row.outcome : null,
    updatedAt: new Date(row.updated_at),
  };
}

export function customerClaimRepository(db: Kysely<Database>, clock: Clock): CustomerClaimRepository {
  const get = async (accountId: string) => {
    const row = await db
      .selectFrom('customer_claims')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row && toClaim(row);
  };
  return {
    get,
    async claim(accountId, owner, leaseMs) {
      const now = clock();
      const nowText = isoTime(now);
      const until = isoTime(new Date(now.getTime() + leaseMs));
      const claimed = await db
        .insertInto('customer_claims')
        .values({ account_id: accountId, owner, claimed_until: until, updated_at: nowText })
        .onConflict((oc) =>
          oc
            .column('account_id')
            .doUpdateSet({ owner, claimed_until: until, updated_at: nowText })
            .where(claimableBy('customer_claims.owner', 'customer_claims.claimed_until', owner, nowText)),
        )
        .returningAll()
        .executeTakeFirst();
      if (claimed) return { claimed: true, entry: toClaim(claimed) };
      const entry = await get(accountId);
      if (!entry) throw new Error(`No customer claim for account ${accountId}`);
      return { claimed: false, entry };
    },
    async renew(accountId, owner, leaseMs) {
      const result = await db
        .updateTable('customer_claims')
        .set({ claimed_until: isoTime(new Date(clock().getTime() + leaseMs)) })
        .where('account_id', '=', accountId)
        .where('owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async recordCustomer(accountId, owner, customerNumber, outcome) {
      const result = await db
        .updateTable('customer_claims')
        .set({ customer_number: customerNumber, outcome, updated_at: isoTime(clock()) })
        .where('account_id', '=', accountId)
        .where('owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async release(accountId, owner) {
      await db
        .updateTable('customer_claims')
        .set({ owner: null, claimed_until: null, updated_at: isoTime(clock()) })
        .where('account_id', '=', accountId)
        .where('owner', '=', owner)
        .execute();
    },
  };
}
