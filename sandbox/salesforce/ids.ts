/**
 * Salesforce record ids: a 3-character key prefix naming the object, 12 characters of record number, and (in the
 * 18-character form) a 3-character suffix that encodes the case of the first 15 so ids survive case-insensitive tools.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[A-Za-z0-5]{3})?$/;

/** The 3-character case-safety suffix for a 15-character id. */
export function idSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let position = 0; position < 5; position++) {
      const char = id15.charAt(chunk * 5 + position);
      if (char >= 'A' && char <= 'Z') bits |= 1 << position;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** Restores the case of an 18-character id's first 15 characters from its suffix (ids survive lower-casing). */
function restoreCase(id18: string): string | undefined {
  let id15 = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX_ALPHABET.indexOf(id18.charAt(15 + chunk).toUpperCase());
    if (bits < 0) return undefined;
    for (let position = 0; position < 5; position++) {
      const char = id18.charAt(chunk * 5 + position);
      id15 += bits & (1 << position) ? char.toUpperCase() : char.toLowerCase();
    }
  }
  return id15;
}

/** The 18-character form of a 15- or 18-character id, or undefined when the text is not shaped like an id. */
export function normaliseId(value: string): string | undefined {
  if (!ID_SHAPE.test(value)) return undefined;
  const id15 = value.length === 18 ? restoreCase(value) : value;
  return id15 === undefined ? undefined : id15 + idSuffix(id15);
}

/** Issues ids for one org: each key prefix counts on its own, so ids read in creation order. */
export class IdFactory {
  private readonly counters = new Map<string, number>();

  constructor(private readonly podCode = '5g') {}

  /** A new 18-character id with the given key prefix. */
  next(keyPrefix: string): string {
    const count = (this.counters.get(keyPrefix) ?? 0) + 1;
    this.counters.set(keyPrefix, count);
    let number = '';
    let rest = count;
    for (let position = 0; position < 9; position++) {
      number = BASE62.charAt(rest % 62) + number;
      rest = Math.floor(rest / 62);
    }
    const id15 = `${keyPrefix}${this.podCode}0${number}`;
    return id15 + idSuffix(id15);
  }
}

/** The org id of the sandbox (00D is the Organization key prefix). */
export const SANDBOX_ORG_ID = (() => {
  const id15 = '00D5g0000000001';
  return id15 + idSuffix(id15);
})();
