// A production start (both systems configured) never loads the embedded sandboxes' code; `npm start` with nothing
// configured does. Each start runs in its own process, so nothing else has loaded the sandboxes before it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from '../sync/child.js';
import { startTestSystems, type TestSystems } from '../sync/systems.js';

/** The sandbox modules a middleware start in a fresh process loaded. */
async function sandboxModulesLoadedBy(env: Record<string, string>): Promise<string[]> {
  const child = startChild('test/e2e/module-watch.ts', [], env);
  const code = await child.exited;
  expect({ code, stderr: child.stderr() }).toEqual({ code: 0, stderr: '' });
  return (JSON.parse(child.stdout().trim()) as { sandboxModules: string[] }).sandboxModules;
}

describe('starting the middleware', () => {
  let systems: TestSystems;
  let folder: string;
  let common: Record<string, string>;

  beforeAll(async () => {
    systems = await startTestSystems();
    folder = mkdtempSync(join(tmpdir(), 'connector-lazy-'));
    common = {
      DATABASE_URL: `sqlite://${join(folder, 'connector.db')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'silent',
    };
  });

  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await systems.close();
  });

  it('with both systems configured loads no sandbox code', async () => {
    const loaded = await sandboxModulesLoadedBy({
      ...common,
      ...systems.env,
      MIDDLEWARE_API_KEYS: 'lazy-sandboxes-test-key-0123456789',
    });
    expect(loaded).toEqual([]);
  }, 60_000);

  it('with nothing configured loads the sandboxes it runs on', async () => {
    const loaded = await sandboxModulesLoadedBy(common);
    expect(loaded).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/sandbox\/sage300\/server\.ts$/),
        expect.stringMatching(/\/sandbox\/salesforce\/server\.ts$/),
      ]),
    );
  }, 60_000);
});
