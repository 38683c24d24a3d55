import { createSign } from 'node:crypto';
import type { Connection } from 'jsforce';
import type { SalesforceAuth } from '../config/env.js';
import { ConnectorError } from '../domain/errors.js';

/**
 * Getting and renewing access tokens: the client-credentials grant or the JWT bearer grant (no refresh tokens in
 * either, so "refresh" means asking for a new token). Renewals are bounded, because a token rejected right after it
 * was issued points at a configuration problem that asking again cannot fix.
 */
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The `aud` claim Salesforce expects for a login URL: production, sandbox, or the URL itself (community, local). */
function jwtAudience(loginUrl: string): string {
  const host = new URL(loginUrl).hostname;
  if (host === 'test.salesforce.com' || host.endsWith('.sandbox.my.salesforce.com'))
    return 'https://test.salesforce.com';
  if (host === 'login.salesforce.com' || host.endsWith('.my.salesforce.com')) return 'https://login.salesforce.com';
  return loginUrl.replace(/\/+$/, '');
}

/** An RS256-signed JWT bearer assertion valid for three minutes. */
function jwtAssertion(
  auth: { clientId: string; username: string; privateKey: string },
  loginUrl: string,
  now = Date.now(),
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256' })}.${encode({
    iss: auth.clientId,
    sub: auth.username,
    aud: jwtAudience(loginUrl),
    exp: Math.floor(now / 1000) + 180,
  })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(auth.privateKey, 'base64url');
  return `${unsigned}.${signature}`;
}

/** The token request parameters for the configured grant. */
function tokenRequest(auth: SalesforceAuth, loginUrl: string): { grant_type: string; [name: string]: string } {
  return auth.kind === 'client_credentials'
    ? { grant_type: 'client_credentials' }
    : { grant_type: JWT_BEARER_GRANT, assertion: jwtAssertion(auth, loginUrl) };
}

interface TokenAnswer {
  access_token: string;
  instance_url: string;
  /** The identity URL, `…/id/<organization Id>/<user Id>`. */
  id?: string;
}

/** The user a token acts as, from its identity URL (`…/id/00D…/005…`); undefined when it names none. */
export function tokenUserId(identityUrl: string | undefined): string | undefined {
  return identityUrl ? /\/id\/[A-Za-z0-9]{15,18}\/([A-Za-z0-9]{15,18})\/?$/.exec(identityUrl)?.[1] : undefined;
}

/** Called with the user every new token acts as (the integration user). */
export type TokenUserListener = (userId: string | undefined) => void;

/** Asks the token endpoint for a new access token and installs it on the connection. */
export async function requestAccessToken(
  connection: Connection,
  auth: SalesforceAuth,
  loginUrl: string,
  onUser?: TokenUserListener,
): Promise<string> {
  let answer: TokenAnswer;
  try {
    answer = (await connection.oauth2.requestToken(tokenRequest(auth, loginUrl))) as unknown as TokenAnswer;
  } catch (error) {
    const failure = error as { name?: string; message?: string };
    const transient = /ERROR_HTTP_5\d\d|ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed/i.test(
      `${failure.name} ${failure.message}`,
    );
    throw new ConnectorError(
      transient ? 'transient' : 'permanent',
      `Salesforce login failed: ${failure.message ?? String(error)}`,
      {
        code: failure.name ?? 'LOGIN_FAILED',
        system: 'salesforce',
        cause: error,
      },
    );
  }
  connection._establish({ instanceUrl: answer.instance_url, accessToken: answer.access_token });
  onUser?.(tokenUserId(answer.id));
  return answer.access_token;
}

/** Counts renewals in a sliding window and refuses once the bound is reached. */
export class RefreshBudget {
  private readonly recent: number[] = [];

  constructor(
    private readonly maxPerWindow: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one renewal; false when the window already holds the maximum. */
  take(): boolean {
    const cutoff = this.now() - this.windowMs;
    while (this.recent.length > 0 && (this.recent[0] ?? 0) <= cutoff) this.recent.shift();
    if (this.recent.length >= this.maxPerWindow) return false;
    this.recent.push(this.now());
    return true;
  }
}
