import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSalesforce, type GateName } from '../../scripts/check-salesforce.js';

const fixtures = join(process.cwd(), 'test/fixtures/salesforce-gates');
const workspaces: string[] = [];

/** Copies the clean fixture project into a temp folder, with one fault folder laid over it. */
function projectWith(fault?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sf-gates-'));
  workspaces.push(dir);
  cpSync(join(fixtures, 'clean'), dir, { recursive: true });
  if (fault) cpSync(join(fixtures, 'faults', fault), dir, { recursive: true });
  return dir;
}

/** Every gate but the security review, whose Graph Engine needs tens of seconds a run; it has its own test below. */
const FAST_GATES: GateName[] = ['xml', 'metadata', 'meta-files', 'apex-syntax', 'apex-ls', 'pmd'];

async function failingGates(
  dir: string,
  only: GateName[] = FAST_GATES,
): Promise<{ gates: GateName[]; files: string[]; messages: string[] }> {
  const results = await checkSalesforce(dir, { only });
  const failed = results.filter((result) => result.status === 'failed');
  return {
    gates: failed.map((result) => result.gate),
    files: failed.flatMap((r) => r.problems.map((p) => `${p.file}:${p.line}`)),
    messages: failed.flatMap((r) => r.problems.map((p) => p.message)),
  };
}

const layout = 'force-app/main/default/layouts/Thing__c-Thing Layout.layout-meta.xml';

afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

describe('check:salesforce', () => {
  it('passes the clean fixture project through every fast gate', async () => {
    const results = await checkSalesforce(projectWith(), { only: FAST_GATES });
    expect(results.map((result) => [result.gate, result.status])).toEqual([
      ['xml', 'passed'],
      ['metadata', 'passed'],
      ['meta-files', 'passed'],
      ['apex-syntax', 'passed'],
      ['apex-ls', 'passed'],
      ['pmd', 'passed'],
    ]);
  });

  it.each([
    ['xml', 'xml', 'force-app/main/default/objects/Thing__c/Thing__c.object-meta.xml:7'],
    ['meta-files-apex', 'meta-files', 'force-app/main/default/classes/Orphan.cls:1'],
    ['meta-files-lwc', 'meta-files', 'force-app/main/default/lwc/orphan:1'],
    ['apex-syntax', 'apex-syntax', 'force-app/main/default/classes/Broken.cls:5'],
    ['apex-ls', 'apex-ls', 'force-app/main/default/classes/Confused.cls:5'],
    ['pmd', 'pmd', 'force-app/main/default/classes/Injectable.cls:5'],
    ['metadata-unknown-element', 'metadata', `${layout}:13`],
    ['metadata-nested-unknown-element', 'metadata', `${layout}:7`],
    [
      'metadata-enum-value',
      'metadata',
      'force-app/main/default/objects/Account/fields/Thing_Count__c.field-meta.xml:7',
    ],
    [
      'metadata-required-element',
      'metadata',
      'force-app/main/default/permissionsets/Thing_User.permissionset-meta.xml:2',
    ],
  ])('fails only the %s gate for its fault, naming file and line', async (fault, gate, location) => {
    const { gates, files } = await failingGates(projectWith(fault));
    expect(gates).toEqual([gate]);
    expect(files).toEqual([location]);
  });

  it.each([
    [
      'metadata-unknown-element',
      /^unknown element <showSubmitToOwnerCheckbox> in Layout; allowed: .*\bshowSubmitAndAttachButton\b/,
    ],
    [
      'metadata-nested-unknown-element',
      /^unknown element <behaviour> in Layout\.layoutSections\.layoutColumns\.layoutItems \(LayoutItem\); allowed: .*\bbehavior\b/,
    ],
    ['metadata-enum-value', /^bad value "Numeric" in <CustomField\.type>: not a FieldType; allowed: .*\bNumber\b/],
    ['metadata-required-element', /^missing required element <label> \(string\) in PermissionSet$/],
  ])('says what is wrong with the %s fault and what is allowed instead', async (fault, message) => {
    const { messages } = await failingGates(projectWith(fault));
    expect(messages).toEqual([expect.stringMatching(message)]);
  });

  it('reports an element that may appear once but appears twice, and a boolean that is not true or false', async () => {
    const dir = projectWith();
    const object = join(dir, 'force-app/main/default/objects/Thing__c/Thing__c.object-meta.xml');
    writeFileSync(
      object,
      readFileSync(object, 'utf8').replace(
        '<label>Thing</label>',
        '<label>Thing</label>\n    <label>Other</label>\n    <enableHistory>yes</enableHistory>',
      ),
    );
    const { gates, messages } = await failingGates(dir);
    expect(gates).toEqual(['metadata']);
    expect(messages).toEqual([
      'bad value "yes" in <CustomObject.enableHistory>: not a boolean; allowed: true, false',
      '<label> may appear once in CustomObject, found 2',
    ]);
  });

  it('runs the security review: Graph Engine FLS paths and AppExchange rules, with written justifications', async () => {
    const { gates, files, messages } = await failingGates(projectWith('security'), ['security']);
    expect(gates).toEqual(['security']);
    const classFile = 'force-app/main/default/classes/Renamer.cls';
    expect(files).toEqual([
      `${classFile}:4`,
      `${classFile}:4`,
      `${classFile}:6`,
      'force-app/main/default/objects/Thing__c/fields/Secret_Key__c.field-meta.xml:1',
      'scripts/pmd/security-review.json:1',
    ]);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sfge ApexFlsViolation: .*\[READ\].*\[Account\]/),
        expect.stringMatching(/^sfge ApexFlsViolation: .*\[UPDATE\].*\[Account\]/),
        expect.stringMatching(/^sfge MissingNullCheckOnSoqlVariable: /),
        expect.stringMatching(/^pmd ProtectSensitiveData: Secret_Key__c /),
        'the justification of ApexCRUDViolation in force-app/main/default/classes/Gone.cls matches no finding any more; remove it',
      ]),
    );
  }, 180_000);
});
