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
 * The sentences a rep reads about an order's credit, given amounts already formatted. The Push to Sage 300 preview
 * (`SageOrderController.indicativeCreditCheck`) says the same on the figures last synced; a test keeps them alike.
 */
export const creditSentences = {
  overLimit: (orderTotal: string, balance: string, creditLimit: string) =>
    `The order total of ${orderTotal} on a balance of ${balance} exceeds the credit limit of ${creditLimit}.`,
  onHold: () => 'The customer is on hold in Sage 300.',
  withinLimit: (creditLimit: string, projectedBalance: string) =>
    `Within the credit limit of ${creditLimit} (balance after this order ${projectedBalance}).`,
  noLimit: () => 'The customer has no credit limit in Sage 300.',
};

/** What a credit check concludes under a policy when a reason was found: Block refuses, Warn warns, Allow passes. */
export function creditOutcome(policy: CreditPolicy, reasons: readonly CreditReason[]): CreditCheck['outcome'] {
  if (reasons.length === 0) return 'passed';
  if (policy === 'Block') return 'blocked';
  if (policy === 'Warn') return 'warned';
  return 'passed';
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
      creditSentences.overLimit(money(orderTotal, currency), money(balance, currency), money(creditLimit, currency)),
    );
  }
  if (input.onHold) {
    reasons.push('ON_HOLD');
    sentences.push(creditSentences.onHold());
  }
  if (reasons.length === 0) {
    sentences.push(
      creditLimit > 0
        ? creditSentences.withinLimit(money(creditLimit, currency), money(projectedBalance, currency))
        : creditSentences.noLimit(),
    );
  }
  return {
    policy: input.policy,
    outcome: creditOutcome(input.policy, reasons),
    reasons,
    message: sentences.join(' '),
    currency,
    balance,
    creditLimit,
    orderTotal,
    projectedBalance,
    availableCredit: creditLimit > 0 ? cents(creditLimit - balance) : null,
    onHold: input.onHold,
  };
}
