/**
 * The flow registry: every built-in flow, one line each. The runtime, the scheduler, `sage-sf`, the operations API and
 * the Sync Console learn the flows from here; a new flow is its own file in this folder plus one line below.
 */
import { flowRegistry } from '../registry.js';
import { accounts } from './accounts.js';
import { closedWonOrders } from './closed-won-orders.js';
import { contacts } from './contacts.js';
import { convertedLeads } from './converted-leads.js';
import { creditAlerts } from './credit-alerts.js';
import { customers } from './customers.js';
import { invoices } from './invoices.js';
import { overdueInvoices } from './overdue-invoices.js';
import { productCatalogue } from './product-catalogue.js';
import { products, productStock } from './products.js';
import { revenueReconciliation } from './revenue-reconciliation.js';

export const builtInFlows = flowRegistry([
  customers,
  contacts,
  invoices,
  products,
  productStock,
  productCatalogue,
  revenueReconciliation,
  creditAlerts,
  overdueInvoices,
  closedWonOrders,
  accounts,
  convertedLeads,
]);
