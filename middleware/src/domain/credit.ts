import { z } from 'zod';
import { cents } from './aging.js';

/** What the order push does when a customer would exceed its credit limit or is on hold. */
export const creditPolicySchema = z.enum(['Block', 'Warn', 'Allow']);
export type CreditPolicy = z.infer<typeof creditPolicySchema>;

/** Where a customer stands against its credit limit. */
export const creditStandingSchema = z.enum(['no-limit', 'within-limit', 'approaching-limit', 'over-limit']);
export type CreditStanding = z.infer<typeof creditStandingSchema>;

/** Balance as a percentage of the credit limit (one decimal); null when the customer has no limit. */
export function creditUtilisation(balance: number, creditLimit: number): number | null {
  if (creditLimit <= 0) return null;
  return Math.round((balance / creditLimit) * 1000) / 10;
}

/** The standing for a utilisation against the warning threshold (a percentage of the limit). */
export function creditStanding(utilisation: number | null, warningThreshold: number): CreditStanding {
  if (utilisation === null) return 'no-limit';
  if (utilisation > 100) return 'over-limit';
  if (utilisation >= warningThreshold) return 'approaching-limit';
  return 'within-limit';
}

/** Why a credit check did not pass cleanly. */
export const creditReasonSchema = z.enum(['OVER_LIMIT', 'ON_HOLD']);
export type CreditReason = z.infer<typeof creditReasonSchema>;

/** The outcome of checking an order against the customer's credit, as the API reports it. */
export const creditCheckSchema = z.object({
  policy: creditPolicySchema,
  outcome: z.enum(['passed', 'warned', 'blocked']),
  reasons: z.array(creditReasonSchema),
  message: z.string(),
  currency: z.string().nullable(),
  balance: z.number(),
  creditLimit: z.number(),
  orderTotal: z.number(),
  projectedBalance: z.number(),
  availableCredit: z.number().nullable(),
  onHold: z.boolean(),
});
export type CreditCheck = z.infer<typeof creditCheckSchema>;

export interface CreditCheckInput {
  policy: CreditPolicy;
  balance: number;
  creditLimit: number;
  orderTotal: number;
  onHold: boolean;
  currency?: string | null;
}

/** Formats money for messages a rep reads: `5,000.00 USD`. */
export function money(amount: number, currency?: string | null): string {
  const formatted = amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency ? `${formatted} ${currency}` : formatted;
}

/**
 * Checks an order against the customer's live balance, credit limit and hold flag. A limit of zero means Sage does
 * not limit the customer's credit. Block refuses, Warn lets the order through with the reason, Allow only reports.
 */
export function checkCredit(input: CreditCheckInput): CreditCheck {
  const balance = cents(input.balance);
  const creditLimit = cents(input.creditLimit);
  const orderTotal = cents(input.orderTotal);
  const projectedBalance = cents(balance + orderTotal);
  const currency = input.currency ?? null;
  const reasons: CreditReason[] = [];
  const sentences: string[] = [];
  if (creditLimit > 0 && projectedBalance > creditLimit) {
    reasons.push('OVER_LIMIT');
    sentences.push(
      `The order total of ${money(orderTotal, currency)} on a balance of ${money(balance, currency)} ` +
        `exceeds the credit limit of ${money(creditLimit, currency)}.`,
    );
  }
  if (input.onHold) {
    reasons.push('ON_HOLD');
    sentences.push('The customer is on hold in Sage 300.');
  }
  let outcome: CreditCheck['outcome'] = 'passed';
  if (reasons.length > 0 && input.policy === 'Block') outcome = 'blocked';
  else if (reasons.length > 0 && input.policy === 'Warn') outcome = 'warned';
  const message =
    reasons.length === 0
      ? creditLimit > 0
        ? `Within the credit limit of ${money(creditLimit, currency)} (balance after this order ${money(projectedBalance, currency)}).`
        : 'The customer has no credit limit in Sage 300.'
      : sentences.join(' ');
  return {
    policy: input.policy,
    outcome,
    reasons,
    message,
    currency,
    balance,
    creditLimit,
    orderTotal,
    projectedBalance,
    availableCredit: creditLimit > 0 ? cents(creditLimit - balance) : null,
    onHold: input.onHold,
  };
}
