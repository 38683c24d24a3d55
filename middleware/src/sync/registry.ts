/**
 * What the flow registry holds: per flow, its name, where its schedule is set, the systems (ports) it needs, and how
 * it is built from them. `flows/index.ts` lists the built-in flows; the runtime, the scheduler, the CLI and the
 * operations API learn every flow from a registry and name none themselves.
 */
import type { MappingConfiguration } from '../config/mapping.js';
import { FLOW_NAME, FLOW_NAME_RULE, scheduleKey } from '../domain/flow-names.js';
import { defaultSettings, type ConnectorSettings } from '../domain/settings.js';
import type { LinkRepository } from '../store/index.js';
import type { AnySyncFlow } from './flow.js';
import type { FlowPorts } from './systems.js';

/** A system a flow reads or writes, as the flow sees it. */
export type PortName = keyof FlowPorts;

/** What every flow is built with, besides its ports. */
export interface FlowContext {
  /** The field mappings in force (refreshed from Salesforce Custom Metadata while the process runs). */
  mappings: () => MappingConfiguration;
  /** The connector settings in force (price list, currency…), refreshed from Custom Metadata like the mappings. */
  settings: () => ConnectorSettings;
  /** `SYNC_PAGE_SIZE` when set; otherwise each flow keeps its own page size. */
  pageSize?: number;
  /** How far a Salesforce `(SystemModstamp, Id)` cursor reads back at the start of a run. */
  salesforceLookBackMs: number;
  /** The links, for what a flow does to them besides writing records (a Salesforce merge re-points one). */
  links?: Pick<LinkRepository, 'findBySalesforceId' | 'upsertMany' | 'getMany'>;
  /** The store's clock: what flows take as now (tests move it). */
  clock: () => Date;
}

/** A connector setting (`Sage_Connector_Setting__mdt`) that holds a flow's schedule. */
export type ScheduleSetting = keyof ConnectorSettings['schedules'];

/**
 * Where a flow's schedule comes from: its connector setting, whose package default (`defaultSettings.schedules`) is
 * the flow's default unless it names another; or, for a flow no setting schedules, its own default.
 */
export type FlowSchedule =
  | {
      /** The connector setting that holds this flow's schedule. */
      scheduleSetting: ScheduleSetting;
      /** The schedule when neither `SYNC_SCHEDULE_<NAME>` nor the setting gives one (default: the setting's default). */
      defaultSchedule?: string;
    }
  | {
      scheduleSetting?: undefined;
      /** The schedule when `SYNC_SCHEDULE_<NAME>` gives none. */
      defaultSchedule: string;
    };

/** One flow in the registry. */
export type FlowDefinition<Ports extends PortName = PortName> = FlowSchedule & FlowParts<Ports>;

/** What every flow definition holds besides its schedule. */
export interface FlowParts<Ports extends PortName = PortName> {
  /** The flow's name in schedules, the CLI, the API and the store (`customers`): lower case, digits and `-`. */
  name: string;
  /**
   * The drift-repair schedule when `SYNC_REPAIR_SCHEDULE_<NAME>` gives none, for a flow built with `drift`
   * (default `DEFAULT_REPAIR_SCHEDULE`, weekly).
   */
  defaultRepairSchedule?: string;
  /** The systems the flow uses; it is built with these only. */
  ports: readonly Ports[];
  /** Builds the flow. */
  build(ports: Pick<FlowPorts, Ports>, context: FlowContext): AnySyncFlow;
}

/** A flow definition, with its ports checked against what `build` uses. */
export function defineFlow<Ports extends PortName>(definition: FlowDefinition<Ports>): FlowDefinition<Ports> {
  return definition;
}

/** The schedule of a flow when configuration gives none: its own default, else its setting's package default. */
export function defaultScheduleOf(definition: FlowSchedule): string {
  return definition.scheduleSetting === undefined
    ? definition.defaultSchedule
    : (definition.defaultSchedule ?? defaultSettings.schedules[definition.scheduleSetting]);
}

/** Schedules from configuration: the environment's `SYNC_SCHEDULE_<NAME>` and the connector settings. */
export interface ScheduleSources {
  /** By `scheduleKey` of the flow name (`SYNC_SCHEDULE_CREDIT_ALERTS` → `credit_alerts`, for `creditAlerts`). */
  environment: Readonly<Record<string, string>>;
  connector: ConnectorSettings['schedules'];
  /** `SYNC_REPAIR_SCHEDULE_<NAME>`, keyed the same way. */
  repairs?: Readonly<Record<string, string>>;
}

/** Drift repair's schedule when nothing else is set: weekly, Sunday 03:00. */
export const DEFAULT_REPAIR_SCHEDULE = '0 3 * * 0';

/** A flow's name and schedule as the status, the CLI and the scheduler show them. */
export interface ScheduledFlow {
  name: string;
  schedule: string;
}

export interface FlowRegistry {
  /** The flows' names, in registry order. */
  readonly names: readonly string[];
  readonly definitions: readonly FlowDefinition[];
  /** The flow of that name, if there is one. */
  find(name: string): FlowDefinition | undefined;
  /** The schedule in force for a flow: the environment, else its connector setting, else its default. */
  scheduleOf(definition: FlowDefinition, sources: ScheduleSources): string;
  /** The drift-repair schedule in force for a flow: the environment, else its default; undefined when `off`. */
  repairScheduleOf(definition: FlowDefinition, sources: ScheduleSources): string | undefined;
  /** Every flow with its schedule in force. */
  schedules(sources: ScheduleSources): ScheduledFlow[];
  /** This registry with more flows (the extension point for tests and optional flows). */
  with(...definitions: FlowDefinition[]): FlowRegistry;
}

/** A registry of these flows; throws on a malformed or repeated name. */
export function flowRegistry(definitions: readonly FlowDefinition[]): FlowRegistry {
  const byName = new Map<string, FlowDefinition>();
  for (const definition of definitions) {
    if (!FLOW_NAME.test(definition.name)) {
      throw new Error(`Flow name "${definition.name}" must be ${FLOW_NAME_RULE}`);
    }
    if (byName.has(definition.name)) throw new Error(`Two flows are named "${definition.name}"`);
    byName.set(definition.name, definition);
  }
  const scheduleOf = (definition: FlowDefinition, sources: ScheduleSources) =>
    sources.environment[scheduleKey(definition.name)] ??
    (definition.scheduleSetting ? sources.connector[definition.scheduleSetting] : undefined) ??
    defaultScheduleOf(definition);
  const repairScheduleOf = (definition: FlowDefinition, sources: ScheduleSources) => {
    const schedule =
      sources.repairs?.[scheduleKey(definition.name)] ?? definition.defaultRepairSchedule ?? DEFAULT_REPAIR_SCHEDULE;
    return schedule.trim().toLowerCase() === 'off' ? undefined : schedule;
  };
  return {
    names: [...byName.keys()],
    definitions: [...byName.values()],
    find: (name) => byName.get(name),
    scheduleOf,
    repairScheduleOf,
    schedules: (sources) =>
      [...byName.values()].map((definition) => ({ name: definition.name, schedule: scheduleOf(definition, sources) })),
    with: (...more) => flowRegistry([...byName.values(), ...more]),
  };
}

/** Builds every flow of the registry from the connected systems, each with the ports it declares. */
export function buildFlows(registry: FlowRegistry, ports: FlowPorts, context: FlowContext): Map<string, AnySyncFlow> {
  const flows = new Map<string, AnySyncFlow>();
  for (const definition of registry.definitions) {
    // Only the ports it declares, so a flow cannot come to depend on a system it does not name.
    const declared = Object.fromEntries(definition.ports.map((port) => [port, ports[port]])) as Pick<
      FlowPorts,
      PortName
    >;
    const flow = definition.build(declared, context);
    if (flow.name !== definition.name) {
      throw new Error(`The flow registered as "${definition.name}" calls itself "${flow.name}"`);
    }
    flows.set(definition.name, flow);
  }
  return flows;
}
