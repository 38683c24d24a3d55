// The flow registry: names, schedules in force, and building flows from the ports they declare.
import { scheduleKey } from '../../middleware/src/domain/flow-names.js';
import { defaultSettings } from '../../middleware/src/domain/settings.js';
import { builtInFlows } from '../../middleware/src/sync/flows/index.js';
import { buildFlows, defineFlow, flowRegistry } from '../../middleware/src/sync/registry.js';
import type { FlowPorts } from '../../middleware/src/sync/systems.js';

const sources = { environment: {}, connector: defaultSettings.schedules };

describe('the flow registry', () => {
  it('lists the built-in flows with their schedules from the environment, the connector settings or the default', () => {
    expect(builtInFlows.names).toEqual([
      'customers',
      'contacts',
      'invoices',
      'products',
      'productStock',
      'productCatalogue',
      'revenueReconciliation',
      'creditAlerts',
      'overdueInvoices',
      'closedWonOrders',
      'accounts',
      'convertedLeads',
    ]);
    expect(builtInFlows.schedules(sources)).toEqual([
      { name: 'customers', schedule: '*/15 * * * *' },
      { name: 'contacts', schedule: '*/15 * * * *' },
      { name: 'invoices', schedule: '*/15 * * * *' },
      { name: 'products', schedule: '0 * * * *' },
      { name: 'productStock', schedule: '*/30 * * * *' },
      { name: 'productCatalogue', schedule: '0 * * * *' },
      { name: 'revenueReconciliation', schedule: '30 2 * * *' },
      { name: 'creditAlerts', schedule: '*/30 * * * *' },
      { name: 'overdueInvoices', schedule: '0 6 * * *' },
      { name: 'closedWonOrders', schedule: '*/5 * * * *' },
      { name: 'accounts', schedule: '*/15 * * * *' },
      { name: 'convertedLeads', schedule: '*/15 * * * *' },
    ]);
    const invoices = builtInFlows.find('invoices');
    if (!invoices) throw new Error('invoices is not registered');
    expect(
      builtInFlows.scheduleOf(invoices, { ...sources, connector: { ...sources.connector, invoices: '0 */2 * * *' } }),
    ).toBe('0 */2 * * *');
    const stock = builtInFlows.find('productStock');
    if (!stock) throw new Error('productStock is not registered');
    // Stock_Sync_Schedule__c, and SYNC_SCHEDULE_PRODUCT_STOCK over it.
    expect(
      builtInFlows.scheduleOf(stock, { ...sources, connector: { ...sources.connector, stock: '*/10 * * * *' } }),
    ).toBe('*/10 * * * *');
    expect(builtInFlows.scheduleOf(stock, { ...sources, environment: { product_stock: '*/5 * * * *' } })).toBe(
      '*/5 * * * *',
    );
    const customers = builtInFlows.find('customers');
    if (!customers) throw new Error('customers is not registered');
    expect(
      builtInFlows.scheduleOf(customers, { ...sources, connector: { ...sources.connector, customers: '0 * * * *' } }),
    ).toBe('0 * * * *');
    expect(builtInFlows.scheduleOf(customers, { ...sources, environment: { customers: '*/5 * * * *' } })).toBe(
      '*/5 * * * *',
    );
  });

  it('gives a flow without a connector setting its default schedule, overridable as SYNC_SCHEDULE_<NAME>', () => {
    const nightly = defineFlow({
      name: 'overdue-tasks',
      defaultSchedule: '0 7 * * *',
      ports: [],
      build: () => ({}) as never,
    });
    const registry = builtInFlows.with(nightly);
    expect(registry.names).toEqual([...builtInFlows.names, 'overdue-tasks']);
    expect(registry.scheduleOf(nightly, sources)).toBe('0 7 * * *');
    expect(registry.scheduleOf(nightly, { ...sources, environment: { overdue_tasks: '0 8 * * *' } })).toBe('0 8 * * *');
    expect(builtInFlows.names).not.toContain('overdue-tasks');
  });

  it("takes a flow's default schedule from its connector setting's default unless the flow names its own", () => {
    // Connector settings that name no schedule for these flows (a record with blank fields over an empty base).
    const blank = { ...sources, connector: {} as typeof sources.connector };
    const hourly = defineFlow({
      name: 'creditDigest',
      scheduleSetting: 'creditAlerts',
      ports: [],
      build: () => ({}) as never,
    });
    const own = defineFlow({
      name: 'creditDigestNightly',
      scheduleSetting: 'creditAlerts',
      defaultSchedule: '0 1 * * *',
      ports: [],
      build: () => ({}) as never,
    });
    const registry = builtInFlows.with(hourly, own);
    expect(registry.scheduleOf(hourly, blank)).toBe(defaultSettings.schedules.creditAlerts);
    expect(registry.scheduleOf(own, blank)).toBe('0 1 * * *');
    // The setting, when given, is in force for both.
    const set = { ...sources, connector: { ...sources.connector, creditAlerts: '*/7 * * * *' } };
    expect([registry.scheduleOf(hourly, set), registry.scheduleOf(own, set)]).toEqual(['*/7 * * * *', '*/7 * * * *']);
    // Every built-in flow's schedule has a default, from its setting or its own.
    for (const name of builtInFlows.names) {
      const definition = builtInFlows.find(name);
      expect([name, definition && builtInFlows.scheduleOf(definition, blank)]).toEqual([name, expect.any(String)]);
    }
  });

  it('repairs drift weekly unless SYNC_REPAIR_SCHEDULE_<NAME> sets another schedule or off', () => {
    const invoices = builtInFlows.find('invoices');
    if (!invoices) throw new Error('invoices is not registered');
    expect(builtInFlows.repairScheduleOf(invoices, sources)).toBe('0 3 * * 0');
    expect(builtInFlows.repairScheduleOf(invoices, { ...sources, repairs: { invoices: '0 2 * * *' } })).toBe(
      '0 2 * * *',
    );
    expect(builtInFlows.repairScheduleOf(invoices, { ...sources, repairs: { invoices: 'off' } })).toBeUndefined();
  });

  it("reads a camelCase flow's schedule from SYNC_SCHEDULE_ with its words split by _", () => {
    const alerts = defineFlow({
      name: 'creditReview',
      defaultSchedule: '0 6 * * *',
      ports: [],
      build: () => ({}) as never,
    });
    const registry = builtInFlows.with(alerts);
    expect(registry.scheduleOf(alerts, { ...sources, environment: { credit_review: '0 9 * * *' } })).toBe('0 9 * * *');
    expect(scheduleKey('revenueReconciliation')).toBe('revenue_reconciliation');
    expect(scheduleKey('overdue-tasks')).toBe('overdue_tasks');
  });

  it('refuses two flows of one name and names that would not fit a URL or a lease', () => {
    const flow = (name: string) =>
      defineFlow({ name, defaultSchedule: '* * * * *', ports: [], build: () => ({}) as never });
    expect(() => builtInFlows.with(flow('customers'))).toThrow('Two flows are named "customers"');
    expect(() => flowRegistry([flow('Invoices')])).toThrow(/Flow name "Invoices" must be a letter, then letters/);
    expect(() => flowRegistry([flow('credit alerts')])).toThrow(/Flow name "credit alerts" must be/);
  });

  it('builds each flow with the ports it declares, and checks the flow keeps its registered name', () => {
    const seen: string[][] = [];
    const ports = { sage300: {}, salesforce: {} } as unknown as FlowPorts;
    const registry = flowRegistry([
      defineFlow({
        name: 'echo',
        defaultSchedule: '* * * * *',
        ports: ['salesforce'],
        build: (given) => {
          seen.push(Object.keys(given));
          return { name: 'echo' } as never;
        },
      }),
    ]);
    const context = {
      mappings: () => ({}) as never,
      settings: () => defaultSettings,
      clock: () => new Date(),
      salesforceLookBackMs: 0,
    };
    expect([...buildFlows(registry, ports, context).keys()]).toEqual(['echo']);
    expect(seen).toEqual([['salesforce']]);
    const misnamed = flowRegistry([
      defineFlow({ name: 'echo', defaultSchedule: '* * * * *', ports: [], build: () => ({ name: 'other' }) as never }),
    ]);
    expect(() => buildFlows(misnamed, ports, context)).toThrow('The flow registered as "echo" calls itself "other"');
  });
});
