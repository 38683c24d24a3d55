import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { errorEnvelope } from './errors.js';

/**
 * Limits each API key to `perMinute` requests in a sliding minute, so one misbehaving org or script cannot starve
 * the others or spend the Sage server's capacity. Runs after authentication: the bucket is the key, not the address.
 */
export function perKeyRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => req.apiKeyId ?? 'anonymous',
    validate: { keyGeneratorIpFallback: false },
    handler: (_req, res, _next, options) => {
      res
        .status(options.statusCode)
        .json(
          errorEnvelope('RATE_LIMITED', `More than ${perMinute} requests in a minute with this API key; slow down`),
        );
    },
  });
}
