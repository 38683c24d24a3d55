import type { Sage300Settings } from '../config/env.js';
import { customersApi } from './customers.js';
import { documentsApi } from './documents.js';
import { itemsApi } from './items.js';
import { ordersApi } from './orders.js';
import { collect, countRows, rows } from './paging.js';
import { Sage300Transport } from './transport.js';
import type { TransportOptions } from './transport.js';
import type { ArCustomerGroup, ArTerms } from './types.js';

/** The typed Sage 300 Web API client the middleware uses, grouped by resource family. */
export function createSage300Client(settings: Sage300Settings, options: TransportOptions = {}) {
  const transport = new Sage300Transport(settings, options);
  return {
    transport,
    customers: customersApi(transport),
    documents: documentsApi(transport),
    orders: ordersApi(transport),
    items: itemsApi(transport),
    /** Terms codes (due-date rules). */
    terms: (): Promise<ArTerms[]> => collect(rows<ArTerms>(transport, 'AR/ARTerms')),
    /** Customer groups (defaults for new customers). */
    customerGroups: (): Promise<ArCustomerGroup[]> => collect(rows<ArCustomerGroup>(transport, 'AR/ARCustomerGroups')),
    /** A cheap authenticated read that proves the server, credentials and company work (for readiness checks). */
    ping: async (): Promise<void> => {
      await countRows(transport, 'AR/ARCustomerGroups');
    },
    /** Since when Sage has not answered, while it does not (`sage300/outage.ts`); undefined when it answers. */
    outage: () => transport.outage(),
    /** Releases pooled connections. */
    close: (): void => transport.close(),
  };
}

export type Sage300Client = ReturnType<typeof createSage300Client>;
