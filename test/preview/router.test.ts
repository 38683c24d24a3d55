/** `/preview` over HTTP: pages by build state, assets under their build's key, and the Apex endpoint's answers. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../middleware/src/http/app.js';
import { listen, type RunningServer } from '../../middleware/src/http/server.js';
import { createSalesforceClient } from '../../middleware/src/salesforce/client.js';
import { createApexAdapter } from '../../preview/server/apex-adapter.js';
import type { PreviewBuildState } from '../../preview/server/bundle.js';
import { recordReads } from '../../preview/server/records.js';
import { previewRouter } from '../../preview/server/router.js';

let server: RunningServer;
let state: PreviewBuildState;
let build: string;

beforeAll(async () => {
  build = mkdtempSync(join(tmpdir(), 'connector-preview-router-'));
  mkdirSync(join(build, 'assets'));
  writeFileSync(join(build, 'index.html'), '<!doctype html><title>built</title>');
  writeFileSync(join(build, 'assets/main.js'), 'export {};');
  // Nothing here reaches Salesforce or the middleware: the requests below are refused before any call.
  const salesforce = createSalesforceClient({
    loginUrl: 'http://127.0.0.1:9',
    apiVersion: '65.0',
    auth: { kind: 'client_credentials', clientId: 'unused', clientSecret: 'unused' },
  });
  const router = previewRouter({
    bundle: { state: () => state, ready: () => Promise.resolve({ key: 'unused', dir: build }), close: () => undefined },
    apex: createApexAdapter({ salesforce, middleware: { url: 'http://127.0.0.1:9', apiKey: 'unused-key-0123456789' } }),
    records: recordReads(salesforce),
  });
  server = await listen(createApp({ routes: [{ path: '/preview', router }] }), { port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server?.close();
  rmSync(build, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${server.url}${path}`);
const apex = (path: string, body: string, type = 'application/json') =>
  fetch(`${server.url}/preview/apex/${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });

describe('/preview', () => {
  it('answers every page with a page that reloads itself while the build runs', async () => {
    state = { status: 'building', since: new Date() };
    for (const path of ['/preview/', '/preview/r/Account/001000000000001AAA/view', '/preview/n/Sage_Sync_Console']) {
      const answer = await get(path);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('<meta http-equiv="refresh" content="2" />');
    }
  });

  it('shows why the build failed, escaped', async () => {
    state = { status: 'failed', reason: 'preview build: <c-broken> could not be resolved' };
    const answer = await get('/preview/');
    expect(answer.status).toBe(500);
    expect(await answer.text()).toContain('preview build: &#60;c-broken&#62; could not be resolved');
  });

  it('serves the built page, and the assets of the current build only, cached for good', async () => {
    state = { status: 'ready', key: 'abcdef0123456789', dir: build };
    const page = await get('/preview/r/Opportunity/006000000000001AAA/view');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).toContain('<title>built</title>');
    const asset = await get('/preview/assets/abcdef0123456789/main.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await get('/preview/assets/0000000000000000/main.js')).status).toBe(404);
  });

  it("answers an Apex refusal as Lightning Data Service's error body", async () => {
    const answer = await apex('SageAccountController/getFinancials', '{}');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      message: 'Open an account to see its Sage 300 financials.',
      exceptionType: 'System.AuraHandledException',
    });
  });

  it('refuses a method the package does not have, and a body that is not JSON', async () => {
    const unknown = await apex('SageAccountController/deleteEverything', '{}');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toBe(
      'The package has no Apex method SageAccountController.deleteEverything',
    );
    expect((await apex('SageAccountController/getFinancials', 'accountId=1', 'text/plain')).status).toBe(415);
  });

  it('refuses record reads that are not record ids or API names', async () => {
    expect((await get("/preview/data/records/001' OR Id != '?fields=Account.Name")).status).toBe(400);
    expect((await get('/preview/data/records/001000000000001AAA?fields=Account.Name,Contact.Name')).status).toBe(400);
    expect((await get('/preview/data/related/001000000000001AAA/Cases')).status).toBe(400);
  });
});
