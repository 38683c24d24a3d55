import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/server.js';

/** Starts a sandbox on the fixture package and talks to it over HTTP with a client-credentials token. */
export const FIXTURE_FORCE_APP = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'force-app');

export interface Answer {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export interface Harness {
  sandbox: SalesforceSandbox;
  token: string;
  /** A request under /services/data/v65.0 (or an absolute path starting with /services/). */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** Runs SOQL and answers the first page. */
  query(soql: string): Promise<Answer>;
  close(): Promise<void>;
}

async function tokenFor(sandbox: SalesforceSandbox): Promise<string> {
  const response = await fetch(`${sandbox.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** `repositoryPackage` uses the repository's own force-app (and its seed) instead of the fixture package. */
export async function startHarness(options: { repositoryPackage?: boolean } = {}): Promise<Harness> {
  const sandbox = options.repositoryPackage
    ? await startSalesforceSandbox()
    : await startSalesforceSandbox({ forceAppDir: FIXTURE_FORCE_APP, seed: false });
  const token = await tokenFor(sandbox);
  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const url = path.startsWith('/services/')
      ? `${sandbox.instanceUrl}${path}`
      : `${sandbox.instanceUrl}/services/data/v65.0${path}`;
    const isText = typeof body === 'string';
    const response = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': isText ? 'text/csv' : 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: isText ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text) as unknown;
    return { status: response.status, body: parsed, text, headers: response.headers };
  };
  return {
    sandbox,
    token,
    api,
    query: (soql) => api('GET', `/query?q=${encodeURIComponent(soql)}`),
    close: () => sandbox.close(),
  };
}
