import { z } from 'zod';
import { ConnectorError } from './errors.js';
import type { ConnectorSettings } from './settings.js';

/** The Account fields customer provisioning reads, with the e-mail of the account's first contact. */
export interface AccountForCustomer {
  Id: string;
  Name: string;
  Sage_Customer_Number__c?: string | null;
  BillingStreet?: string | null;
  BillingCity?: string | null;
  BillingState?: string | null;
  BillingPostalCode?: string | null;
  BillingCountry?: string | null;
  Phone?: string | null;
  Website?: string | null;
  /** For customer rules by industry. */
  Industry?: string | null;
  contactName?: string | null;
  contactEmail?: string | null;
}

/** The body of `POST AR/ARCustomers` for a new customer (keys first, as Sage applies fields in order). */
export interface SageCustomerBody {
  CustomerNumber: string;
  ShortName: string;
  CustomerName: string;
  GroupCode: string;
  Terms: string;
  TaxGroup: string;
  CustomerPriceList: string;
  CurrencyCode: string;
  AddressLine1?: string;
  AddressLine2?: string;
  AddressLine3?: string;
  AddressLine4?: string;
  City?: string;
  StateProvince?: string;
  ZipPostalCode?: string;
  Country?: string;
  PhoneNumber?: string;
  WebSite?: string;
  Email?: string;
  ContactName?: string;
  ContactsEmail?: string;
}

/** The longest customer number Sage 300 holds. */
export const customerNumberLength = 12;

const customerNumberMessage = `must be a Sage customer number: 1 to ${customerNumberLength} letters, digits, ".", "_" or "-"`;

/**
 * A customer number as a person gives it (an API path, an account's field): 1 to 12 letters, digits, `.`, `_` or `-`,
 * starting with a letter or digit, in either case; parsed into Sage's upper-case form. Anything else is refused before
 * it reaches Sage, so no quote or space can change an OData filter's meaning.
 */
export const customerNumber = z
  .string({ error: customerNumberMessage })
  .max(customerNumberLength, { error: customerNumberMessage, abort: true })
  .regex(new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${customerNumberLength - 1}}$`), customerNumberMessage)
  .transform((value) => value.toUpperCase());

/**
 * Sage's form of a customer number it gave or will be given: without the padding Sage adds to strings, upper case.
 * Its characters are Sage's to judge (its own numbers may predate the connector's rule); only a blank one is refused.
 */
export function customerKey(value: string): string {
  const key = value.trim().toUpperCase();
  if (key === '') {
    throw new ConnectorError('permanent', 'A Sage customer number cannot be blank', {
      code: 'InvalidCustomerNumber',
      system: 'connector',
      context: { customerNumber: value },
    });
  }
  return key;
}

/** The customer number a person typed (stray spaces allowed) in Sage's form, or undefined when it cannot be one. */
export function parseCustomerNumber(value: string | null | undefined): string | undefined {
  const parsed = customerNumber.safeParse(value?.trim());
  return parsed.success ? parsed.data : undefined;
}

function clip(value: string | null | undefined, length: number): string | undefined {
  const result = value?.replace(/\s+/g, ' ').trim().slice(0, length).trim();
  return result ? result : undefined;
}

/** Collapses a name for comparison: case, punctuation and spacing do not make two customers different. */
export function comparableName(name: string | null | undefined): string {
  return (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}

/** Postal codes compare without spaces and case (`sw1a 1aa` is `SW1A1AA`). */
export function comparablePostalCode(code: string | null | undefined): string {
  return (code ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** True when a Sage customer is the account by name and billing postal code. */
export function sameNameAndPostalCode(
  account: Pick<AccountForCustomer, 'Name' | 'BillingPostalCode'>,
  customer: { CustomerName?: string | null; ZipPostalCode?: string | null },
): boolean {
  const postal = comparablePostalCode(account.BillingPostalCode);
  return (
    postal !== '' &&
    comparableName(account.Name) === comparableName(customer.CustomerName) &&
    postal === comparablePostalCode(customer.ZipPostalCode)
  );
}

/** The Sage customer for an account, with the configured defaults for group, terms, tax group and price list. */
export function sageCustomerBody(
  account: AccountForCustomer,
  customerNumber: string,
  settings: Pick<
    ConnectorSettings,
    'defaultCustomerGroup' | 'defaultTerms' | 'defaultTaxGroup' | 'defaultPriceList' | 'defaultCurrency'
  >,
): SageCustomerBody {
  const street = (account.BillingStreet ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const body: SageCustomerBody = {
    CustomerNumber: customerNumber,
    ShortName: clip(account.Name, 10) ?? customerNumber,
    CustomerName: clip(account.Name, 60) ?? customerNumber,
    GroupCode: settings.defaultCustomerGroup,
    Terms: settings.defaultTerms,
    TaxGroup: settings.defaultTaxGroup,
    CustomerPriceList: settings.defaultPriceList,
    CurrencyCode: settings.defaultCurrency,
  };
  const optional: Partial<SageCustomerBody> = {
    AddressLine1: clip(street[0], 60),
    AddressLine2: clip(street[1], 60),
    AddressLine3: clip(street[2], 60),
    AddressLine4: clip(street.slice(3).join(' '), 60),
    City: clip(account.BillingCity, 30),
    StateProvince: clip(account.BillingState, 30),
    ZipPostalCode: clip(account.BillingPostalCode, 20),
    Country: clip(account.BillingCountry, 30),
    PhoneNumber: clip(account.Phone, 30),
    WebSite: clip(account.Website, 100),
    Email: clip(account.contactEmail, 50),
    ContactName: clip(account.contactName, 60),
    ContactsEmail: clip(account.contactEmail, 50),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (body as unknown as Record<string, string>)[key] = value;
  }
  return body;
}

/**
 * Customer numbers to try, in order, for the Sequential strategy: one above the highest all-digit number in use,
 * padded like it. Callers skip numbers that exist and retry on Sage's duplicate answer, so a number is never reused.
 */
export function* sequentialCustomerNumbers(existing: Iterable<string>): Generator<string> {
  let highest = 0n;
  let width = 4;
  for (const number of existing) {
    const trimmed = number.trim();
    if (!/^\d{1,12}$/.test(trimmed)) continue;
    const value = BigInt(trimmed);
    if (value > highest) {
      highest = value;
      width = trimmed.length;
    }
  }
  for (let next = highest + 1n; next.toString().length <= 12; next += 1n) {
    yield next.toString().padStart(width, '0');
  }
}

/**
 * Customer numbers to try, in order, for the Name Based strategy: the name's first letters and digits (up to 8),
 * then that stem with 01, 02, … 9999.
 */
export function* nameBasedCustomerNumbers(name: string): Generator<string> {
  const stem = comparableName(name).replace(/ /g, '').slice(0, 8) || 'CUST';
  yield stem;
  for (let suffix = 1; suffix <= 9999; suffix += 1) yield `${stem}${String(suffix).padStart(2, '0')}`;
}
