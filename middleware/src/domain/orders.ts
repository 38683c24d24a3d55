import { cents } from './aging.js';

/** An opportunity line item with its product, as read from Salesforce. */
export interface OpportunityLine {
  Id: string;
  Quantity: number | null;
  UnitPrice: number | null;
  Description?: string | null;
  Product2?: { Name?: string | null; ProductCode?: string | null; Sage_Item_Number__c?: string | null } | null;
}

/** The opportunity fields the order push reads. */
export interface OpportunityForOrder {
  Id: string;
  Name: string;
  StageName: string;
  IsWon?: boolean | null;
  Description?: string | null;
  lines: OpportunityLine[];
}

/** A line ready to become a Sage order line. */
export interface OrderLine {
  itemNumber: string;
  quantity: number;
  unitPrice: number;
  description: string | null;
}

/**
 * What a push creates in Sage 300: a sales order (`OrderType` Active), or a quote (`OrderType` Quote), an OEOrders
 * entry that commits no stock and that Sage can later turn into an order. Each kind is its own exactly-once entry in
 * the order ledger: an opportunity can have one quote and one order.
 */
export type OrderKind = 'order' | 'quote';

/** Sage's `OrderType` of each kind. */
export const SAGE_ORDER_TYPE = { order: 'Active', quote: 'Quote' } as const satisfies Record<OrderKind, string>;

/** The body of `POST OE/OEOrders`; property order matters to Sage, so keys come first. */
export interface SageOrderBody {
  CustomerNumber: string;
  OrderReference: string;
  OrderType: (typeof SAGE_ORDER_TYPE)[OrderKind];
  OrderDate: string;
  OrderDescription: string;
  OrderDetails: {
    LineType: 'Item';
    Item: string;
    QuantityOrdered: number;
    PricingUnitPrice: number;
    PriceOverride: true;
    Description?: string;
  }[];
}

/** Why an opportunity cannot become an order, before Sage is asked. */
export type OrderProblem =
  | { code: 'NOT_CLOSED_WON'; stage: string }
  | { code: 'NO_ACCOUNT' }
  | { code: 'NO_LINES' }
  | { code: 'PRODUCTS_WITHOUT_SAGE_ITEM'; products: string[] }
  | { code: 'INVALID_QUANTITY'; products: string[] };

/** The values of `Opportunity.Sage_Order_Status__c`. */
export type OpportunityOrderStatus = 'Not Pushed' | 'Pushing' | 'Pushed' | 'Failed' | 'Blocked';

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** A Salesforce record id in its 18-character, case-insensitive form; a 15-character id gains its checksum. */
export function canonicalSalesforceId(id: string): string {
  if (id.length !== 15) return id;
  let suffix = '';
  for (let block = 0; block < 3; block += 1) {
    let bits = 0;
    for (let position = 0; position < 5; position += 1) {
      const char = id.charAt(block * 5 + position);
      if (char >= 'A' && char <= 'Z') bits |= 1 << position;
    }
    suffix += idAlphabet.charAt(bits);
  }
  return id + suffix;
}

/** True when the opportunity is won (IsWon when Salesforce sent it, else the standard Closed Won stage). */
export function isClosedWon(opportunity: Pick<OpportunityForOrder, 'StageName' | 'IsWon'>): boolean {
  if (typeof opportunity.IsWon === 'boolean') return opportunity.IsWon;
  return opportunity.StageName === 'Closed Won';
}

function productLabel(line: OpportunityLine): string {
  return line.Product2?.Name?.trim() || line.Product2?.ProductCode?.trim() || line.Id;
}

/** The item number Sage knows the line's product by, or undefined when the product has none. */
export function sageItemNumber(line: OpportunityLine): string | undefined {
  const value = line.Product2?.Sage_Item_Number__c?.trim().toUpperCase();
  return value ? value : undefined;
}

/**
 * Everything that stops an opportunity from becoming an order (or a quote, which any opportunity may get, won or
 * not); empty when it can be pushed.
 */
export function orderProblems(opportunity: OpportunityForOrder, kind: OrderKind = 'order'): OrderProblem[] {
  if (kind === 'order' && !isClosedWon(opportunity)) return [{ code: 'NOT_CLOSED_WON', stage: opportunity.StageName }];
  if (opportunity.lines.length === 0) return [{ code: 'NO_LINES' }];
  const problems: OrderProblem[] = [];
  const withoutItem = opportunity.lines.filter((line) => !sageItemNumber(line)).map(productLabel);
  if (withoutItem.length > 0) problems.push({ code: 'PRODUCTS_WITHOUT_SAGE_ITEM', products: withoutItem });
  const badQuantity = opportunity.lines.filter((line) => !(line.Quantity && line.Quantity > 0)).map(productLabel);
  if (badQuantity.length > 0) problems.push({ code: 'INVALID_QUANTITY', products: badQuantity });
  return problems;
}

/**
 * A sentence a rep understands for a problem found before Sage was asked. The Push to Sage 300 preview
 * (`SageOrderController.blockers`) shows the same sentences before calling out; a test keeps them word for word alike.
 */
export function describeOrderProblem(problem: OrderProblem): string {
  switch (problem.code) {
    case 'NOT_CLOSED_WON':
      return `Only Closed Won opportunities can be pushed to Sage 300; this one is at stage "${problem.stage}".`;
    case 'NO_ACCOUNT':
      return 'The opportunity has no account to order for.';
    case 'NO_LINES':
      return 'The opportunity has no products to order.';
    case 'PRODUCTS_WITHOUT_SAGE_ITEM':
      return `These products have no Sage item number: ${problem.products.join(', ')}.`;
    case 'INVALID_QUANTITY':
      return `These products need a quantity above zero: ${problem.products.join(', ')}.`;
  }
}

/** The lines of a pushable opportunity; call only when `orderProblems` is empty. */
export function orderLines(opportunity: OpportunityForOrder): OrderLine[] {
  return opportunity.lines.map((line) => ({
    itemNumber: sageItemNumber(line) ?? '',
    quantity: line.Quantity ?? 0,
    unitPrice: cents(line.UnitPrice ?? 0),
    description: line.Description?.trim() || null,
  }));
}

/** The order total the credit check uses: quantity times the negotiated unit price, summed. */
export function orderTotal(lines: OrderLine[]): number {
  return cents(lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0));
}

/**
 * The Sage order (or quote) for an opportunity. The opportunity id goes into OrderReference so that an order whose
 * creation was never confirmed can be found again (with its `OrderType` telling a quote from the order); the
 * Salesforce price is imposed because it is what the customer agreed.
 */
export function sageOrderBody(
  opportunity: Pick<OpportunityForOrder, 'Id' | 'Name'>,
  customerNumber: string,
  lines: OrderLine[],
  today: Date,
  kind: OrderKind = 'order',
): SageOrderBody {
  return {
    CustomerNumber: customerNumber,
    OrderReference: opportunity.Id,
    OrderType: SAGE_ORDER_TYPE[kind],
    OrderDate: today.toISOString().slice(0, 10),
    OrderDescription: opportunity.Name.slice(0, 60),
    OrderDetails: lines.map((line) => ({
      LineType: 'Item',
      Item: line.itemNumber,
      QuantityOrdered: line.quantity,
      PricingUnitPrice: line.unitPrice,
      PriceOverride: true,
      ...(line.description ? { Description: line.description.slice(0, 60) } : {}),
    })),
  };
}

/** Fits a message into `Sage_Sync_Message__c` (255 characters). */
export function syncMessage(text: string): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length <= 255 ? single : `${single.slice(0, 254)}…`;
}
