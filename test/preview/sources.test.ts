/** The preview's build key: a content hash of everything a build is made from, and of nothing else. */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { previewBuildKey, toolchainKey } from '../../preview/build/sources.js';

let copy: string;

beforeEach(() => {
  copy = mkdtempSync(join(tmpdir(), 'connector-preview-sources-'));
  cpSync('force-app/main/default/lwc', join(copy, 'force-app/main/default/lwc'), { recursive: true });
  cpSync('preview', join(copy, 'preview'), { recursive: true });
  cpSync('package-lock.json', join(copy, 'package-lock.json'));
});

afterEach(() => rmSync(copy, { recursive: true, force: true }));

const edit = (file: string, change: (text: string) => string) =>
  writeFileSync(join(copy, file), change(readFileSync(join(copy, file), 'utf8')));

describe('the preview build key', () => {
  it('is the same for the same sources, wherever they are', () => {
    expect(previewBuildKey(copy)).toBe(previewBuildKey('.'));
    expect(previewBuildKey(copy)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("changes with a component's template, and back when the edit is undone", () => {
    const template = 'force-app/main/default/lwc/sageAccountFinancials/sageAccountFinancials.html';
    const before = previewBuildKey(copy);
    const original = readFileSync(join(copy, template), 'utf8');
    edit(template, (text) => text.replace('Open invoices', 'Unpaid invoices'));
    expect(previewBuildKey(copy)).not.toBe(before);
    writeFileSync(join(copy, template), original);
    expect(previewBuildKey(copy)).toBe(before);
  });

  it("changes with a component's script, its stylesheet, a new component and the preview's own code", () => {
    const keys = new Set([previewBuildKey(copy)]);
    appendFileSync(join(copy, 'force-app/main/default/lwc/sagePushOrder/sagePushOrder.js'), '\n');
    keys.add(previewBuildKey(copy));
    appendFileSync(join(copy, 'force-app/main/default/lwc/sageAccountFinancials/sageAccountFinancials.css'), '\n');
    keys.add(previewBuildKey(copy));
    mkdirSync(join(copy, 'force-app/main/default/lwc/sageNew'));
    writeFileSync(join(copy, 'force-app/main/default/lwc/sageNew/sageNew.js'), 'export default class {}\n');
    keys.add(previewBuildKey(copy));
    appendFileSync(join(copy, 'preview/app/preview.css'), '\n');
    keys.add(previewBuildKey(copy));
    expect(keys.size).toBe(5);
  });

  it("ignores the components' Jest tests, which are not part of a build", () => {
    const before = previewBuildKey(copy);
    appendFileSync(
      join(copy, 'force-app/main/default/lwc/sageAccountFinancials/__tests__/sageAccountFinancials.test.js'),
      '\n',
    );
    expect(previewBuildKey(copy)).toBe(before);
  });

  it('changes with the version of a library the build uses; so does the toolchain key, but not with a component', () => {
    const before = { key: previewBuildKey(copy), toolchain: toolchainKey(copy) };
    edit('force-app/main/default/lwc/sageAccountFinancials/sageAccountFinancials.html', (text) => `${text}\n`);
    expect(toolchainKey(copy)).toBe(before.toolchain);
    edit('package-lock.json', (text) =>
      text.replace(/("node_modules\/lightning-base-components": \{\s*"version": ")[^"]+/, '$11.0.0-other'),
    );
    expect(previewBuildKey(copy)).not.toBe(before.key);
    expect(toolchainKey(copy)).not.toBe(before.toolchain);
  });
});
