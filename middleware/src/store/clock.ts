/** The store's notion of now; tests and replicas pass their own. Times are stored as ISO-8601 UTC text. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A Date as the text the store keeps. */
export function isoTime(date: Date): string {
  return date.toISOString();
}

/** Stored text back to a Date (null stays null). */
export function parseTime(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}
