/**
 * Customer rules: the group, terms, tax group and price list a new Sage customer gets, chosen by the first rule whose
 * conditions its Salesforce account meets (billing country, industry), else the connector's defaults. An
 * administrator writes them as JSON in `Sage_Connector_Setting__mdt.Customer_Rules__c` (or `CUSTOMER_RULES`):
 *
 * `[{"when": {"country": ["Canada", "CA"]}, "customerGroup": "WHL", "priceList": "WHS", "taxGroup": "USDTAX"},
 *   {"when": {"industry": "Education"}, "terms": "N30"}]`
 *
 * A condition lists the values it accepts (one value or several; compared without case or surrounding spaces); a
 * rule with several conditions needs all of them. A rule sets what it names and leaves the rest to the defaults.
 */
import { z } from 'zod';

const code = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .transform((value) => value.toUpperCase());
const values = z
  .union([z.string().trim().min(1).max(80), z.array(z.string().trim().min(1).max(80)).min(1).max(50)])
  .transform((value) => (Array.isArray(value) ? value : [value]));

const rule = z
  .strictObject({
    when: z
      .strictObject({ country: values.optional(), industry: values.optional() })
      .refine(
        (when) => when.country !== undefined || when.industry !== undefined,
        'must name a country or an industry',
      ),
    customerGroup: code(6).optional(),
    terms: code(6).optional(),
    taxGroup: code(12).optional(),
    priceList: code(6).optional(),
  })
  .refine(
    (value) => [value.customerGroup, value.terms, value.taxGroup, value.priceList].some((v) => v !== undefined),
    'must set a customerGroup, terms, taxGroup or priceList',
  );

/** The rules as an administrator writes them: a JSON array, at most 100 rules. */
export const customerRulesSchema = z.array(rule).max(100);

export type CustomerRule = z.infer<typeof rule>;

/** What a rule or the defaults give a new customer. */
export interface CustomerDefaults {
  defaultCustomerGroup: string;
  defaultTerms: string;
  defaultTaxGroup: string;
  defaultPriceList: string;
}

/** The account facts rules look at. */
export interface RuleFacts {
  country?: string | null;
  industry?: string | null;
}

/**
 * Parses rules from their JSON text; throws an Error whose message names what is wrong (the rule's position and
 * field) so the setting that holds them can be named with it.
 */
export function parseCustomerRules(text: string): CustomerRule[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('must be a JSON array of rules, such as [{"when":{"country":"Canada"},"priceList":"WHS"}]');
  }
  const parsed = customerRulesSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []).map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`));
  throw new Error(`rule${path.join('')} ${issue?.message ?? 'is invalid'}`);
}

const comparable = (value: string | null | undefined) => (value ?? '').trim().toUpperCase();

function accepts(values: readonly string[] | undefined, fact: string | null | undefined): boolean {
  if (values === undefined) return true;
  const seen = comparable(fact);
  return seen !== '' && values.some((value) => comparable(value) === seen);
}

/** The first rule the facts meet, if any. */
export function matchingRule(rules: readonly CustomerRule[], facts: RuleFacts): CustomerRule | undefined {
  return rules.find(
    (candidate) => accepts(candidate.when.country, facts.country) && accepts(candidate.when.industry, facts.industry),
  );
}

/** The defaults for a new customer: the first matching rule's values over the connector's defaults. */
export function customerDefaultsFor<Settings extends CustomerDefaults>(
  settings: Settings,
  rules: readonly CustomerRule[],
  facts: RuleFacts,
): Settings {
  const found = matchingRule(rules, facts);
  if (!found) return settings;
  return {
    ...settings,
    defaultCustomerGroup: found.customerGroup ?? settings.defaultCustomerGroup,
    defaultTerms: found.terms ?? settings.defaultTerms,
    defaultTaxGroup: found.taxGroup ?? settings.defaultTaxGroup,
    defaultPriceList: found.priceList ?? settings.defaultPriceList,
  };
}
