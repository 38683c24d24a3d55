/**
 * Sage 300 Web API records with Sage's exact property names. Strings arrive trimmed (the transport strips Sage's
 * padding); dates are ISO strings (`2024-05-01T00:00:00Z`) or null; enums are Sage's names.
 */

export type YesNo = 'Yes' | 'No';
export type SageDate = string;

export interface OptionalFieldValue {
  OptionalField: string;
  Value: string;
}

/** AR/ARCustomers. */
export interface ArCustomer {
  CustomerNumber: string;
  CustomerName: string;
  ShortName: string;
  GroupCode: string;
  Status: 'Active' | 'Inactive';
  OnHold: YesNo;
  AddressLine1: string;
  AddressLine2: string;
  AddressLine3: string;
  AddressLine4: string;
  City: string;
  StateProvince: string;
  ZipPostalCode: string;
  Country: string;
  PhoneNumber: string;
  FaxNumber: string;
  Email: string;
  WebSite: string;
  ContactName: string;
  ContactsPhone: string;
  ContactsFax: string;
  ContactsEmail: string;
  Terms: string;
  TaxGroup: string;
  AccountSet: string;
  BillingCycle: string;
  CurrencyCode: string;
  CustomerPriceList: string;
  AccountType: string;
  CreditLimitCustomerCurrency: number;
  BalanceDueInCustomerCurrency: number;
  BalanceDueInFunctionalCurrency: number;
  AmountPastDue: number;
  NumberOfOpenDocuments: number;
  AverageDaysToPay: number;
  DateOfLastInvoice: SageDate | null;
  DateOfLastReceipt: SageDate | null;
  DateOfLastActivity: SageDate | null;
  DateLastMaintained: SageDate | null;
  CheckCreditLimit: YesNo;
  CustomerOptionalFieldValues: OptionalFieldValue[];
}

/** The fields a new customer is created with; `CustomerNumber`, `ShortName` and `GroupCode` are required. */
export type NewArCustomer = Pick<ArCustomer, 'CustomerNumber' | 'ShortName' | 'GroupCode'> &
  Partial<
    Pick<
      ArCustomer,
      | 'CustomerName'
      | 'Status'
      | 'OnHold'
      | 'AddressLine1'
      | 'AddressLine2'
      | 'AddressLine3'
      | 'AddressLine4'
      | 'City'
      | 'StateProvince'
      | 'ZipPostalCode'
      | 'Country'
      | 'PhoneNumber'
      | 'FaxNumber'
      | 'Email'
      | 'WebSite'
      | 'ContactName'
      | 'ContactsPhone'
      | 'ContactsFax'
      | 'ContactsEmail'
      | 'Terms'
      | 'TaxGroup'
      | 'AccountSet'
      | 'BillingCycle'
      | 'CurrencyCode'
      | 'CustomerPriceList'
      | 'CreditLimitCustomerCurrency'
      | 'CustomerOptionalFieldValues'
    >
  >;

/** Fields a PATCH may change on a customer (never its number). */
export type ArCustomerPatch = Partial<Omit<NewArCustomer, 'CustomerNumber'>>;

/** AR/ARShipToLocations. */
export interface ArShipToLocation {
  CustomerNumber: string;
  ShipToLocationKey: string;
  Description: string;
  AddressLine1: string;
  AddressLine2: string;
  AddressLine3: string;
  AddressLine4: string;
  City: string;
  StateProvince: string;
  ZipPostalCode: string;
  Country: string;
  ContactName: string;
  Email: string;
  PhoneNumber: string;
  PrimaryShipToIndicator: YesNo;
  DateLastMaintained: SageDate | null;
}

export type NewArShipToLocation = Pick<ArShipToLocation, 'CustomerNumber' | 'ShipToLocationKey'> &
  Partial<Omit<ArShipToLocation, 'CustomerNumber' | 'ShipToLocationKey' | 'DateLastMaintained'>>;

/** AR/ARTerms. */
export interface ArTerms {
  TermsCode: string;
  Description: string;
  DueDateType: string;
  DateLastMaintained: SageDate | null;
}

/** AR/ARCustomerGroups. */
export interface ArCustomerGroup {
  GroupCode: string;
  Description: string;
  Terms: string;
  AccountSet: string;
  DateLastMaintained: SageDate | null;
}

export type ArDocumentType =
  'Invoice' | 'CreditNote' | 'DebitNote' | 'Receipt' | 'Prepayment' | 'UnappliedCash' | string;

/** AR/ARPostedDocuments: the open-item ledger. */
export interface ArPostedDocument {
  CustomerNumber: string;
  DocumentNumber: string;
  DocumentType: ArDocumentType;
  DocumentDate: SageDate;
  DueDate: SageDate | null;
  DatePaid: SageDate | null;
  FullyPaid: YesNo;
  CustomerCurrencyInvoiceAmount: number;
  CustomerCurrencyAmountDue: number;
  CurrencyCode: string;
  OrderNumber: string;
  PONumber: string;
  Terms: string;
  PostingDate: SageDate | null;
  LastActivityDate: SageDate | null;
  DocumentDescription: string;
}

/** AR/ARPayments: posted payments applied to documents. */
export interface ArPayment {
  CustomerNumber: string;
  DocumentNumber: string;
  SequenceNumber: number;
  PaymentAmount: number;
  DocumentDate: SageDate;
  PaymentType: string;
  CheckNumber: string;
  PostingDate: SageDate | null;
}

/** A line of OE/OEOrders. */
export interface OeOrderDetail {
  LineNumber: number;
  LineType: 'Item' | 'Miscellaneous';
  Item: string;
  Description: string;
  Location: string;
  QuantityOrdered: number;
  QuantityShipped: number;
  OrderUnitOfMeasure: string;
  PricingUnitPrice: number;
  PriceOverride: boolean;
  ExtendedAmount: number;
  MiscellaneousChargesCode: string;
}

/** OE/OEOrders. */
export interface OeOrder {
  OrderUniquifier: number;
  OrderNumber: string;
  CustomerNumber: string;
  OrderType: 'Active' | 'Quote' | string;
  OrderDate: SageDate;
  ExpectedShipDate: SageDate | null;
  OrderReference: string;
  PurchaseOrderNumber: string;
  OrderDescription: string;
  ShipToLocationCode: string;
  ShipViaCode: string;
  TermsCode: string;
  DefaultLocationCode: string;
  OnHold: boolean;
  OrderTotal: number;
  OrderDetails: OeOrderDetail[];
  OrderOptionalFields: OptionalFieldValue[];
}

/** An item line to order: priced from the customer's price list unless `PricingUnitPrice` + `PriceOverride`. */
export interface NewOeOrderItemLine {
  LineType: 'Item';
  Item: string;
  QuantityOrdered: number;
  Location?: string;
  OrderUnitOfMeasure?: string;
  Description?: string;
  PricingUnitPrice?: number;
  PriceOverride?: boolean;
}

export interface NewOeOrderChargeLine {
  LineType: 'Miscellaneous';
  MiscellaneousChargesCode: string;
  ExtendedAmount?: number;
}

/** The body of POST OEOrders; `OrderReference` carries the caller's idempotency reference. */
export interface NewOeOrder {
  CustomerNumber: string;
  OrderReference: string;
  OrderDate?: SageDate;
  ExpectedShipDate?: SageDate;
  OrderType?: 'Active' | 'Quote';
  PurchaseOrderNumber?: string;
  OrderDescription?: string;
  ShipToLocationCode?: string;
  ShipViaCode?: string;
  TermsCode?: string;
  DefaultLocationCode?: string;
  OnHold?: boolean;
  OrderDetails: (NewOeOrderItemLine | NewOeOrderChargeLine)[];
  OrderOptionalFields?: OptionalFieldValue[];
}

/** OE/OEInvoices. */
export interface OeInvoice {
  InvoiceNumber: string;
  InvoiceDate: SageDate;
  OrderNumber: string;
  CustomerNumber: string;
  InvoiceSubtotalAmount: number;
  InvoiceTotalWithTax: number;
  InvoiceDetails: Record<string, unknown>[];
}

/** IC/ICItems with item-level stock. */
export interface IcItem {
  ItemNumber: string;
  UnformattedItemNumber: string;
  Description: string;
  Category: string;
  Status: 'Active' | 'Inactive';
  StockItem: boolean;
  StockingUnitOfMeasure: string;
  DefaultPriceListCode: string;
  DateLastMaintained: SageDate | null;
  QuantityOnHand: number;
  QuantityAvailable: number;
  QuantityOnSalesOrder: number;
  QuantityOnPurchaseOrder: number;
  ItemUnitsOfMeasure: { ItemNumber: string; UnitOfMeasure: string; ConversionFactor: number }[];
}

export interface IcItemPricingDetail {
  PriceDetailType: 'BasePriceQuantity' | 'SalePriceQuantity' | string;
  QuantityUnit: string;
  UnitPrice: number;
}

/** IC/ICItemPricing: one item on one price list in one currency. */
export interface IcItemPricing {
  ItemNumber: string;
  PriceListCode: string;
  CurrencyCode: string;
  Description: string;
  DateLastMaintained: SageDate | null;
  ItemPricingDetails: IcItemPricingDetail[];
}

/** IC/ICPriceListCodes. */
export interface IcPriceListCode {
  PriceListCodeKey: string;
  Description: string;
}

/** IC/ICLocations (the location master; Sage documents no per-location quantities). */
export interface IcLocation {
  LocationKey: string;
  Name: string;
}
