/**
 * The state store: one Kysely database (SQLite or PostgreSQL) with a repository per table.
 * `openStore(DATABASE_URL)` connects and migrates; `store.transaction(fn)` gives the same repositories inside one
 * transaction, which is how a sync page commits its links, failures, counts and checkpoint together.
 */
import { sql, type Kysely } from 'kysely';
import { systemClock, type Clock } from './clock.js';
import { conflictRepository, type ConflictRepository } from './conflicts.js';
import { cursorRepository, type CursorRepository } from './cursors.js';
import { customerClaimRepository, type CustomerClaimRepository } from './customer-claims.js';
import { connect, databaseFailure, migrate, parseDatabaseUrl } from './database.js';
import { failureRepository, type FailureRepository } from './failures.js';
import { leaseRepository, type LeaseRepository } from './leases.js';
import { linkRepository, type LinkRepository } from './links.js';
import type { Engine } from './migrations.js';
import { orderLedgerRepository, type OrderLedgerRepository } from './order-ledger.js';
import { repairRepository, type RepairRepository } from './repairs.js';
import { outageRepository, type OutageRepository } from './outages.js';
import { noticeThrottleRepository, type NoticeThrottleRepository } from './notice-throttle.js';
import { revenueReconciliationRepository, type RevenueReconciliationRepository } from './revenue-reconciliation.js';
import { runRepository, type RunRepository } from './runs.js';
import type { Database } from './schema.js';

export interface Repositories {
  cursors: CursorRepository;
  links: LinkRepository;
  orderLedger: OrderLedgerRepository;
  failures: FailureRepository;
  runs: RunRepository;
  leases: LeaseRepository;
  conflicts: ConflictRepository;
  repairs: RepairRepository;
  outages: OutageRepository;
  noticeThrottle: NoticeThrottleRepository;
  customerClaims: CustomerClaimRepository;
}

export interface Store extends Repositories {
  /** The stored revenue reconciliation (replaced in its own transaction). */
  revenueReconciliation: RevenueReconciliationRepository;
  engine: Engine;
  db: Kysely<Database>;
  clock: Clock;
  /** Runs `work` in one transaction with repositories bound to it; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Applies pending migrations; returns the names applied now. */
  migrate(): Promise<string[]>;
  /** Throws when the database cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  clock?: Clock;
}

function repositories(db: Kysely<Database>, clock: Clock, engine: Engine): Repositories {
  return {
    cursors: cursorRepository(db, clock),
    links: linkRepository(db, clock),
    orderLedger: orderLedgerRepository(db, clock),
    failures: failureRepository(db, clock, engine),
    runs: runRepository(db, clock),
    leases: leaseRepository(db, clock, engine),
    conflicts: conflictRepository(db, clock),
    repairs: repairRepository(db, clock),
    outages: outageRepository(db, clock),
    noticeThrottle: noticeThrottleRepository(db, clock),
    customerClaims: customerClaimRepository(db, clock),
  };
}

/** Opens (and by default migrates) the store at `databaseUrl`; see `parseDatabaseUrl` for the accepted forms. */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const location = parseDatabaseUrl(databaseUrl);
  const { db, engine } = await connect(location).catch((error: unknown) => {
    throw databaseFailure(error, location) ?? error;
  });
  const store: Store = {
    engine,
    db,
    clock,
    ...repositories(db, clock, engine),
    revenueReconciliation: revenueReconciliationRepository(db, clock),
    transaction: (work) => db.transaction().execute((tx) => work(repositories(tx, clock, engine))),
    migrate: () => migrate(db, engine),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
  if (options.migrate ?? true) {
    try {
      await store.migrate();
    } catch (error) {
      await db.destroy();
      throw databaseFailure(error, location) ?? error;
    }
  }
  return store;
}

export { parseDatabaseUrl } from './database.js';
export type { Engine } from './migrations.js';
export type { Clock } from './clock.js';
export type { FlowCursor, CursorRepository } from './cursors.js';
export type { Link, LinkSide, LinkUpdate, LinkRepository } from './links.js';
export type { OrderLedgerEntry, OrderLedgerState, OrderLedgerRepository } from './order-ledger.js';
export type { SyncFailure, FailureStatus, FailureReport, FailureRepository, AwaitedRecord } from './failures.js';
export type { SyncRun, RunOutcome, RunTrigger, RunCounts, RunRepository } from './runs.js';
export type { Lease, LeaseRepository } from './leases.js';
export type { ConflictReport, SyncConflict, ConflictRepository } from './conflicts.js';
export type { RepairState, RepairRepository } from './repairs.js';
export type { SystemOutage, OutageRepository } from './outages.js';
export type { NoticeThrottleRepository } from './notice-throttle.js';
export type { CustomerClaim, CustomerClaimRepository } from './customer-claims.js';
export type {
  LateOpportunity,
  ReconciliationRow,
  ReconciliationSnapshot,
  RevenueReconciliationRepository,
} from './revenue-reconciliation.js';
