import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exchange } from '../http/api-client.js';

/** Runs the middleware as `npm start` does (without the Node bootstrap), with only the given variables set. */
function startProcess(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'middleware/src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

const configured = {
  SAGE300_URL: 'https://erp.example.com',
  SAGE300_USER: 'WEBAPI',
  SAGE300_PASSWORD: 'secret',
  SF_LOGIN_URL: 'https://example.my.salesforce.com',
  SF_CLIENT_ID: 'client',
  SF_CLIENT_SECRET: 'secret',
};

describe('starting the middleware process', () => {
  it.each([
    [{ PORT: 'abc' }, /^Configuration error: PORT is invalid/],
    [{ SAGE300_URL: 'https://erp.example.com' }, /^Configuration error: SAGE300_USER is not set/],
    [{ CREDIT_POLICY: 'Sometimes' }, /^Configuration error: CREDIT_POLICY must be Block, Warn or Allow/],
    [configured, /^Configuration error: MIDDLEWARE_API_KEYS is not set/],
    [
      { SAGE300_URL: 'https://erp.example.com', SAGE300_USER: 'WEBAPI', SAGE300_PASSWORD: 'secret' },
      /^Configuration error: SF_LOGIN_URL is not set: Sage 300 is configured \(SAGE300_URL\)/,
    ],
  ])('stops with one line naming the variable for %j', async (env, line) => {
    const { code, stderr, stdout } = await finished(startProcess(env));
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(stderr + stdout).not.toMatch(/\n\s+at /);
  });

  it('runs on the embedded sandboxes with a generated key, serves the API, and shuts down on SIGTERM', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'connector-process-'));
    const child = startProcess({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite://${join(folder, 'connector.db')}`,
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      // The preview (and its build) is covered by test/browser.
      PREVIEW_ENABLED: 'false',
    });
    const outcome = finished(child);
    try {
      let output = '';
      const started = await new Promise<{ url: string; key: string }>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const url = /listening on (https?:\/\/\S+)/.exec(output)?.[1];
          const key = /API key \(development only, new each start\): (\S+)/.exec(output)?.[1];
          // The "Try it" lines are the last of the start-up text.
          if (url && key && output.includes('Stop with Ctrl+C')) resolve({ url, key });
        });
        child.on('exit', () => reject(new Error(`exited before listening:\n${output}`)));
      });
      expect(output).toMatch(/Sage 300: {3}embedded sandbox at http:\/\/127\.0\.0\.1:\d+\/Sage300WebApi/);
      expect(output).toMatch(/Salesforce: embedded sandbox at http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toContain(
        `curl -H "Authorization: Bearer ${started.key}" ${started.url}/api/v1/customers/1200/financials`,
      );
      expect(output).toContain('npm run sage-sf -- status');

      const health = await exchange(`${started.url}/healthz`, 'GET', {});
      expect(health.status).toBe(200);
      const figures = await exchange(`${started.url}/api/v1/customers/1200/financials`, 'GET', {
        authorization: `Bearer ${started.key}`,
      });
      expect(figures.status).toBe(200);
      expect(JSON.parse(figures.text)).toMatchObject({ customerNumber: '1200' });

      child.kill('SIGTERM');
      const { code, stdout } = await outcome;
      expect(code).toBe(0);
      expect(stdout).toContain('SIGTERM received');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await outcome;
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
