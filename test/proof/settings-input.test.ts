/**
 * Hostile configuration, property-based: generated mapping files, and values an admin can store in the package's Custom
 * Metadata (`Sage_Connector_Setting__mdt`, `Sage_Field_Mapping__mdt`, written into the Salesforce sandbox, which
 * refuses what a real org refuses). A bad value is named when it is read (the file at load, a Custom Metadata record
 * at refresh, by field or record), and the settings and mappings in force stay the last good ones.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../middleware/src/config/env.js';
import {
  defaultFieldMappings,
  loadMappingConfiguration,
  MappingError,
  type MappingConfiguration,
} from '../../middleware/src/config/mapping.js';
import { mappingObjects, transforms } from '../../middleware/src/domain/mapping.js';
import { settingFields, type ConnectorSettings } from '../../middleware/src/domain/settings.js';
import { createSalesforceClient, type SalesforceClient } from '../../middleware/src/salesforce/index.js';
import { createCustomMetadata, type CustomMetadata } from '../../middleware/src/services/settings.js';
import { parseSchedule } from '../../middleware/src/sync/scheduler.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { proofSeed, proofSize, report, proofTimeout } from './report.js';

const seed = proofSeed(17_3);
const runs = proofSize('PROOF_SETTINGS_RUNS', 300);

const anyText = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.constantFrom('', ' ', 'Account', 'Sage', 'trim', "'; DROP", '*/15 * * * *', '61 * * * *', '1,31,61,91', '91,61'),
);
const anyValue = fc.oneof(
  anyText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

describe('a hostile mapping file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'proof-mapping-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** An entry like a real one, with some of its values replaced by anything. */
  const entry = fc
    .tuple(
      fc.constantFrom(...defaultFieldMappings),
      fc.dictionary(
        fc.constantFrom(
          'object',
          'salesforceField',
          'sageField',
          'master',
          'toSalesforce',
          'toSage',
          'transform',
          'active',
          'extra',
        ),
        fc.oneof(anyValue, fc.constantFrom(...mappingObjects, ...transforms, 'Sage', 'Salesforce', true, false)),
        { maxKeys: 2 },
      ),
      fc.boolean(),
    )
    .map(([base, changes, keepOrigin]) => {
      const { origin: _origin, ...fields } = base;
      return { ...fields, ...(keepOrigin ? {} : changes) };
    });
  const fileText = fc.oneof(
    { arbitrary: fc.array(entry, { maxLength: 5 }).map((entries) => JSON.stringify(entries)), weight: 5 },
    { arbitrary: fc.array(entry, { maxLength: 3 }).map((mappings) => JSON.stringify({ mappings })), weight: 2 },
    { arbitrary: fc.json({ maxDepth: 3 }), weight: 2 },
    { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
  );

  it('either puts every entry in force or names the file, and the entry, that is wrong', () => {
    let loaded = 0;
    let refused = 0;
    const path = join(folder, 'mapping.json');
    fc.assert(
      fc.property(fileText, (text) => {
        writeFileSync(path, text);
        let mappings: MappingConfiguration;
        try {
          mappings = loadMappingConfiguration(path).mappings;
        } catch (error) {
          refused++;
          if (!(error instanceof MappingError)) throw new Error(`not a MappingError: ${String(error)}`);
          if (!error.message.includes(`MAPPING_FILE ${path}`))
            throw new Error(`does not name the file: ${error.message}`);
          return;
        }
        loaded++;
        const entries = JSON.parse(text) as unknown;
        const list = (Array.isArray(entries) ? entries : (entries as { mappings: unknown[] }).mappings) as {
          object: string;
          salesforceField: string;
          sageField: string;
          active?: boolean;
        }[];
        for (const written of list) {
          const inForce = mappings[written.object as keyof MappingConfiguration].find(
            (mapping) => mapping.salesforceField === written.salesforceField,
          );
          if ((written.active ?? true) !== (inForce !== undefined))
            throw new Error(`entry not applied: ${JSON.stringify(written)}`);
          if (inForce && inForce.sageField !== written.sageField)
            throw new Error(`entry not applied: ${JSON.stringify(written)}`);
        }
      }),
      { numRuns: runs, seed },
    );
    report('hostile input (mapping file)', [
      `seed ${seed}; ${runs} files: ${loaded} loaded, ${refused} refused with a MappingError naming the file`,
    ]);
    expect(loaded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

describe('hostile values in the Custom Metadata', () => {
  let sandbox: SalesforceSandbox;
  let salesforce: SalesforceClient;
  let metadata: CustomMetadata;
  const logged: string[] = [];

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ port: 0 });
    const config: Config = loadConfig({
      SF_LOGIN_URL: sandbox.loginUrl,
      SF_CLIENT_ID: sandbox.clientId,
      SF_CLIENT_SECRET: sandbox.clientSecret,
      SF_API_VERSION: sandbox.apiVersion,
      // Sage is not used here; a URL nothing listens on satisfies the rule that both systems are configured.
      SAGE300_URL: 'http://127.0.0.1:9/Sage300WebApi/v1.0/-',
      SAGE300_USER: 'WEBAPI',
      SAGE300_PASSWORD: 'WEBAPI',
    });
    salesforce = createSalesforceClient(config.salesforce as NonNullable<Config['salesforce']>);
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(String((JSON.parse(chunk.toString()) as { msg: unknown; err?: { message?: unknown } }).msg));
        done();
      },
    });
    metadata = createCustomMetadata({
      query: (soql) => salesforce.queryAll(soql),
      fallback: config.settings,
      refreshMs: 0,
      logger: pino({ level: 'warn' }, logs),
    });
    await metadata.load();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  /** Settings a scheduler and the services can use: what the settings in force must always be. */
  function usable(settings: ConnectorSettings): string | undefined {
    for (const [flow, cron] of Object.entries(settings.schedules)) {
      try {
        parseSchedule(cron, flow);
      } catch (error) {
        return (error as Error).message;
      }
    }
    if (!(settings.creditWarningThreshold >= 0 && settings.creditWarningThreshold <= 999)) return 'threshold';
    if (
      !settings.overdueBuckets.every(
        (day, index, days) => Number.isInteger(day) && (index === 0 || day > (days[index - 1] ?? 0)),
      )
    ) {
      return 'overdue buckets';
    }
    for (const text of [
      settings.defaultTerms,
      settings.defaultCustomerGroup,
      settings.defaultPriceList,
      settings.defaultCurrency,
    ]) {
      if (text.trim() === '') return 'a blank default';
    }
    return undefined;
  }

  const settingChange = fc.record({
    kind: fc.constant('setting' as const),
    field: fc.constantFrom(...settingFields),
    value: fc.oneof(
      anyValue,
      fc.integer({ min: -2_000, max: 2_000 }),
      fc.constantFrom('Block', 'Allow', 'Email', 'None'),
    ),
  });
  const mappingChange = fc.record({
    kind: fc.constant('mapping' as const),
    index: fc.nat(),
    field: fc.constantFrom(
      'Object__c',
      'Salesforce_Field__c',
      'Sage_Field__c',
      'Master__c',
      'To_Salesforce__c',
      'To_Sage__c',
      'Transform__c',
      'Active__c',
    ),
    value: fc.oneof(
      anyValue,
      fc.constantFrom(...mappingObjects, ...transforms, 'Sage', 'Salesforce', 'Name', 'CustomerNumber'),
    ),
  });

  it(
    'names the bad field or record when it reads it, and keeps the last good settings and mappings',
    async () => {
      const settingsRecord = sandbox.records('Sage_Connector_Setting__mdt')[0] as Record<string, unknown>;
      const mappingRecords = sandbox.records('Sage_Field_Mapping__mdt') as Record<string, unknown>[];
      const good = { settings: metadata.settingsNow(), mappings: metadata.mappings() };
      expect(metadata.source()).toBe('salesforce');
      let orgRefused = 0;
      let applied = 0;
      let kept = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof(settingChange, mappingChange), async (change) => {
          const record =
            change.kind === 'setting'
              ? settingsRecord
              : (mappingRecords[change.index % mappingRecords.length] as Record<string, unknown>);
          const type = change.kind === 'setting' ? 'Sage_Connector_Setting__mdt' : 'Sage_Field_Mapping__mdt';
          try {
            sandbox.update(type, String(record.Id), { [change.field]: change.value });
          } catch {
            orgRefused++; // a value of the wrong type for the field: a real org refuses it too
            return;
          }
          try {
            logged.length = 0;
            await metadata.refresh();
            const settings = metadata.settingsNow();
            const problem = usable(settings);
            if (problem)
              throw new Error(`settings in force are not usable (${problem}) after ${JSON.stringify(change)}`);
            const settingsKept = JSON.stringify(settings) === JSON.stringify(good.settings);
            const mappingsKept = JSON.stringify(metadata.mappings()) === JSON.stringify(good.mappings);
            const named = logged.find((line) =>
              change.kind === 'setting'
                ? line.includes(change.field)
                : line.includes('Sage_Field_Mapping__mdt') || line.includes('mappings'),
            );
            if (change.kind === 'setting' && settingsKept && named) kept++;
            else if (change.kind === 'mapping' && mappingsKept && named) kept++;
            else applied++;
            // Refused values are named, and nothing else changed.
            if (logged.length > 0 && !named)
              throw new Error(`the log does not name ${change.field}: ${logged.join(' | ')}`);
            if (logged.length > 0 && !(settingsKept && mappingsKept)) {
              throw new Error(`a refused ${JSON.stringify(change)} still changed what is in force`);
            }
          } finally {
            sandbox.update(type, String(record.Id), { [change.field]: record[change.field] });
            await metadata.refresh();
          }
          expect(metadata.settingsNow()).toEqual(good.settings);
          expect(metadata.mappings()).toEqual(good.mappings);
        }),
        { numRuns: runs, seed },
      );
      report('hostile input (Custom Metadata settings and mappings)', [
        `seed ${seed}; ${runs} changes: ${orgRefused} refused by the org (wrong type), ${applied} valid and applied, ` +
          `${kept} invalid: named in the log and the last good settings kept`,
      ]);
      expect(kept).toBeGreaterThan(0);
      expect(applied).toBeGreaterThan(0);
    },
    proofTimeout(120_000),
  );
});
