import { mkdtempSync, mkdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMetadata, MetadataError } from '../../../sandbox/salesforce/metadata.js';
import { fieldOf, type ObjectDef } from '../../../sandbox/salesforce/schema.js';
import { FIXTURE_FORCE_APP } from './harness.js';

describe('reading the package schema from source format', () => {
  const { schema, customMetadata } = loadMetadata(FIXTURE_FORCE_APP);
  const objectNamed = (name: string): ObjectDef => {
    const object = schema.object(name);
    if (!object) throw new Error(`${name} was not loaded`);
    return object;
  };

  test('custom objects get key prefixes, a Name field and their custom fields with types', () => {
    const widget = objectNamed('Widget__c');
    const gadget = objectNamed('gadget__c');

    expect(gadget.keyPrefix).toBe('a00');
    expect(widget.keyPrefix).toBe('a01');
    expect(fieldOf(widget, 'Code__c')).toMatchObject({ type: 'string', length: 20, externalId: true, unique: true });
    expect(fieldOf(widget, 'Size__c')).toMatchObject({ type: 'double', precision: 5, scale: 1 });
    expect(fieldOf(widget, 'Price__c')).toMatchObject({ type: 'currency' });
    expect(fieldOf(widget, 'Notes__c')).toMatchObject({ type: 'textarea', length: 32768 });
    expect(fieldOf(widget, 'Active__c')).toMatchObject({ type: 'boolean', defaultValue: true });
    expect(fieldOf(widget, 'Contact_Email__c')).toMatchObject({ type: 'email' });
    expect(fieldOf(widget, 'Checked_At__c')).toMatchObject({ type: 'datetime' });
    expect(fieldOf(widget, 'OwnerId')).toBeDefined();
    expect(fieldOf(gadget, 'OwnerId')).toBeUndefined();
    expect(fieldOf(gadget, 'Name')).toMatchObject({ readOnly: true, autoNumberFormat: 'G-{0000}' });
  });

  test('picklists know their values, default and whether they are restricted', () => {
    const widget = objectNamed('Widget__c');

    expect(fieldOf(widget, 'Colour__c')).toMatchObject({
      picklistValues: ['Red', 'Green'],
      restrictedPicklist: true,
      defaultValue: 'Red',
    });
    expect(fieldOf(widget, 'Finish__c')).toMatchObject({ restrictedPicklist: false });
  });

  test('lookups and master-detail fields link parent and child relationships', () => {
    const widget = objectNamed('Widget__c');

    expect(fieldOf(widget, 'Account__c')).toMatchObject({
      referenceTo: ['Account'],
      relationshipName: 'Account__r',
      required: true,
      deleteConstraint: 'Restrict',
    });
    expect(schema.object('Account')?.childRelationships.get('widgets__r')).toMatchObject({
      childObject: 'Widget__c',
      field: 'Account__c',
    });
    expect(fieldOf(objectNamed('Gadget__c'), 'Widget__c')).toMatchObject({ masterDetail: true, required: true });
  });

  test('formula fields are read-only and custom fields on standard objects land on them (Activity on Task)', () => {
    expect(fieldOf(objectNamed('Widget__c'), 'Double_Price__c')).toMatchObject({
      readOnly: true,
      formula: 'Price__c * 2',
    });
    expect(fieldOf(objectNamed('Account'), 'Fixture_Number__c')).toMatchObject({ externalId: true });
    expect(fieldOf(objectNamed('Task'), 'Fixture_Key__c')).toMatchObject({ type: 'string', length: 40 });
  });

  test('custom metadata types and their records are read with nil values as null', () => {
    expect(schema.object('Fixture_Setting__mdt')?.customMetadata).toBe(true);
    expect(customMetadata).toEqual([
      {
        type: 'Fixture_Setting__mdt',
        developerName: 'Default',
        label: 'Default settings',
        values: { Threshold__c: '80', Enabled__c: 'true', Mode__c: 'Warn' },
      },
      {
        type: 'Fixture_Setting__mdt',
        developerName: 'Strict',
        label: 'Strict settings',
        values: { Threshold__c: '95.5', Enabled__c: 'false', Mode__c: null },
      },
    ]);
  });

  describe('metadata a deployment would reject', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'sf-metadata-'));
      cpSync(FIXTURE_FORCE_APP, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    test('a custom metadata record setting a field its type does not define', () => {
      writeFileSync(
        join(dir, 'main/default/customMetadata/Fixture_Setting.Broken.md-meta.xml'),
        '<?xml version="1.0"?><CustomMetadata><label>Broken</label><values><field>Nope__c</field><value>1</value></values></CustomMetadata>',
      );

      expect(() => loadMetadata(dir)).toThrow(/sets Nope__c, which Fixture_Setting__mdt does not define/);
    });

    test('a field type the sandbox does not model', () => {
      writeFileSync(
        join(dir, 'main/default/objects/Widget__c/fields/Where__c.field-meta.xml'),
        '<?xml version="1.0"?><CustomField><fullName>Where__c</fullName><type>Location</type></CustomField>',
      );

      expect(() => loadMetadata(dir)).toThrow(MetadataError);
    });

    test('fields on a standard object the sandbox does not model', () => {
      mkdirSync(join(dir, 'main/default/objects/Case/fields'), { recursive: true });
      writeFileSync(
        join(dir, 'main/default/objects/Case/fields/X__c.field-meta.xml'),
        '<?xml version="1.0"?><CustomField><fullName>X__c</fullName><type>Text</type><length>5</length></CustomField>',
      );

      expect(() => loadMetadata(dir)).toThrow(/objects\/Case extends a standard object/);
    });
  });
});
