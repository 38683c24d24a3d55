import { z } from 'zod';
import { customerNumber as sageCustomerNumber } from '../../domain/customers.js';
import { FLOW_NAME, FLOW_NAME_RULE } from '../../domain/flow-names.js';
import { documentedAs } from '../routes.js';

/** Request parts shared by several routes, with messages that say what a valid value looks like. */

export const customerNumber = sageCustomerNumber.describe(
  'The Sage 300 customer number (up to 12 letters, digits, `.`, `_` or `-`)',
);

const itemNumberMessage = 'must be a Sage item number: 1 to 24 letters, digits, spaces, ".", "/", "_" or "-"';
export const itemNumber = z
  .string()
  .max(24, { error: itemNumberMessage, abort: true })
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ./_-]{0,23}$/, itemNumberMessage)
  .transform((value) => value.trim().toUpperCase())
  .describe('The Sage 300 item number as formatted in Sage (`A1-105/0`; encode `/` as `%2F`)');

const salesforceId = (prefix: string, object: string) => {
  const message = `must be a Salesforce ${object} id: 15 or 18 letters and digits starting with ${prefix}`;
  return z
    .string({ error: `must be a string holding a Salesforce ${object} id` })
    .max(18, { error: message, abort: true })
    .regex(new RegExp(`^${prefix}[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$`), message);
};

export const opportunityId = salesforceId('006', 'Opportunity').describe(
  'The Salesforce Opportunity id (15 or 18 characters)',
);
export const accountId = salesforceId('001', 'Account');

/** A positive whole number given as query text, within bounds. */
export const limit = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `must be a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be from 1 to ${max}`).max(max, `must be from 1 to ${max}`))
    .optional()
    .transform((value) => value ?? fallback)
    .register(documentedAs, { type: 'integer', minimum: 1, maximum: max, default: fallback });

/**
 * A sync flow's name: one of `names` when the process says which flows it runs (the document then lists them), else
 * any name of a flow's form (the sync runtime refuses one it does not know with 404 `UNKNOWN_FLOW`).
 */
export function flowName(names: readonly string[] | undefined, what = 'the sync flows') {
  const described = `The name of one of ${what}`;
  if (!names) return z.string().regex(FLOW_NAME, `must be a flow name: ${FLOW_NAME_RULE}`).describe(described);
  return z.enum(names, { error: `must be one of ${what}: ${names.join(', ')}` }).describe(described);
}

export const failureId = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a failure id (a positive whole number)')
  .transform(Number);

/** A JSON object body with exactly the listed fields. */
export function jsonObject<T extends z.ZodRawShape>(shape: T, example: string) {
  return z.strictObject(shape, { error: `the body must be a JSON object such as ${example}` });
}
