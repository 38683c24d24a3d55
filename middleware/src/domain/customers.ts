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

/** Sage customer numbers: up to 12 characters, upper case letters, digits and a few separators. */
export const customerNumberPattern = /^[A-Z0-9][A-Z0-9._-]{0,11}$/;

/** The customer number in Sage's form (trimmed, upper case), or undefined when it cannot be one. */
export function normaliseCustomerNumber(value: string | null | undefined): string | undefined {
  const candidate = value?.trim().toUpperCase();
  return candidate && customerNumberPattern.test(candidate) ? candidate : undefined;
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
