/**
 * The preview's stand-in for the package's Apex controllers: each `@salesforce/apex/Controller.method` the components
 * import answers here what the controller answers in Salesforce — the same queries against Salesforce (the preview's
 * org is the sandbox or whatever the preview is pointed at), the same calls to the connector's HTTP API with its API
 * key (what the Named Credential adds), the same classes, and the same sentences for failures (`SageAuraErrors`).
 * It is the only code a rep's screen goes through in the preview that Salesforce does not run; every branch mirrors
 * a branch of the `.cls` named beside it. Queries leave out `WITH USER_MODE`: the preview acts as one user.
 */
import type { SalesforceClient } from '../../middleware/src/salesforce/client.js';
import { soqlLiteral } from '../../middleware/src/salesforce/soql.js';
import {
  creditOutcome,
  creditPolicySchema,
  creditSentences,
  money,
  type CreditReason,
} from '../../middleware/src/domain/credit.js';
import { describeOrderProblem } from '../../middleware/src/domain/orders.js';
import { apexClasses, ApexTypeError, readAs, type ApexClass } from './apex-shapes.js';

/** An AuraHandledException: its message is what the component shows. */
export class AuraHandledError extends Error {
  override name = 'AuraHandledError';
}

/** The method does not exist in the package (the browser asked for something no component imports). */
export class UnknownApexMethodError extends Error {}

/** SageMiddlewareClient.MiddlewareException: a failed call to the connector. */
class MiddlewareFailure extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly errorCode: string,
  ) {
    super(message);
  }
}

/** The sentences of `SageAuraErrors` and the controllers, word for word (the adapter's test compares them). */
export const sentences = {
  noAccess:
    'You do not have access to the Sage 300 data on this page. Ask your Salesforce administrator for the Sage Connector User permission set.',
  notAllowed:
    'Salesforce is not allowed to call the Sage 300 connector. Ask your Salesforce administrator to check the API key of the Sage300_Middleware credential.',
  tryAgain: '. Try again in a few minutes.',
  unreachable: 'The Sage 300 connector could not be reached: ',
  unreadable: 'The Sage 300 connector sent an answer Salesforce could not read: ',
  openAccount: 'Open an account to see its Sage 300 financials.',
  openAccountToCreate: 'Open an account to create its Sage 300 customer.',
  noAccount: 'This account does not exist or is not shared with you.',
  unlinkedAccount:
    'This account is not linked to a Sage 300 customer yet. It gets a customer number when it is created in Sage 300, at the latest when its first order is pushed.',
  chooseAlert: 'Choose an alert to acknowledge.',
  noAlert: 'This alert no longer exists or is not shared with you.',
  openProduct: 'Open a product to see its Sage 300 stock.',
  noProduct: 'This product does not exist or you cannot see it.',
  unlinkedProduct: 'This product is not linked to a Sage 300 item. Set its Sage item number to see stock and prices.',
  openOpportunity: 'Open an opportunity to push it to Sage 300.',
  noOpportunity: 'This opportunity does not exist or is not shared with you.',
  pushInDoubt:
    'Sage 300 did not confirm the order, so it is not known whether it was created. Push again in a minute: the connector never creates a second order for one opportunity, and shows the order number if it exists.',
  chooseMonths: 'Choose both a first and a last month.',
  monthFormat: 'Write months as YYYY-MM, such as 2026-03.',
  monthsInOrder: 'The first month must be on or before the last month.',
  rangeTooLong: 'Choose at most 36 months.',
  chooseAccount: 'Choose an account.',
  chooseFailure: 'Choose a failed record first.',
  retried: 'The record was queued for another attempt.',
  skipped: 'The record was skipped; it will not be retried.',
  connected: 'Salesforce reached the Sage 300 connector and its API key was accepted.',
  creditBlocks: 'The credit policy blocks such orders unless the live balance in Sage 300 is lower.',
  alreadyWon: 'This opportunity is won: push it to Sage 300 as an order instead of a quote.',
};

export interface ApexAdapterOptions {
  /** The org the components' records come from. */
  salesforce: Pick<SalesforceClient, 'queryAll' | 'update' | 'connection' | 'authorize'>;
  /** The connector as the Named Credential reaches it: its base URL and an API key. */
  middleware: { url: string; apiKey: string };
  /** The user's default currency (`UserInfo.getDefaultCurrency()`); the preview's locale is en-US. */
  userCurrency?: string;
  now?: () => Date;
}

type Params = Record<string, unknown>;
type Row = Record<string, unknown>;

export interface ApexAdapter {
  /** Calls one Apex method by controller and method name with the component's parameters. */
  call(controller: string, method: string, params: Params): Promise<unknown>;
  /** The methods answered, by controller. */
  readonly methods: Record<string, string[]>;
}

const OPEN_INVOICE_STATUSES = ['Open', 'Partially Paid', 'Overdue'];

export function createApexAdapter(options: ApexAdapterOptions): ApexAdapter {
  const { salesforce } = options;
  const now = options.now ?? (() => new Date());
  const userCurrency = options.userCurrency ?? 'USD';
  const base = options.middleware.url.replace(/\/+$/, '');

  // ---- SageMiddlewareClient ----
  async function send(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    timeoutMs: number,
    accept = 'application/json',
  ): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${options.middleware.apiKey}`,
          Accept: accept,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new MiddlewareFailure(sentences.unreachable + reason, 0, 'UNREACHABLE');
    }
    const text = await response.text();
    if (response.ok) return text;
    let code = `HTTP_${response.status}`;
    let message = `The Sage 300 connector answered with HTTP ${response.status}`;
    try {
      const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
      if (error) {
        code = error.code == null ? code : String(error.code);
        message = error.message == null ? message : String(error.message);
      }
    } catch {
      message += '.';
    }
    throw new MiddlewareFailure(message, response.status, code);
  }

  const middleware = {
    async get(path: string, timeoutMs = 30_000): Promise<unknown> {
      const text = await send('GET', path, undefined, timeoutMs);
      return text.trim() ? (JSON.parse(text) as unknown) : null;
    },
    async typed<T>(type: ApexClass, request: Promise<string>): Promise<T> {
      const text = await request;
      if (!text.trim()) {
        throw new MiddlewareFailure(
          'The Sage 300 connector sent an empty answer where data was expected.',
          200,
          'INVALID_RESPONSE',
        );
      }
      try {
        return readAs(type, JSON.parse(text)) as T;
      } catch (error) {
        if (!(error instanceof ApexTypeError || error instanceof SyntaxError)) throw error;
        throw new MiddlewareFailure(sentences.unreadable + error.message, 200, 'INVALID_RESPONSE');
      }
    },
    getAs<T>(path: string, type: ApexClass, timeoutMs = 30_000): Promise<T> {
      return this.typed<T>(type, send('GET', path, undefined, timeoutMs));
    },
    postAs<T>(path: string, body: unknown, type: ApexClass, timeoutMs = 30_000): Promise<T> {
      return this.typed<T>(type, send('POST', path, body, timeoutMs));
    },
  };
  const segment = (value: string) => encodeURIComponent(value);

  // ---- SageAuraErrors ----
  const because = (message: string) => new AuraHandledError(message);
  function describe(failure: MiddlewareFailure): string {
    const status = failure.statusCode;
    if (status === 401 || status === 403) return sentences.notAllowed;
    if (failure.errorCode === 'UNREACHABLE' || status === 429 || status >= 500) {
      return failure.message.replace(/\.$/, '') + sentences.tryAgain;
    }
    return failure.message;
  }
  /** Runs connector calls; a failure the controller does not handle itself becomes `connectorFailed`. */
  async function relayed<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof MiddlewareFailure) throw because(describe(error));
      throw error;
    }
  }

  // ---- Salesforce data the controllers query ----
  const query = (soql: string) => salesforce.queryAll<Row>(soql);
  const children = (row: Row, relationship: string): Row[] =>
    ((row[relationship] as { records?: Row[] } | null | undefined)?.records ?? []) as Row[];
  const parent = (row: Row, relationship: string): Row | undefined => (row[relationship] as Row | null) ?? undefined;
  const decimal = (value: unknown): number | null => (typeof value === 'number' ? value : null);
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

  function requireId(value: unknown, parameter: string): string | null {
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string' || !/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/.test(value)) {
      throw because(`Value provided is invalid for action parameter '${parameter}' of type 'Id'`);
    }
    return value;
  }

  async function connectorSettings(): Promise<Row | undefined> {
    const rows = await query(
      "SELECT Credit_Warning_Threshold__c, Credit_Policy__c FROM Sage_Connector_Setting__mdt WHERE DeveloperName = 'Default' LIMIT 1",
    );
    return rows[0];
  }
  async function warningThreshold(): Promise<number> {
    return decimal((await connectorSettings())?.Credit_Warning_Threshold__c) ?? 80;
  }
  async function creditPolicy(): Promise<string> {
    return text((await connectorSettings())?.Credit_Policy__c) ?? 'Warn';
  }

  let currentUser: Promise<{ id: string; name: string }> | undefined;
  /** UserInfo: the user the preview's Salesforce connection acts as. */
  function user(): Promise<{ id: string; name: string }> {
    currentUser ??= salesforce
      .authorize()
      .then(() => salesforce.connection.identity())
      .then((identity) => ({ id: identity.user_id, name: identity.display_name }));
    return currentUser;
  }

  // ---- SageAccountController ----
  async function findAccount(accountId: string): Promise<Row> {
    const [account] = await query(
      'SELECT Id, Name, Sage_Customer_Number__c, Sage_Balance__c, Sage_Credit_Limit__c, Sage_Available_Credit__c, ' +
        'Sage_Credit_Utilisation__c, Sage_Past_Due__c, Sage_On_Hold__c, Sage_Last_Synced__c ' +
        `FROM Account WHERE Id = ${soqlLiteral(accountId)} LIMIT 1`,
    );
    if (!account) throw because(sentences.noAccount);
    return account;
  }

  function standing(utilisation: number | null, threshold: number): string {
    if (utilisation === null) return 'no-limit';
    if (utilisation > 100) return 'over-limit';
    return utilisation >= threshold ? 'approaching-limit' : 'within-limit';
  }

  async function liveFinancials(account: Row, customerNumber: string, fresh: boolean): Promise<Row> {
    const customer = `/api/v1/customers/${segment(customerNumber)}`;
    const result = await middleware.getAs<Row>(
      `${customer}/financials${fresh ? '?fresh=true' : ''}`,
      apexClasses.AccountFinancials,
    );
    const open = await middleware.getAs<{ invoices: Row[] | null }>(
      `${customer}/invoices?status=open&limit=200`,
      apexClasses.InvoiceList,
    );
    result.customerNumber = text(result.customerNumber) ?? customerNumber;
    result.invoices = open.invoices ?? [];
    result.onHold = result.onHold === true;
    result.asOf ??= now().toISOString();
    result.stale = false;
    return result;
  }

  async function syncedFinancials(account: Row, reason: string): Promise<Row> {
    const rows = await query(
      'SELECT Document_Number__c, Document_Type__c, Document_Date__c, Due_Date__c, Amount__c, Balance_Due__c, ' +
        'Currency_Code__c, Status__c, Days_Overdue__c, Order_Number__c, PO_Number__c FROM Sage_Invoice__c ' +
        `WHERE Account__c = ${soqlLiteral(String(account.Id))} AND Status__c IN (${OPEN_INVOICE_STATUSES.map(soqlLiteral).join(',')}) ` +
        'AND Balance_Due__c != 0 ORDER BY Due_Date__c ASC NULLS LAST LIMIT 200',
    );
    const invoices = rows.map((row) => ({
      documentNumber: row.Document_Number__c,
      documentType: row.Document_Type__c,
      documentDate: row.Document_Date__c,
      dueDate: row.Due_Date__c,
      amount: row.Amount__c,
      balanceDue: row.Balance_Due__c,
      currencyCode: row.Currency_Code__c,
      status: row.Status__c,
      daysOverdue: typeof row.Days_Overdue__c === 'number' ? Math.trunc(row.Days_Overdue__c) : 0,
      orderNumber: row.Order_Number__c,
      poNumber: row.PO_Number__c,
    }));
    const aging = { current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 };
    for (const invoice of invoices) {
      const due = decimal(invoice.balanceDue) ?? 0;
      const days = due < 0 ? 0 : invoice.daysOverdue;
      const bucket =
        days <= 0
          ? 'current'
          : days <= 30
            ? 'days1to30'
            : days <= 60
              ? 'days31to60'
              : days <= 90
                ? 'days61to90'
                : 'over90';
      aging[bucket] += due;
    }
    const utilisation = decimal(account.Sage_Credit_Utilisation__c);
    return {
      customerNumber: account.Sage_Customer_Number__c,
      balance: account.Sage_Balance__c,
      creditLimit: account.Sage_Credit_Limit__c,
      availableCredit: account.Sage_Available_Credit__c,
      utilisation,
      creditStanding: standing(utilisation, await warningThreshold()),
      pastDue: account.Sage_Past_Due__c,
      onHold: account.Sage_On_Hold__c === true,
      asOf: account.Sage_Last_Synced__c,
      stale: true,
      staleReason: reason,
      invoices,
      openDocuments: invoices.length,
      aging,
      currencyCode: invoices[0]?.currencyCode ?? userCurrency,
    };
  }

  const SageAccountController = {
    async getFinancials(params: Params) {
      const accountId = requireId(params.accountId, 'accountId');
      if (!accountId) throw because(sentences.openAccount);
      const account = await findAccount(accountId);
      const customerNumber = text(account.Sage_Customer_Number__c);
      let result: Row;
      if (!customerNumber) {
        result = { linked: false, message: sentences.unlinkedAccount };
      } else {
        try {
          result = await liveFinancials(account, customerNumber, params.fresh === true);
        } catch (error) {
          if (!(error instanceof MiddlewareFailure)) throw error;
          // Sage itself says the customer does not exist: synced figures would be misleading.
          if (error.statusCode === 404) throw because(error.message);
          result = await syncedFinancials(account, describe(error));
        }
        result.linked = true;
      }
      result.accountName = account.Name;
      result.warningThreshold = await warningThreshold();
      return readAs(apexClasses.AccountFinancials, result);
    },

    async createCustomer(params: Params) {
      const accountId = requireId(params.accountId, 'accountId');
      if (!accountId) throw because(sentences.openAccountToCreate);
      const account = await findAccount(accountId);
      // The preview's one user may edit every record, so the controller's edit-access refusal never applies here.
      // SageCreateCustomerAction.provision: the same call as the Flow action "Create Sage 300 Customer".
      return relayed(async () => {
        const answer = await middleware.postAs<Row>(
          '/api/v1/customers',
          { accountId: account.Id },
          apexClasses.CustomerResult,
        );
        return readAs(apexClasses.CustomerCreation, {
          outcome: answer.outcome,
          customerNumber: answer.customerNumber,
          matchedBy: answer.matchedBy,
        });
      });
    },
  };

  // ---- SageCreditAlertController ----
  const alertView = (row: Row) => ({
    id: row.Id,
    name: row.Name,
    alertType: row.Alert_Type__c,
    severity: row.Severity__c,
    status: row.Status__c,
    message: row.Message__c,
    balance: row.Balance__c,
    creditLimit: row.Credit_Limit__c,
    utilisation: row.Utilisation__c,
    threshold: row.Threshold__c,
    raisedAt: row.Raised_At__c,
    acknowledgedBy: parent(row, 'Acknowledged_By__r')?.Name ?? null,
    acknowledgedAt: row.Acknowledged_At__c,
  });

  const SageCreditAlertController = {
    async getOpenAlerts(params: Params) {
      const accountId = requireId(params.accountId, 'accountId');
      if (!accountId) return [];
      const rows = await query(
        'SELECT Id, Name, Alert_Type__c, Severity__c, Status__c, Message__c, Balance__c, Credit_Limit__c, Utilisation__c, ' +
          'Threshold__c, Raised_At__c, Acknowledged_By__r.Name, Acknowledged_At__c FROM Sage_Credit_Alert__c ' +
          `WHERE Account__c = ${soqlLiteral(accountId)} AND Status__c = 'Open' ` +
          'ORDER BY Severity__c DESC, Raised_At__c DESC NULLS LAST LIMIT 50',
      );
      return readAs({ list: apexClasses.CreditAlert }, rows.map(alertView));
    },

    async acknowledge(params: Params) {
      const alertId = requireId(params.alertId, 'alertId');
      if (!alertId) throw because(sentences.chooseAlert);
      const [alert] = await query(
        'SELECT Id, Status__c, Acknowledged_By__r.Name, Acknowledged_At__c FROM Sage_Credit_Alert__c ' +
          `WHERE Id = ${soqlLiteral(alertId)} LIMIT 1`,
      );
      if (!alert) throw because(sentences.noAlert);
      if (alert.Status__c === 'Acknowledged') {
        const at = text(alert.Acknowledged_At__c);
        const when = at ? new Date(at).toLocaleString('en-US', { dateStyle: 'short', timeStyle: 'short' }) : null;
        throw because(
          `This alert was already acknowledged by ${parent(alert, 'Acknowledged_By__r')?.Name} on ${when}.`,
        );
      }
      if (alert.Status__c !== 'Open') {
        const status = text(alert.Status__c)?.toLowerCase() ?? 'closed';
        throw because(`This alert is ${status} and needs no acknowledgement.`);
      }
      const acting = await user();
      const acknowledgedAt = now().toISOString();
      const [saved] = await salesforce.update('Sage_Credit_Alert__c', [
        { Id: alert.Id, Status__c: 'Acknowledged', Acknowledged_By__c: acting.id, Acknowledged_At__c: acknowledgedAt },
      ]);
      if (!saved?.ok) throw because(`The alert could not be acknowledged: ${saved?.errors[0]?.message ?? 'no answer'}`);
      return readAs(apexClasses.CreditAlert, {
        id: alert.Id,
        status: 'Acknowledged',
        acknowledgedBy: acting.name,
        acknowledgedAt,
      });
    },
  };

  // ---- SageItemController ----
  const SageItemController = {
    async getAvailability(params: Params) {
      const productId = requireId(params.productId, 'productId');
      if (!productId) throw because(sentences.openProduct);
      const [product] = await query(
        'SELECT Id, Name, Description, Sage_Item_Number__c, Sage_Quantity_On_Hand__c, Sage_Quantity_Available__c, ' +
          `Sage_Quantity_On_Sales_Order__c, Sage_Last_Synced__c FROM Product2 WHERE Id = ${soqlLiteral(productId)} LIMIT 1`,
      );
      if (!product) throw because(sentences.noProduct);
      const itemNumber = text(product.Sage_Item_Number__c);
      let result: Row;
      if (!itemNumber) {
        result = { linked: false, message: sentences.unlinkedProduct };
      } else {
        try {
          result = await middleware.getAs<Row>(
            `/api/v1/items/${segment(itemNumber)}/availability`,
            apexClasses.ItemAvailability,
          );
          result.itemNumber = text(result.itemNumber) ?? itemNumber;
          result.prices ??= [];
          result.asOf ??= now().toISOString();
          result.active = result.active !== false;
          result.stale = false;
        } catch (error) {
          if (!(error instanceof MiddlewareFailure)) throw error;
          if (error.statusCode === 404) throw because(error.message);
          const prices = await query(
            'SELECT UnitPrice, Sage_Price_Key__c FROM PricebookEntry ' +
              `WHERE Product2Id = ${soqlLiteral(productId)} AND Sage_Price_Key__c != NULL AND IsActive = TRUE ` +
              'ORDER BY Sage_Price_Key__c LIMIT 100',
          );
          result = {
            itemNumber,
            description: product.Description,
            active: true,
            quantityOnHand: product.Sage_Quantity_On_Hand__c,
            quantityAvailable: product.Sage_Quantity_Available__c,
            quantityOnSalesOrder: product.Sage_Quantity_On_Sales_Order__c,
            asOf: product.Sage_Last_Synced__c,
            stale: true,
            staleReason: describe(error),
            // A synced price's key is ITEM|PRICELIST|CURRENCY, the key the connector writes.
            prices: prices.map((row) => {
              const parts = String(row.Sage_Price_Key__c).split('|');
              return { priceList: parts[1] ?? null, currencyCode: parts[2] ?? userCurrency, unitPrice: row.UnitPrice };
            }),
          };
        }
        result.linked = true;
      }
      result.productName = product.Name;
      return readAs(apexClasses.ItemAvailability, result);
    },
  };

  // ---- SageOrderController ----
  const notClosedWon = (stage: unknown) => describeOrderProblem({ code: 'NOT_CLOSED_WON', stage: String(stage) });

  async function findOpportunity(value: unknown): Promise<Row> {
    const opportunityId = requireId(value, 'opportunityId');
    if (!opportunityId) throw because(sentences.openOpportunity);
    // SortOrder, the first ORDER BY field of the Apex query, is set only in Salesforce's UI; creation order follows it.
    const [opportunity] = await query(
      'SELECT Id, Name, StageName, IsWon, AccountId, Account.Name, Account.Sage_Customer_Number__c, Account.Sage_Balance__c, ' +
        'Account.Sage_Credit_Limit__c, Account.Sage_On_Hold__c, Sage_Order_Number__c, Sage_Order_Status__c, ' +
        'Sage_Sync_Message__c, Sage_Pushed_At__c, Sage_Quote_Number__c, (SELECT Id, Quantity, UnitPrice, TotalPrice, Product2.Name, ' +
        'Product2.Sage_Item_Number__c FROM OpportunityLineItems ORDER BY CreatedDate) ' +
        `FROM Opportunity WHERE Id = ${soqlLiteral(opportunityId)} LIMIT 1`,
    );
    if (!opportunity) throw because(sentences.noOpportunity);
    return opportunity;
  }

  /** The credit check on the figures last synced; its sentences are the connector's (domain/credit.ts). */
  function indicativeCreditCheck(account: Row | undefined, orderTotal: number, policy: string): Row {
    const balance = decimal(account?.Sage_Balance__c) ?? 0;
    const creditLimit = decimal(account?.Sage_Credit_Limit__c) ?? 0;
    const onHold = account?.Sage_On_Hold__c === true;
    const projectedBalance = balance + orderTotal;
    const reasons: CreditReason[] = [];
    const words: string[] = [];
    if (creditLimit > 0 && projectedBalance > creditLimit) {
      reasons.push('OVER_LIMIT');
      words.push(creditSentences.overLimit(money(orderTotal), money(balance), money(creditLimit)));
    }
    if (onHold) {
      reasons.push('ON_HOLD');
      words.push(creditSentences.onHold());
    }
    if (reasons.length === 0) {
      words.push(
        creditLimit > 0
          ? creditSentences.withinLimit(money(creditLimit), money(projectedBalance))
          : creditSentences.noLimit(),
      );
    } else if (policy === 'Block') {
      words.push(sentences.creditBlocks);
    }
    const known = creditPolicySchema.safeParse(policy);
    const outcome = known.success ? creditOutcome(known.data, reasons) : 'passed';
    return {
      policy,
      outcome,
      reasons,
      message: words.join(' '),
      balance,
      creditLimit,
      orderTotal,
      projectedBalance,
      onHold,
    };
  }

  async function existingOrder(opportunity: Row, preview: Row): Promise<Row | null> {
    if (text(opportunity.Sage_Order_Number__c)) {
      return {
        orderNumber: opportunity.Sage_Order_Number__c,
        status: opportunity.Sage_Order_Status__c,
        pushedAt: opportunity.Sage_Pushed_At__c,
        message: opportunity.Sage_Sync_Message__c,
      };
    }
    if (opportunity.IsWon !== true) return null;
    // The order number may not have reached the opportunity yet: the connector's ledger knows.
    try {
      const entry = await middleware.getAs<{ state: string | null; orderNumber: string | null; result: Row | null }>(
        `/api/v1/orders/${segment(String(opportunity.Id))}`,
        apexClasses.LedgerEntry,
      );
      if (!text(entry.orderNumber)) return null;
      return {
        orderNumber: entry.orderNumber,
        status: entry.result?.status ?? entry.state,
        pushedAt: entry.result?.pushedAt ?? null,
        message: entry.result?.message ?? null,
      };
    } catch (error) {
      if (!(error instanceof MiddlewareFailure)) throw error;
      if (error.statusCode !== 404) {
        preview.notice = `Sage 300 could not be checked for an earlier order: ${describe(error)} Pushing is still safe: the connector never creates a second order for one opportunity.`;
      }
      return null;
    }
  }

  const SageOrderController = {
    async getPreview(params: Params) {
      const opportunity = await findOpportunity(params.opportunityId);
      const account = parent(opportunity, 'Account');
      const lines = children(opportunity, 'OpportunityLineItems').map((item) => ({
        lineId: item.Id,
        productName: parent(item, 'Product2')?.Name ?? null,
        itemNumber: parent(item, 'Product2')?.Sage_Item_Number__c ?? null,
        quantity: item.Quantity,
        unitPrice: item.UnitPrice,
        totalPrice: item.TotalPrice,
      }));
      const total = lines.reduce((sum, line) => sum + (decimal(line.totalPrice) ?? 0), 0);
      const preview: Row = {
        opportunityId: opportunity.Id,
        opportunityName: opportunity.Name,
        stageName: opportunity.StageName,
        closedWon: opportunity.IsWon === true,
        accountName: account?.Name ?? null,
        customerNumber: account?.Sage_Customer_Number__c ?? null,
        currencyCode: userCurrency,
        lines,
        total,
        creditCheck: indicativeCreditCheck(account, total, await creditPolicy()),
      };
      preview.existingOrder = await existingOrder(opportunity, preview);
      const blockers: string[] = [];
      if (opportunity.IsWon !== true) blockers.push(notClosedWon(opportunity.StageName));
      if (!opportunity.AccountId) blockers.push(describeOrderProblem({ code: 'NO_ACCOUNT' }));
      if (lines.length === 0) blockers.push(describeOrderProblem({ code: 'NO_LINES' }));
      const named = (found: Row[]) => found.map((line) => String(line.productName));
      const withoutItem = named(lines.filter((line) => !text(line.itemNumber)));
      if (withoutItem.length > 0) {
        blockers.push(describeOrderProblem({ code: 'PRODUCTS_WITHOUT_SAGE_ITEM', products: withoutItem }));
      }
      const withoutQuantity = named(lines.filter((line) => !((decimal(line.quantity) ?? 0) > 0)));
      if (withoutQuantity.length > 0) {
        blockers.push(describeOrderProblem({ code: 'INVALID_QUANTITY', products: withoutQuantity }));
      }
      preview.blockers = blockers;
      preview.canPush = blockers.length === 0 && preview.existingOrder === null;
      preview.quoteNumber = text(opportunity.Sage_Quote_Number__c) || null;
      // A quote is stopped by what stops an order, but the stage (the Apex drops the first blocker, the stage's).
      const quoteBlockers = opportunity.IsWon === true ? blockers : blockers.slice(1);
      preview.canQuote = opportunity.IsWon !== true && !preview.quoteNumber && quoteBlockers.length === 0;
      return readAs(apexClasses.OrderPreview, preview);
    },

    async push(params: Params) {
      const opportunity = await findOpportunity(params.opportunityId);
      // The preview's one user may edit every record, so the controller's edit-access refusal never applies here.
      if (opportunity.IsWon !== true) throw because(notClosedWon(opportunity.StageName));
      return sendPush(opportunity.Id, 'order');
    },

    async sendAsQuote(params: Params) {
      const opportunity = await findOpportunity(params.opportunityId);
      if (opportunity.IsWon === true) throw because(sentences.alreadyWon);
      return sendPush(opportunity.Id, 'quote');
    },
  };

  /** The connector's answer to a push of an order or a quote, as SageOrderController words it. */
  async function sendPush(opportunityId: unknown, kind: 'order' | 'quote'): Promise<unknown> {
    try {
      const result = await middleware.postAs<Row>(
        '/api/v1/orders',
        { opportunityId, kind },
        apexClasses.PushResult,
        60_000,
      );
      return { ...result, replayed: result.replayed === true, confirmed: true };
    } catch (error) {
      if (!(error instanceof MiddlewareFailure)) throw error;
      // Not a failure: another push of this opportunity is under way, and checking again shows its order.
      if (error.errorCode === 'PUSH_IN_PROGRESS') {
        return readAs(apexClasses.PushResult, { status: 'In Progress', replayed: false, message: error.message });
      }
      // No answer, or Sage did not confirm in time: the order may exist. A second push is safe and shows it.
      if (error.errorCode === 'UNREACHABLE' || error.statusCode === 504) {
        const message = kind === 'quote' ? sentences.pushInDoubt.replaceAll('order', 'quote') : sentences.pushInDoubt;
        return readAs(apexClasses.PushResult, { kind, confirmed: false, replayed: false, message });
      }
      throw because(describe(error));
    }
  }

  // ---- SageReconciliationController ----
  const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
  const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));

  /** SageReconciliationController.reportPath: the report's path for a valid range, refused before calling out. */
  function reportPath(params: Params): { path: string; fromMonth: string; toMonth: string; accountId: string | null } {
    const fromMonth = text(params.fromMonth);
    const toMonth = text(params.toMonth);
    const accountId = text(params.accountId);
    if (!fromMonth || !toMonth) throw because(sentences.chooseMonths);
    if (!MONTH.test(fromMonth) || !MONTH.test(toMonth)) throw because(sentences.monthFormat);
    if (monthIndex(fromMonth) > monthIndex(toMonth)) throw because(sentences.monthsInOrder);
    if (monthIndex(toMonth) - monthIndex(fromMonth) + 1 > 36) throw because(sentences.rangeTooLong);
    if (accountId && !/^001[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/.test(accountId)) throw because(sentences.chooseAccount);
    const query = new URLSearchParams({ from: fromMonth, to: toMonth, ...(accountId ? { accountId } : {}) });
    const path = `/api/v1/reports/revenue-reconciliation?${query.toString().replace(/\+/g, '%20')}`;
    return { path, fromMonth, toMonth, accountId };
  }

  const SageReconciliationController = {
    async getReconciliation(params: Params) {
      const { path, fromMonth, toMonth, accountId } = reportPath(params);
      return relayed(async () => {
        const result = await middleware.getAs<Row>(path, apexClasses.Reconciliation, 60_000);
        const zero = { closedWon: 0, ordered: 0, invoiced: 0, collected: 0, variance: 0 };
        return readAs(apexClasses.Reconciliation, {
          ...result,
          fromMonth,
          toMonth,
          accountId,
          rows: result.rows ?? [],
          totals: result.totals ?? zero,
        });
      });
    },

    async getReconciliationCsv(params: Params) {
      const { path } = reportPath(params);
      return relayed(() => send('GET', `${path}&format=csv`, undefined, 60_000, 'text/csv'));
    },
  };

  // ---- SageSyncConsoleController ----
  async function failureAction(params: Params, action: 'retry' | 'skip'): Promise<void> {
    const id = params.failureId;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) throw because(sentences.chooseFailure);
    await relayed(() => send('POST', `/api/v1/sync/failures/${id}/${action}`, {}, 30_000));
  }

  function describeRun(flow: string, run: Row | null): string {
    if (!run) return `The ${flow} flow was started.`;
    const summary = `The ${flow} flow ran (${String(run.outcome)})`;
    const counts = run.counts as Row | null;
    if (!counts) return `${summary}.`;
    return `${summary}: ${counts.read} read, ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.failed} failed.`;
  }

  const SageSyncConsoleController = {
    getFlows: () =>
      relayed(async () => {
        const answer = await middleware.getAs<{ flows: Row[] | null }>('/api/v1/sync/flows', apexClasses.FlowList);
        return answer.flows ?? [];
      }),
    getRuns: () =>
      relayed(async () => {
        const answer = await middleware.getAs<{ runs: Row[] | null }>(
          '/api/v1/sync/runs?limit=50',
          apexClasses.RunList,
        );
        return answer.runs ?? [];
      }),
    getFailures: () =>
      relayed(async () => {
        const answer = await middleware.getAs<{ failures: Row[] | null }>(
          '/api/v1/sync/failures?status=active&limit=200',
          apexClasses.FailureList,
        );
        return answer.failures ?? [];
      }),
    getConflicts: () =>
      relayed(async () => {
        const answer = await middleware.getAs<{ conflicts: Row[] | null }>(
          '/api/v1/sync/conflicts?limit=100',
          apexClasses.ConflictList,
        );
        return answer.conflicts ?? [];
      }),
    async retryFailure(params: Params) {
      await failureAction(params, 'retry');
      return sentences.retried;
    },
    async skipFailure(params: Params) {
      await failureAction(params, 'skip');
      return sentences.skipped;
    },
    async runFlow(params: Params) {
      const flow = params.flow;
      if (typeof flow !== 'string' || !/^[a-z][A-Za-z0-9-]{0,39}$/.test(flow)) {
        throw because(`"${String(flow)}" is not the name of a sync flow.`);
      }
      return relayed(async () => {
        const answer = await middleware.postAs<{ run: Row | null }>(
          `/api/v1/sync/flows/${segment(flow)}/run`,
          {},
          apexClasses.FlowRun,
          120_000,
        );
        return describeRun(flow, answer.run);
      });
    },
    async testConnection() {
      const started = Date.now();
      const check: Row = {};
      try {
        const health = await middleware.get('/healthz', 10_000);
        const status = (health as Row | null)?.status;
        check.status = status == null ? 'ok' : String(status);
        await middleware.get('/api/v1/sync/runs?limit=1', 10_000);
        check.ok = true;
        check.message = sentences.connected;
      } catch (error) {
        if (!(error instanceof MiddlewareFailure)) throw error;
        check.ok = false;
        check.status = error.errorCode;
        check.message = describe(error);
      }
      check.elapsedMs = Date.now() - started;
      return readAs(apexClasses.ConnectionCheck, check);
    },
  };

  const controllers: Record<string, Record<string, (params: Params) => Promise<unknown>>> = {
    SageAccountController,
    SageCreditAlertController,
    SageItemController,
    SageOrderController,
    SageReconciliationController,
    SageSyncConsoleController,
  };

  return {
    async call(controller, method, params) {
      const handler = Object.hasOwn(controllers, controller) ? controllers[controller] : undefined;
      const action = handler && Object.hasOwn(handler, method) ? handler[method] : undefined;
      if (!action) throw new UnknownApexMethodError(`The package has no Apex method ${controller}.${method}`);
      return action(params);
    },
    methods: Object.fromEntries(Object.entries(controllers).map(([name, methods]) => [name, Object.keys(methods)])),
  };
}
