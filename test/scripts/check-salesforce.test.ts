import { cpSync, mkdtempSync, rmSync } from 'node:fs';
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

async function failingGates(dir: string): Promise<{ gates: GateName[]; files: string[] }> {
  const results = await checkSalesforce(dir);
  const failed = results.filter((result) => result.status === 'failed');
  return {
    gates: failed.map((result) => result.gate),
    files: failed.flatMap((r) => r.problems.map((p) => `${p.file}:${p.line}`)),
  };
}

afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

describe('check:salesforce', () => {
  it('passes the clean fixture project through every gate', async () => {
    const results = await checkSalesforce(projectWith());
    expect(results.map((result) => [result.gate, result.status])).toEqual([
      ['xml', 'passed'],
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
  ])('fails only the %s gate for its fault, naming file and line', async (fault, gate, location) => {
    const { gates, files } = await failingGates(projectWith(fault));
    expect(gates).toEqual([gate]);
    expect(files).toEqual([location]);
  });
});
