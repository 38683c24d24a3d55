import { customerKey } from '../domain/customers.js';
import { ConnectorError } from '../domain/errors.js';
import { and, entryKey, eq, ge } from './odata.js';
import { collect, rows } from './paging.js';
import { orUndefined } from './customers.js';
import type { Sage300Transport } from './transport.js';
import type { NewOeOrder, OeOrder } from './types.js';

const ORDERS = 'OE/OEOrders';

/** Order Entry sales orders: create (at most once, with the caller's reference), read, find by reference. */
export function ordersApi(transport: Sage300Transport) {
  return {
    /**
     * Creates an order. Sage takes no idempotency key, so this POST is never retried blindly: a timeout, reset or 5xx
     * raises an in-doubt ConnectorError, and the caller must look the order up by `OrderReference` before retrying.
     */
    async create(order: NewOeOrder): Promise<OeOrder> {
      const reference = order.OrderReference.trim();
      if (reference === '' || reference.length > 60) {
        throw new ConnectorError('permanent', 'OrderReference must be 1 to 60 characters', {
          code: 'InvalidOrderReference',
          system: 'connector',
          context: { orderReference: order.OrderReference },
        });
      }
      const { CustomerNumber, OrderReference: _reference, ...rest } = order;
      const customerNumber = customerKey(CustomerNumber);
      return transport.post<OeOrder>(
        ORDERS,
        { CustomerNumber: customerNumber, OrderReference: reference, ...rest },
        { context: { customerNumber, orderReference: reference } },
      );
    },

    /** One order by its uniquifier, or undefined. */
    async get(orderUniquifier: number): Promise<OeOrder | undefined> {
      return orUndefined(
        transport.get<OeOrder>(`${ORDERS}${entryKey(orderUniquifier)}`, { context: { orderUniquifier } }),
      );
    },

    /** One order by its order number, or undefined. */
    async findByNumber(orderNumber: string): Promise<OeOrder | undefined> {
      const found = await collect(
        rows<OeOrder>(transport, ORDERS, { filter: eq('OrderNumber', orderNumber.trim()) }, { orderNumber }),
      );
      return found[0];
    },

    /** Orders carrying this `OrderReference` (the connector writes the opportunity id there). */
    async findByReference(orderReference: string): Promise<OeOrder[]> {
      const reference = orderReference.trim();
      return collect(
        rows<OeOrder>(transport, ORDERS, { filter: eq('OrderReference', reference) }, { orderReference: reference }),
      );
    },

    /** Orders of a customer and/or dated on or after a day. */
    list(query: { customerNumber?: string; since?: Date } = {}): AsyncGenerator<OeOrder> {
      const filter = and(
        query.customerNumber === undefined ? undefined : eq('CustomerNumber', customerKey(query.customerNumber)),
        query.since ? ge('OrderDate', query.since) : undefined,
      );
      return rows<OeOrder>(transport, ORDERS, { filter });
    },
  };
}

export type OrdersApi = ReturnType<typeof ordersApi>;
