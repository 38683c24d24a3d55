import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { errorEnvelope } from './errors.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** A short, non-reversible name for an API key, safe for logs and rate-limit buckets. */
export function keyFingerprint(key: string): string {
  return digest(key).toString('hex').slice(0, 12);
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Fingerprint of the API key the caller presented, once authenticated. */
    apiKeyId?: string;
  }
}

/**
 * Bearer authentication against several keys (so a key can be rotated without downtime). Keys are compared as
 * SHA-256 digests with `timingSafeEqual`, and every key is compared, so timing reveals neither key nor position.
 */
export function bearerAuth(keys: readonly string[]): RequestHandler {
  if (keys.length === 0) throw new Error('bearerAuth needs at least one API key');
  const known = keys.map((key) => ({ digest: digest(key), id: keyFingerprint(key) }));
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
    if (!match?.[1]) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="sage300-connector"');
      res.status(401).json(errorEnvelope('UNAUTHENTICATED', 'Send the API key as "Authorization: Bearer <key>"'));
      return;
    }
    const offered = digest(match[1]);
    let matched: string | undefined;
    for (const key of known) {
      if (timingSafeEqual(offered, key.digest) && matched === undefined) matched = key.id;
    }
    if (matched === undefined) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="sage300-connector", error="invalid_token"');
      res.status(401).json(errorEnvelope('UNAUTHENTICATED', 'The API key is not valid'));
      return;
    }
    req.apiKeyId = matched;
    next();
  };
}
