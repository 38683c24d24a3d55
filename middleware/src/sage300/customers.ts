import { customerKey, customerNumberLength } from '../domain/customers.js';
import { isErrorKind } from '../domain/errors.js';
import { and, entryKey, eq, ge, le, lengthOf, lt, or, queryParams } from './odata.js';
import type { Filter } from './odata.js';
import { collect, rows } from './paging.js';
import type { Sage300Transport } from './transport.js';
import type { ArCustomer, ArCustomerPatch, ArShipToLocation, NewArCustomer, NewArShipToLocation } from './types.js';

const CUSTOMERS = 'AR/ARCustomers';
const SHIP_TO = 'AR/ARShipToLocations';

/** Options for reading many customers. */
export interface CustomerQuery {
  /** Only customers whose master data changed on or after this day (Sage keeps day granularity). */
  changedSince?: Date;
  select?: readonly (keyof ArCustomer)[];
  filter?: Filter;
  /** Told how many customers match, from the first answer (`$count=true` on it; no request of its own). */
  onCount?: (count: number) => void;
}

/** Undefined for a 404 `RecordNotFound`; every other error passes through. */
export async function orUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isErrorKind(error, 'permanent') && error.status === 404) return undefined;
    throw error;
  }
}

/** Sage customer numbers are at most 12 characters. */
const LONGEST_NUMBER = customerNumberLength;

interface CountedPage {
  value?: { CustomerNumber?: string }[];
  '@odata.count'?: number | string;
  'odata.count'?: number | string;
}

/**
 * The upper bound for the next look after the last number in a range turned out not to be all digits: just below the
 * digits it starts with (letters sort after digits, so `15A0` leaves `1599`), or below the digits before them when a
 * separator follows (`15-0` leaves `1499`). Undefined when no all-digit number of this width can remain.
 */
function belowNonDigit(number: string): string | undefined {
  const index = number.search(/\D/);
  if (index < 0) return undefined;
  const digits = number.slice(0, index);
  const rest = number.length - index;
  if (number.charAt(index) > '9') return digits + '9'.repeat(rest);
  if (!/[1-9]/.test(digits)) return undefined;
  const lower = (BigInt(digits) - 1n).toString().padStart(digits.length, '0');
  return lower + '9'.repeat(rest);
}

/** A/R customers and their ship-to locations. */
export function customersApi(transport: Sage300Transport) {
  /** How many customers match, with the first of them in key order (one request). */
  async function countAndFirst(filter: Filter | undefined): Promise<{ count: number; first?: string }> {
    const body = await transport.get<CountedPage>(CUSTOMERS, {
      params: queryParams({ filter, select: ['CustomerNumber'], top: 1, count: true }),
    });
    const count = Number(body['@odata.count'] ?? body['odata.count'] ?? 0);
    const first = body.value?.[0]?.CustomerNumber;
    return first === undefined ? { count } : { count, first };
  }

  /** The customer number at a position in key order among those matching (one request). */
  async function numberAt(filter: Filter | undefined, position: number): Promise<string | undefined> {
    const body = await transport.get<CountedPage>(CUSTOMERS, {
      params: queryParams({ filter, select: ['CustomerNumber'], top: 1, skip: position }),
    });
    return body.value?.[0]?.CustomerNumber;
  }

  /** The last number (in key order) between `0…0` and `upper` among those `width` characters long. */
  async function lastOfWidth(width: number, upper: string): Promise<string | undefined> {
    const range = and(
      lengthOf('CustomerNumber', 'eq', width),
      ge('CustomerNumber', '0'.repeat(width)),
      le('CustomerNumber', upper),
    );
    const { count, first } = await countAndFirst(range);
    if (count <= 1) return first;
    return (await numberAt(range, count - 1)) ?? first;
  }

  /** The highest all-digit number `width` characters long, skipping numbers with letters or separators in the range. */
  async function highestOfWidth(width: number): Promise<string | undefined> {
    let upper: string | undefined = '9'.repeat(width);
    // Each look lowers the bound below a number that is not all digits; a bounded number of looks per width.
    for (let look = 0; upper !== undefined && look <= 2 * width; look++) {
      const last = await lastOfWidth(width, upper);
      if (last === undefined) return undefined;
      if (/^\d+$/.test(last)) return last;
      upper = belowNonDigit(last);
    }
    return undefined;
  }

  /** The greatest length of a customer number that starts with a digit (binary search, four requests at most). */
  async function longestDigitLedWidth(): Promise<number> {
    let low = 1;
    let high = LONGEST_NUMBER;
    let found = 0;
    while (low <= high) {
      const width = Math.floor((low + high) / 2);
      // Digits sort before letters in every collation Sage runs on, so [0, A) holds the numbers starting with one.
      const { count } = await countAndFirst(
        and(lengthOf('CustomerNumber', 'ge', width), ge('CustomerNumber', '0'), lt('CustomerNumber', 'A')),
      );
      if (count > 0) {
        found = width;
        low = width + 1;
      } else {
        high = width - 1;
      }
    }
    return found;
  }

  return {
    /**
     * The highest all-digit customer number by value, in a number of requests that does not grow with the customers:
     * the greatest length a digit-led number has (binary search on `length()`), then per length from there down the
     * last number of the all-digit range in key order (`$count`, then `$skip` to it), checked to be all digits. The
     * Web API documents no `$orderby`, so "last in key order" is read by position. Undefined when there is none.
     */
    async highestNumericNumber(): Promise<string | undefined> {
      let best: string | undefined;
      for (let width = await longestDigitLedWidth(); width >= 1; width--) {
        // A shorter number cannot beat one found already once even its largest value is smaller.
        if (best !== undefined && BigInt(best) >= 10n ** BigInt(width) - 1n) break;
        const highest = await highestOfWidth(width);
        if (highest !== undefined && (best === undefined || BigInt(highest) > BigInt(best))) best = highest;
      }
      return best;
    },

    /** One customer by number, or undefined when Sage has none. */
    async get(customerNumber: string, select?: readonly (keyof ArCustomer)[]): Promise<ArCustomer | undefined> {
      const number = customerKey(customerNumber);
      return orUndefined(
        transport.get<ArCustomer>(`${CUSTOMERS}${entryKey(number)}`, {
          ...(select ? { params: { $select: select.join(',') } } : {}),
          context: { customerNumber: number },
        }),
      );
    },

    /** Customers whose own or contact e-mail address is `email` (Sage compares case-insensitively). */
    async findByEmail(email: string): Promise<ArCustomer[]> {
      const address = email.trim();
      return collect(
        rows<ArCustomer>(
          transport,
          CUSTOMERS,
          { filter: or(eq('Email', address), eq('ContactsEmail', address)) },
          { email: address },
        ),
      );
    },

    /** Customers in key order, optionally only those changed since a day. */
    list(query: CustomerQuery = {}): AsyncGenerator<ArCustomer> {
      const filter = and(query.filter, query.changedSince ? ge('DateLastMaintained', query.changedSince) : undefined);
      return rows<ArCustomer>(transport, CUSTOMERS, { filter, select: query.select }, {}, query.onCount);
    },

    /** Creates a customer; Sage fills the rest from the customer group. Keys go first: Sage applies fields in order. */
    async create(customer: NewArCustomer): Promise<ArCustomer> {
      const { CustomerNumber, ShortName, GroupCode, ...rest } = customer;
      const number = customerKey(CustomerNumber);
      return transport.post<ArCustomer>(
        CUSTOMERS,
        { CustomerNumber: number, ShortName, GroupCode, ...rest },
        { context: { customerNumber: number } },
      );
    },

    /** Changes the given fields of a customer. */
    async patch(customerNumber: string, fields: ArCustomerPatch): Promise<void> {
      const number = customerKey(customerNumber);
      return transport.patch(`${CUSTOMERS}${entryKey(number)}`, fields, { context: { customerNumber: number } });
    },

    /** The ship-to locations of one customer. */
    async shipToLocations(customerNumber: string): Promise<ArShipToLocation[]> {
      const number = customerKey(customerNumber);
      return collect(
        rows<ArShipToLocation>(
          transport,
          SHIP_TO,
          { filter: eq('CustomerNumber', number) },
          { customerNumber: number },
        ),
      );
    },

    /** One ship-to location, or undefined. */
    async getShipToLocation(customerNumber: string, shipToLocationKey: string): Promise<ArShipToLocation | undefined> {
      const number = customerKey(customerNumber);
      const key = { CustomerNumber: number, ShipToLocationKey: shipToLocationKey.trim().toUpperCase() };
      return orUndefined(transport.get<ArShipToLocation>(`${SHIP_TO}${entryKey(key)}`, { context: key }));
    },

    /** Ship-to locations across customers in key order, filtered; `onCount` is told how many match. */
    listShipToLocations(
      query: { filter?: Filter; select?: readonly (keyof ArShipToLocation)[]; onCount?: (count: number) => void } = {},
    ): AsyncGenerator<ArShipToLocation> {
      return rows<ArShipToLocation>(
        transport,
        SHIP_TO,
        { filter: query.filter, select: query.select },
        {},
        query.onCount,
      );
    },

    /** Ship-to locations changed since a day, across customers. */
    shipToLocationsChangedSince(since: Date): AsyncGenerator<ArShipToLocation> {
      return rows<ArShipToLocation>(transport, SHIP_TO, { filter: ge('DateLastMaintained', since) });
    },

    /** Creates a ship-to location. */
    async createShipToLocation(location: NewArShipToLocation): Promise<ArShipToLocation> {
      const { CustomerNumber, ShipToLocationKey, ...rest } = location;
      const number = customerKey(CustomerNumber);
      return transport.post<ArShipToLocation>(
        SHIP_TO,
        { CustomerNumber: number, ShipToLocationKey, ...rest },
        { context: { customerNumber: number, shipToLocationKey: ShipToLocationKey } },
      );
    },

    /** Changes the given fields of a ship-to location. */
    async patchShipToLocation(
      customerNumber: string,
      shipToLocationKey: string,
      fields: Partial<Omit<NewArShipToLocation, 'CustomerNumber' | 'ShipToLocationKey'>>,
    ): Promise<void> {
      const key = { CustomerNumber: customerKey(customerNumber), ShipToLocationKey: shipToLocationKey };
      return transport.patch(`${SHIP_TO}${entryKey(key)}`, fields, { context: key });
    },
  };
}

export type CustomersApi = ReturnType<typeof customersApi>;
