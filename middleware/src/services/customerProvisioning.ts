import { z } from 'zod';
import {
  nameBasedCustomerNumbers,
  parseCustomerNumber,
  sageCustomerBody,
  sameNameAndPostalCode,
  sequentialCustomerNumbers,
  type AccountForCustomer,
} from '../domain/customers.js';
import { customerDefaultsFor } from '../domain/customer-rules.js';
import { isErrorKind } from '../domain/errors.js';
import type { ConnectorSettings } from '../domain/settings.js';
import type { CustomersApi } from '../sage300/customers.js';
import { eq } from '../sage300/odata.js';
import type { ArCustomer } from '../sage300/types.js';
import type { CustomerClaimRepository } from '../store/customer-claims.js';
import { CoalescingCache } from './coalescing-cache.js';
import { ServiceError } from './errors.js';
import { financialsCustomerFields } from './financials.js';

/** The Salesforce side of provisioning: read an account, write the customer number back. */
export interface AccountRecords {
  readAccount(accountId: string): Promise<AccountForCustomer | undefined>;
  /** Writes `Sage_Customer_Number__c`; throws ServiceError `CUSTOMER_ALREADY_LINKED` when another account has it. */
  linkAccount(accountId: string, customerNumber: string): Promise<void>;
}

/** Which Sage customer an account was given, and how it was found. */
export const provisioningResultSchema = z.object({
  accountId: z.string(),
  customerNumber: z.string(),
  outcome: z
    .enum(['linked', 'matched', 'created'])
    .describe('linked: the account already named it; matched: an existing Sage customer; created: a new one'),
  matchedBy: z.enum(['Name And Postal Code', 'Email']).optional(),
});
export type ProvisioningResult = z.infer<typeof provisioningResultSchema>;

/** The customer an account orders for, with the Sage record when this call read it. */
export interface EnsuredCustomer extends ProvisioningResult {
  /**
   * The customer as Sage had it a moment ago, read with `financialsCustomerFields` to confirm the account's own
   * customer number (linked accounts only), so the order push's credit check need not read it again.
   */
  customer?: ArCustomer;
}

export interface ProvisionOptions {
  /**
   * The Sage customer the account is to be linked to (a converted lead that names one): checked to exist and written
   * to an account without a number, instead of matching or creating.
   */
  customerNumber?: string;
}

export interface CustomerProvisioning {
  /** Creates or matches the Sage customer of an account by id and links the account to it. */
  provision(accountId: string, options?: ProvisionOptions): Promise<ProvisioningResult>;
  /** The same for an account already read (the order push reads it with the opportunity). */
  ensureCustomer(account: AccountForCustomer): Promise<EnsuredCustomer>;
}

export interface CustomerProvisioningOptions {
  sage: { customers: Pick<CustomersApi, 'get' | 'list' | 'findByEmail' | 'create' | 'highestNumericNumber'> };
  salesforce: AccountRecords;
  settings: () => Promise<ConnectorSettings>;
  /** Candidate numbers tried before giving up (numbers taken in the meantime are skipped). */
  maxCandidates?: number;
  /**
   * The customer claims shared by every replica: with them, one account is provisioned by one caller at a time
   * across processes, so the button, the flows and the order push racing on one account create one customer.
   */
  claims?: CustomerClaimRepository;
  /** This process's name in claims (unique per replica); required with `claims`. */
  owner?: string;
  /** How long a claim holds without renewal (default 10 s); the holder renews it every third of that. */
  claimMs?: number;
  /** How often a caller waiting on another holder's claim looks again (default 100 ms). */
  pollMs?: number;
}

/**
 * Create-or-match of Sage customers from Salesforce accounts: the account's own `Sage_Customer_Number__c` first, then
 * the configured match (name and postal code, or e-mail), else a new customer numbered by the configured strategy.
 * Provisioning runs one at a time in this process, one account's concurrent requests share one result, and with
 * `claims` one account is provisioned by one process at a time: a caller that finds it claimed waits for the holder,
 * then finds the account linked. New customers take their group, terms, tax group and price list from the first
 * customer rule the account meets (`Customer_Rules__c`), else from the defaults.
 */
export function createCustomerProvisioning(options: CustomerProvisioningOptions): CustomerProvisioning {
  const { customers } = options.sage;
  const maxCandidates = options.maxCandidates ?? 50;
  const claimMs = options.claimMs ?? 10_000;
  const pollMs = options.pollMs ?? 100;
  const { claims } = options;
  const owner = options.owner ?? 'customer-provisioning';
  // Requests for one account while its provisioning is under way share that work (nothing is kept afterwards).
  const inFlight = new CoalescingCache<EnsuredCustomer>({ ttlMs: 0 });
  let queue: Promise<unknown> = Promise.resolve();

  /** Serialises work, so two accounts created at once cannot be given the same new number by this process. */
  function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  }

  async function findMatch(
    account: AccountForCustomer,
    settings: ConnectorSettings,
  ): Promise<{ customer: ArCustomer; by: 'Name And Postal Code' | 'Email' } | undefined> {
    let candidates: ArCustomer[] = [];
    let by: 'Name And Postal Code' | 'Email';
    if (settings.customerMatch === 'Name And Postal Code') {
      const postal = account.BillingPostalCode?.trim();
      if (!postal) return undefined;
      by = 'Name And Postal Code';
      const inPostalCode: ArCustomer[] = [];
      for await (const customer of customers.list({
        filter: eq('ZipPostalCode', postal),
        select: ['CustomerNumber', 'CustomerName', 'ZipPostalCode'],
      })) {
        inPostalCode.push(customer);
      }
      candidates = inPostalCode.filter((customer) => sameNameAndPostalCode(account, customer));
    } else if (settings.customerMatch === 'Email') {
      const email = account.contactEmail?.trim();
      if (!email) return undefined;
      by = 'Email';
      candidates = await customers.findByEmail(email);
    } else {
      return undefined;
    }
    if (candidates.length > 1) {
      throw new ServiceError(
        'rejected',
        'AMBIGUOUS_CUSTOMER_MATCH',
        `Several Sage 300 customers match account "${account.Name}" by ${by.toLowerCase()} ` +
          `(${candidates.map((c) => c.CustomerNumber).join(', ')}); set Sage_Customer_Number__c on the account.`,
        { customerNumbers: candidates.map((c) => c.CustomerNumber), matchedBy: by },
      );
    }
    const [customer] = candidates;
    return customer ? { customer, by } : undefined;
  }

  async function candidateNumbers(account: AccountForCustomer, settings: ConnectorSettings): Promise<Iterator<string>> {
    if (settings.customerNumberStrategy === 'Name Based') return nameBasedCustomerNumbers(account.Name);
    // The highest number in use, found without reading every customer; each candidate is then checked to be free.
    const highest = await customers.highestNumericNumber();
    return sequentialCustomerNumbers(highest === undefined ? [] : [highest]);
  }

  async function create(account: AccountForCustomer, settings: ConnectorSettings): Promise<string> {
    const numbers = await candidateNumbers(account, settings);
    for (let tried = 0; tried < maxCandidates; tried += 1) {
      const next = numbers.next();
      if (next.done) break;
      const number = next.value;
      if (await customers.get(number, ['CustomerNumber'])) continue;
      try {
        const created = await customers.create(sageCustomerBody(account, number, settings));
        return created.CustomerNumber || number;
      } catch (error) {
        // Someone else took the number between our check and our create: try the next one.
        if (isErrorKind(error, 'permanent') && error.status === 409 && error.code === 'RecordDuplicate') continue;
        if (isErrorKind(error, 'permanent')) {
          throw new ServiceError(
            'rejected',
            'SAGE_REJECTED_CUSTOMER',
            `Sage 300 refused to create a customer for "${account.Name}": ${error.message} (${error.code})`,
            {
              sageCode: error.code,
              sageMessage: typeof error.context.sageMessage === 'string' ? error.context.sageMessage : error.message,
            },
            { cause: error },
          );
        }
        throw error;
      }
    }
    throw new ServiceError(
      'rejected',
      'NO_FREE_CUSTOMER_NUMBER',
      `No free Sage customer number was found for "${account.Name}" after ${maxCandidates} tries`,
    );
  }

  /** The account's own customer, confirmed in Sage. */
  async function linked(account: AccountForCustomer, own: string): Promise<EnsuredCustomer> {
    const number = parseCustomerNumber(own);
    // The fields the credit check needs, not just the number: the order push goes on to check credit with them.
    const customer = number ? await customers.get(number, financialsCustomerFields) : undefined;
    if (!number || !customer) {
      throw new ServiceError(
        'rejected',
        'LINKED_CUSTOMER_MISSING',
        `Account "${account.Name}" names Sage customer ${own}, which Sage 300 does not have. ` +
          'Correct or clear Sage_Customer_Number__c on the account.',
        { customerNumber: own },
      );
    }
    return { accountId: account.Id, customerNumber: customer.CustomerNumber, outcome: 'linked', customer };
  }

  /** Runs `work` holding the account's claim, waiting while another process holds it. */
  async function claimed<T>(accountId: string, work: () => Promise<T>): Promise<T> {
    if (!claims) return work();
    for (;;) {
      const { claimed: mine, entry } = await claims.claim(accountId, owner, claimMs);
      if (mine) {
        const renewal = setInterval(
          () => {
            claims.renew(accountId, owner, claimMs).catch(() => undefined);
          },
          Math.max(100, Math.floor(claimMs / 3)),
        );
        try {
          return await work();
        } finally {
          clearInterval(renewal);
          await claims.release(accountId, owner);
        }
      }
      // Another process is provisioning this account: wait for it to finish (or for its claim to lapse).
      const left = (entry.claimedUntil?.getTime() ?? 0) - Date.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(10, Math.min(pollMs, left))));
    }
  }

  async function ensure(
    account: AccountForCustomer,
    provisionOptions: ProvisionOptions = {},
  ): Promise<EnsuredCustomer> {
    const own = account.Sage_Customer_Number__c?.trim();
    if (own) return linked(account, own);
    return claimed(account.Id, () =>
      oneAtATime(async () => {
        // Read the account again under the claim: another request (here or on another replica) may have linked it
        // meanwhile, and the order push's query does not carry the contact e-mail the match may need.
        const current = (await options.salesforce.readAccount(account.Id)) ?? account;
        const now = current.Sage_Customer_Number__c?.trim();
        if (now) return linked(current, now);
        // An earlier holder found or created the customer but did not get to tell the account: link that one.
        const earlier = claims ? await claims.get(account.Id) : undefined;
        if (earlier?.customerNumber && (await customers.get(earlier.customerNumber, ['CustomerNumber']))) {
          await options.salesforce.linkAccount(account.Id, earlier.customerNumber);
          return {
            accountId: account.Id,
            customerNumber: earlier.customerNumber,
            outcome: earlier.outcome ?? 'created',
          };
        }
        if (provisionOptions.customerNumber) {
          const { customerNumber, customer } = await linked(current, provisionOptions.customerNumber);
          await options.salesforce.linkAccount(account.Id, customerNumber);
          return { accountId: account.Id, customerNumber, outcome: 'linked', customer };
        }
        const configured = await options.settings();
        const settings = customerDefaultsFor(configured, configured.customerRules, {
          country: current.BillingCountry,
          industry: current.Industry,
        });
        const match = await findMatch(current, settings);
        if (match) {
          await claims?.recordCustomer(account.Id, owner, match.customer.CustomerNumber, 'matched');
          await options.salesforce.linkAccount(account.Id, match.customer.CustomerNumber);
          return {
            accountId: account.Id,
            customerNumber: match.customer.CustomerNumber,
            outcome: 'matched',
            matchedBy: match.by,
          };
        }
        const number = await create(current, settings);
        await claims?.recordCustomer(account.Id, owner, number, 'created');
        await options.salesforce.linkAccount(account.Id, number);
        return { accountId: account.Id, customerNumber: number, outcome: 'created' };
      }),
    );
  }

  return {
    async provision(accountId, provisionOptions) {
      const { customer: _record, ...result } = await inFlight.get(accountId, async () => {
        const account = await options.salesforce.readAccount(accountId);
        if (!account) {
          throw new ServiceError('not-found', 'ACCOUNT_NOT_FOUND', `Salesforce has no account ${accountId}`, {
            accountId,
          });
        }
        return ensure(account, provisionOptions);
      });
      // The API answers with the outcome only; the Sage record is for the order push's credit check.
      return result;
    },
    ensureCustomer(account) {
      return inFlight.get(account.Id, () => ensure(account));
    },
  };
}
