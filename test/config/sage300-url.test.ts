import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, sage300ApiRoot } from '../../middleware/src/config/env.js';
import { startMiddleware } from '../../middleware/src/main.js';
import { startSage300Sandbox } from '../../sandbox/sage300/server.js';
import { startSalesforceSandbox } from '../../sandbox/salesforce/server.js';

const root = 'https://erp.example.com/Sage300WebApi/v1.0/-';

describe('SAGE300_URL', () => {
  it.each([
    'https://erp.example.com',
    'https://erp.example.com/',
    'https://erp.example.com/Sage300WebApi',
    'https://erp.example.com/Sage300WebApi/',
    'https://erp.example.com/sage300webapi',
    'https://erp.example.com/Sage300WebApi/v1.0',
    'https://erp.example.com/Sage300WebApi/v1.0/-',
    'https://erp.example.com/Sage300WebApi/v1.0/-/',
  ])('reads %s as the Web API root', (value) => {
    expect(sage300ApiRoot(value)).toBe(root);
  });

  it('keeps a port and a virtual directory in front of the Web API', () => {
    expect(sage300ApiRoot('http://10.0.0.5:8080/erp/Sage300WebApi')).toBe(
      'http://10.0.0.5:8080/erp/Sage300WebApi/v1.0/-',
    );
    expect(sage300ApiRoot('http://10.0.0.5:8080/erp')).toBe('http://10.0.0.5:8080/erp/Sage300WebApi/v1.0/-');
  });

  it('refuses a URL that goes past the Web API root, naming the variable', () => {
    expect(() => sage300ApiRoot('https://erp.example.com/Sage300WebApi/v1.0/-/SAMINC/AR/ARCustomers')).toThrow(
      ConfigError,
    );
    expect(() => sage300ApiRoot('https://erp.example.com/Sage300WebApi/v1.0/-/SAMINC')).toThrow(
      /^SAGE300_URL must end/,
    );
  });

  it('is what the configuration uses', () => {
    const config = loadConfig({
      SAGE300_URL: 'https://erp.example.com/Sage300WebApi',
      SAGE300_USER: 'WEBAPI',
      SAGE300_PASSWORD: 'secret',
      SF_LOGIN_URL: 'https://example.my.salesforce.com',
      SF_CLIENT_ID: 'client',
      SF_CLIENT_SECRET: 'secret',
      MIDDLEWARE_API_KEYS: 'a-long-enough-key-0123456789',
    });
    expect(config.sage300?.baseUrl).toBe(root);
  });
});

it('reaches Sage 300 when SAGE300_URL stops at /Sage300WebApi', async () => {
  const sage = await startSage300Sandbox({ port: 0, host: '127.0.0.1' });
  const salesforce = await startSalesforceSandbox({ port: 0, host: '127.0.0.1' });
  const folder = mkdtempSync(join(tmpdir(), 'connector-sage-url-'));
  const key = 'a-long-enough-key-0123456789';
  const middleware = await startMiddleware({
    env: {
      SAGE300_URL: sage.apiRoot.replace(/\/v1\.0\/-$/, ''),
      SAGE300_COMPANY: sage.company,
      SAGE300_USER: sage.user,
      SAGE300_PASSWORD: sage.password,
      SF_LOGIN_URL: salesforce.loginUrl,
      SF_CLIENT_ID: salesforce.clientId,
      SF_CLIENT_SECRET: salesforce.clientSecret,
      MIDDLEWARE_API_KEYS: key,
      DATABASE_URL: `sqlite://${join(folder, 'connector.db')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'silent',
    },
  });
  try {
    const answer = await fetch(`${middleware.url}/api/v1/customers/1200/financials`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(answer.status).toBe(200);
  } finally {
    await middleware.close();
    await sage.close();
    await salesforce.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
