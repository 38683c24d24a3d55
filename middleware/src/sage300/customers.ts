import { ConnectorError, isErrorKind } from '../domain/errors.js';
import { and, entryKey, eq, ge, or } from './odata.js';
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

/**
 * Sage keeps customer numbers upper case. Anything else (length, characters) is Sage's to judge: the value only ever
 * reaches a URL as an escaped literal.
 */
export function normaliseCustomerNumber(customerNumber: string): string {
  const value = customerNumber.trim().toUpperCase();
  if (value === '') {
    throw new ConnectorError('permanent', 'A Sage customer number cannot be blank', {
      code: 'InvalidCustomerNumber',
      system: 'connector',
      context: { customerNumber },
    });
  }
  return value;
}

/** A/R customers and their ship-to locations. */
export function customersApi(transport: Sage300Transport) {
  return {
    /** One customer by number, or undefined when Sage has none. */
    async get(customerNumber: string, select?: readonly (keyof ArCustomer)[]): Promise<ArCustomer | undefined> {
      const number = normaliseCustomerNumber(customerNumber);
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
      const number = normaliseCustomerNumber(CustomerNumber);
      return transport.post<ArCustomer>(
        CUSTOMERS,
        { CustomerNumber: number, ShortName, GroupCode, ...rest },
        { context: { customerNumber: number } },
      );
    },

    /** Changes the given fields of a customer. */
    async patch(customerNumber: string, fields: ArCustomerPatch): Promise<void> {
      const number = normaliseCustomerNumber(customerNumber);
      return transport.patch(`${CUSTOMERS}${entryKey(number)}`, fields, { context: { customerNumber: number } });
    },

    /** The ship-to locations of one customer. */
    async shipToLocations(customerNumber: string): Promise<ArShipToLocation[]> {
      const number = normaliseCustomerNumber(customerNumber);
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
      const number = normaliseCustomerNumber(customerNumber);
      const key = { CustomerNumber: number, ShipToLocationKey: shipToLocationKey.trim().toUpperCase() };
      return orUndefined(transport.get<ArShipToLocation>(`${SHIP_TO}${entryKey(key)}`, { context: key }));
    },

    /** Ship-to locations changed since a day, across customers. */
    shipToLocationsChangedSince(since: Date): AsyncGenerator<ArShipToLocation> {
      return rows<ArShipToLocation>(transport, SHIP_TO, { filter: ge('DateLastMaintained', since) });
    },

    /** Creates a ship-to location. */
    async createShipToLocation(location: NewArShipToLocation): Promise<ArShipToLocation> {
      const { CustomerNumber, ShipToLocationKey, ...rest } = location;
      const number = normaliseCustomerNumber(CustomerNumber);
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
      const key = { CustomerNumber: normaliseCustomerNumber(customerNumber), ShipToLocationKey: shipToLocationKey };
      return transport.patch(`${SHIP_TO}${entryKey(key)}`, fields, { context: key });
    },
  };
}

export type CustomersApi = ReturnType<typeof customersApi>;
