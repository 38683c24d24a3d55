/** Sage dates travel as ISO instants at midnight UTC (`2024-05-01T00:00:00Z`); the ledger has day granularity. */
export function sageDate(date: Date): string {
  // Memoised per day: generating a large company formats the same few hundred days a million times.
  const day = Math.floor(date.getTime() / 86_400_000);
  let text = formattedDays.get(day);
  if (text === undefined) {
    text = `${date.toISOString().slice(0, 10)}T00:00:00Z`;
    formattedDays.set(day, text);
  }
  return text;
}

const formattedDays = new Map<number, string>();

/** Midnight UTC of the given instant. */
export function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

/** Parses an ISO date or date-time as Sage accepts them on POST; undefined when it is not one. */
export function parseSageDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : startOfDay(date);
}
