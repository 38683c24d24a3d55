// The preview is development tooling: a production start (both systems configured) never loads its code, even when
// asked for it, and neither does an embedded start with PREVIEW_ENABLED=false. Each start runs in a fresh process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from '../sync/child.js';
import { startTestSystems, type TestSystems } from '../sync/systems.js';

async function startIn(env: Record<string, string>): Promise<{ previewModules: string[]; served: boolean }> {
  const child = startChild('test/preview/preview-module-watch.ts', [], env);
  const code = await child.exited;
  expect({ code, stderr: child.stderr() }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(child.stdout().trim()) as { previewModules: string[]; served: boolean };
}

describe('the preview at start-up', () => {
  let systems: TestSystems;
  let folder: string;
  let common: Record<string, string>;

  beforeAll(async () => {
    systems = await startTestSystems();
    folder = mkdtempSync(join(tmpdir(), 'connector-lazy-preview-'));
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

  it('is neither served nor loaded with both systems configured', async () => {
    const start = await startIn({ ...common, ...systems.env, MIDDLEWARE_API_KEYS: 'lazy-preview-test-key-0123456789' });
    expect(start).toEqual({ previewModules: [], served: false });
  }, 60_000);

  it('is neither served nor loaded on the embedded sandboxes with PREVIEW_ENABLED=false', async () => {
    const start = await startIn({ ...common, PREVIEW_ENABLED: 'false' });
    expect(start).toEqual({ previewModules: [], served: false });
  }, 60_000);
});
