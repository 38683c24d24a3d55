/**
 * A component edited in `force-app/` shows in the preview after a restart, with no other step: the build is named by
 * the content hash of the sources, so the restarted preview finds no build for the edited sources and makes one.
 * The edit is made in a copy of the checkout's sources (inside `dist/`, so packages resolve as they do for the
 * checkout), never in the checkout itself.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultCacheDir, previewBuildKey } from '../../preview/build/sources.js';
import { startPreviewServer, type PreviewServer } from '../../preview/server/standalone.js';
import { launchBrowser, startPreviewSystem, visibleText, type PreviewSystem } from './harness.js';

const TEMPLATE = 'force-app/main/default/lwc/sageAccountFinancials/sageAccountFinancials.html';

let system: PreviewSystem;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let edited: PreviewServer | undefined;
let copy: string;

beforeAll(async () => {
  system = await startPreviewSystem();
  browser = await launchBrowser();
  mkdirSync('dist', { recursive: true });
  copy = mkdtempSync(join(resolve('dist'), 'preview-edit-'));
}, 240_000);

afterAll(async () => {
  await edited?.close();
  await browser?.close();
  await system?.close();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

/** A copy of what the preview is built from, with rollup's module cache so the rebuild takes seconds. */
function copyOfSources(into: string): string {
  cpSync('force-app/main/default/lwc', join(into, 'force-app/main/default/lwc'), { recursive: true });
  cpSync('preview', join(into, 'preview'), { recursive: true });
  cpSync('package-lock.json', join(into, 'package-lock.json'));
  const cacheDir = join(into, 'builds');
  mkdirSync(cacheDir, { recursive: true });
  for (const file of readdirSync(defaultCacheDir('.')).filter((name) => name.startsWith('rollup-cache-'))) {
    cpSync(join(defaultCacheDir('.'), file), join(cacheDir, file));
  }
  return cacheDir;
}

it('shows an edited component template after a restart, with no other step', async () => {
  const cacheDir = copyOfSources(copy);
  expect(previewBuildKey(copy)).toBe(previewBuildKey('.'));
  const template = join(copy, TEMPLATE);
  const original = readFileSync(template, 'utf8');
  expect(original).toContain('title="Sage 300 financials"');
  writeFileSync(template, original.replace('title="Sage 300 financials"', 'title="Sage 300 figures, edited"'));
  expect(previewBuildKey(copy)).not.toBe(previewBuildKey('.'));

  // The restart: a preview process on the edited sources, against the same middleware and org.
  edited = await startPreviewServer({
    salesforce: system.middleware.salesforce,
    middleware: { url: system.middleware.url, apiKey: system.middleware.generatedKey ?? '' },
    port: 0,
    host: '127.0.0.1',
    root: copy,
    cacheDir,
  });
  await edited.preview.bundle.ready();

  const account = system.salesforce.findOne('Account', (row) => row.Sage_Customer_Number__c === '1200');
  const page = await browser.context.newPage();
  try {
    await page.goto(`${edited.url}r/Account/${String(account?.Id)}/view`);
    const card = page.locator('c-sage-account-financials lightning-card .slds-card__header-title');
    await card.waitFor();
    expect(await visibleText(card)).toBe('Sage 300 figures, edited');

    await page.goto(`${system.previewUrl}r/Account/${String(account?.Id)}/view`);
    await card.waitFor();
    expect(await visibleText(card)).toBe('Sage 300 financials');
  } finally {
    await page.close();
  }
}, 180_000);
