// The embedded sandboxes stand in for "nothing configured" only: a real Sage 300 never meets the fake Salesforce
// (or the other way round) unless the operator asks for it by a loudly named option.
import { startSage300Sandbox, type Sage300Sandbox } from '../../sandbox/sage300/server.js';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/server.js';
import { ConfigError } from '../../middleware/src/config/env.js';
import { startMiddleware } from '../../middleware/src/main.js';
import { testKey } from './harness.js';

let sage: Sage300Sandbox;
let salesforce: SalesforceSandbox;
let sageOnly: NodeJS.ProcessEnv;
let salesforceOnly: NodeJS.ProcessEnv;

const common: NodeJS.ProcessEnv = {
  MIDDLEWARE_API_KEYS: testKey,
  DATABASE_URL: 'sqlite::memory:',
  PORT: '0',
  HOST: '127.0.0.1',
  SCHEDULER_ENABLED: 'false',
  LOG_LEVEL: 'silent',
};

beforeAll(async () => {
  [sage, salesforce] = await Promise.all([startSage300Sandbox({ port: 0 }), startSalesforceSandbox({ port: 0 })]);
  sageOnly = { SAGE300_URL: sage.apiRoot, SAGE300_USER: sage.user, SAGE300_PASSWORD: sage.password };
  salesforceOnly = {
    SF_LOGIN_URL: salesforce.loginUrl,
    SF_CLIENT_ID: salesforce.clientId,
    SF_CLIENT_SECRET: salesforce.clientSecret,
  };
});

afterAll(async () => {
  await Promise.all([sage.close(), salesforce.close()]);
});

beforeEach(() => sage.resetCounts());

async function startFailure(env: NodeJS.ProcessEnv): Promise<Error> {
  try {
    const running = await startMiddleware({ env: { ...common, ...env } });
    await running.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the middleware started');
}

describe('a configuration that names only one system', () => {
  it('stops before touching Sage 300 when Salesforce is not configured, naming what is missing', async () => {
    const error = await startFailure(sageOnly);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /^SF_LOGIN_URL is not set: Sage 300 is configured \(SAGE300_URL\), so Salesforce must be too \(SF_LOGIN_URL, SF_CLIENT_ID, SF_CLIENT_SECRET\)/,
    );
    expect(error.message).not.toContain('\n');
    expect(sage.counts()).toEqual({});
  });

  it('stops when Salesforce is configured and Sage 300 is not', async () => {
    const error = await startFailure(salesforceOnly);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^SAGE300_URL is not set: Salesforce is configured \(SF_LOGIN_URL\)/);
  });

  it('counts Sage credentials without a URL as a half-done Sage configuration', async () => {
    const error = await startFailure({ SAGE300_USER: 'WEBAPI', SAGE300_PASSWORD: 'secret' });
    expect(error.message).toBe('SAGE300_URL is not set: SAGE300_USER and SAGE300_PASSWORD are set');
  });

  it('mixes a real system with a sandbox only when told to, and says so loudly', async () => {
    const lines: string[] = [];
    const running = await startMiddleware({
      env: { ...common, ...sageOnly, UNSAFE_MIX_REAL_AND_SANDBOX: 'true' },
      announce: (line) => lines.push(line),
    });
    try {
      expect(running.embedded?.salesforce).toBeDefined();
      expect(running.embedded?.sage300).toBeUndefined();
      expect(lines.join('\n')).toMatch(
        /WARNING: UNSAFE_MIX_REAL_AND_SANDBOX: the real Sage 300 runs against the embedded Salesforce sandbox/,
      );
    } finally {
      await running.close();
    }
  });

  it('still runs on both sandboxes when nothing is configured', async () => {
    const running = await startMiddleware({ env: { ...common } });
    try {
      expect(running.embedded?.sage300).toBeDefined();
      expect(running.embedded?.salesforce).toBeDefined();
    } finally {
      await running.close();
    }
  });
});
