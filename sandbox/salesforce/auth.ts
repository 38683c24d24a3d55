import { createPublicKey, createVerify, randomBytes, type KeyObject } from 'node:crypto';

/**
 * The sandbox's OAuth token endpoint: the client-credentials grant (runs as the integration user) and the JWT bearer
 * grant (RS256 assertion signed with the connected app's certificate key; runs as the user named in `sub`).
 * Access tokens are opaque, expire, and can be expired or revoked on demand to exercise refresh logic.
 */
export interface TokenGrant {
  userId: string;
  expiresAt: number;
  revoked: boolean;
}

export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  /** PEM public key (or certificate) that verifies JWT bearer assertions. */
  jwtPublicKey?: string;
  /** Accepted `aud` values for JWT assertions. */
  audiences: string[];
  tokenLifetimeMs: number;
}

/** An OAuth error answer: `{ error, error_description }` with HTTP 400 or 401. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

function base64UrlJson(part: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new OAuthError(400, 'invalid_grant', 'invalid assertion');
  }
}

export class TokenIssuer {
  private readonly tokens = new Map<string, TokenGrant>();
  private readonly publicKey: KeyObject | undefined;

  constructor(
    private readonly settings: OAuthSettings,
    private readonly userIdByUsername: (username: string) => string | undefined,
    private readonly integrationUserId: () => string,
    private readonly now: () => number = Date.now,
  ) {
    this.publicKey = settings.jwtPublicKey ? createPublicKey(settings.jwtPublicKey) : undefined;
  }

  /** Handles a token request body (form fields); answers the user the new token acts as. */
  grant(
    form: Record<string, string | undefined>,
    basicAuth?: { id: string; secret: string },
  ): { accessToken: string; userId: string } {
    const grantType = form.grant_type;
    let userId: string;
    if (grantType === 'client_credentials') {
      const clientId = form.client_id ?? basicAuth?.id;
      const clientSecret = form.client_secret ?? basicAuth?.secret;
      if (clientId !== this.settings.clientId || clientSecret !== this.settings.clientSecret) {
        throw new OAuthError(400, 'invalid_client', 'invalid client credentials');
      }
      userId = this.integrationUserId();
    } else if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      userId = this.verifyAssertion(form.assertion ?? '');
    } else {
      throw new OAuthError(400, 'unsupported_grant_type', 'grant type not supported');
    }
    const accessToken = `00D!${randomBytes(24).toString('base64url')}`;
    this.tokens.set(accessToken, { userId, expiresAt: this.now() + this.settings.tokenLifetimeMs, revoked: false });
    return { accessToken, userId };
  }

  private verifyAssertion(assertion: string): string {
    const parts = assertion.split('.');
    if (parts.length !== 3) throw new OAuthError(400, 'invalid_grant', 'invalid assertion');
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = base64UrlJson(headerPart);
    const claims = base64UrlJson(payloadPart);
    if (header.alg !== 'RS256') throw new OAuthError(400, 'invalid_grant', 'invalid assertion: alg must be RS256');
    if (!this.publicKey) throw new OAuthError(400, 'invalid_grant', 'no certificate is configured for JWT bearer');
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${headerPart}.${payloadPart}`);
    if (!verifier.verify(this.publicKey, Buffer.from(signaturePart, 'base64url'))) {
      throw new OAuthError(400, 'invalid_grant', 'invalid assertion signature');
    }
    if (claims.iss !== this.settings.clientId)
      throw new OAuthError(400, 'invalid_client_id', 'client identifier invalid');
    if (typeof claims.aud !== 'string' || !this.settings.audiences.includes(claims.aud.replace(/\/+$/, ''))) {
      throw new OAuthError(400, 'invalid_grant', 'audience is invalid');
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now()) {
      throw new OAuthError(400, 'invalid_grant', 'expired authorization code');
    }
    const userId = typeof claims.sub === 'string' ? this.userIdByUsername(claims.sub) : undefined;
    if (!userId) throw new OAuthError(400, 'invalid_grant', "user hasn't approved this consumer");
    return userId;
  }

  /** Accepts one more `aud` value (the sandbox's own URL, known once it listens). */
  addAudience(audience: string): void {
    this.settings.audiences.push(audience.replace(/\/+$/, ''));
  }

  /** The user a bearer token acts as, or undefined when it is unknown, expired or revoked. */
  authenticate(token: string | undefined): string | undefined {
    const grant = token ? this.tokens.get(token) : undefined;
    if (!grant || grant.revoked || grant.expiresAt <= this.now()) return undefined;
    return grant.userId;
  }

  /** Revokes one token (the `/services/oauth2/revoke` endpoint). */
  revoke(token: string): void {
    const grant = this.tokens.get(token);
    if (grant) grant.revoked = true;
  }

  /** Expires every token issued so far; clients must fetch new ones. */
  expireAll(): void {
    for (const grant of this.tokens.values()) grant.expiresAt = 0;
  }
}
