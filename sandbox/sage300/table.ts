import type { SageRecord } from './records.js';

/**
 * One Sage table: rows by their (possibly composite) key, kept in key order as Sage returns them, with an index on
 * the first key field so "all documents of customer 1200" does not scan a large company.
 */
export class Table {
  /** Bumped on every write; cached query results are valid only for the version they were computed at. */
  version = 0;
  private readonly rows = new Map<string, SageRecord>();
  private readonly byFirstKey = new Map<string, Map<string, SageRecord>>();
  private sorted: SageRecord[] | undefined;

  constructor(
    readonly keyFields: readonly string[],
    readonly blank: () => SageRecord,
  ) {}

  /** Keys compare like Sage's collation: case-insensitive, trailing spaces ignored. */
  static normalise(value: unknown): string {
    return (typeof value === 'string' ? value : String(value ?? '')).trimEnd().toUpperCase();
  }

  keyOf(record: SageRecord): string {
    let key = Table.normalise(record[this.keyFields[0] as string]);
    for (let i = 1; i < this.keyFields.length; i++)
      key += `\u0000${Table.normalise(record[this.keyFields[i] as string])}`;
    return key;
  }

  get size(): number {
    return this.rows.size;
  }

  get(keyValues: readonly unknown[]): SageRecord | undefined {
    return this.rows.get(keyValues.map((value) => Table.normalise(value)).join('\u0000'));
  }

  /** Inserts or replaces the row with the record's key. */
  put(record: SageRecord): SageRecord {
    const key = this.keyOf(record);
    const first = Table.normalise(record[this.keyFields[0] as string]);
    this.rows.set(key, record);
    let group = this.byFirstKey.get(first);
    if (!group) this.byFirstKey.set(first, (group = new Map()));
    group.set(key, record);
    this.changed();
    return record;
  }

  delete(record: SageRecord): void {
    const key = this.keyOf(record);
    this.rows.delete(key);
    this.byFirstKey.get(Table.normalise(record[this.keyFields[0] as string]))?.delete(key);
    this.changed();
  }

  /** Marks the table changed after a row was edited in place. */
  changed(): void {
    this.version++;
    this.sorted = undefined;
  }

  /** Every row in key order. */
  all(): SageRecord[] {
    this.sorted ??= [...this.rows.values()].sort((a, b) => this.compareKeys(a, b));
    return this.sorted;
  }

  /** Rows whose first key field equals `value`, in no particular order (for totals). */
  groupOf(value: string): Iterable<SageRecord> {
    return this.byFirstKey.get(Table.normalise(value))?.values() ?? [];
  }

  /** Rows whose first key field equals `value`, in key order. */
  withFirstKey(value: string): SageRecord[] {
    const group = this.byFirstKey.get(Table.normalise(value));
    return group ? [...group.values()].sort((a, b) => this.compareKeys(a, b)) : [];
  }

  private compareKeys(a: SageRecord, b: SageRecord): number {
    for (const field of this.keyFields) {
      const x = a[field];
      const y = b[field];
      if (typeof x === 'number' && typeof y === 'number') {
        if (x !== y) return x - y;
        continue;
      }
      const p = Table.normalise(x);
      const q = Table.normalise(y);
      if (p !== q) return p < q ? -1 : 1;
    }
    return 0;
  }
}
