/**
 * The records the sandbox company holds, with Sage 300 Web API property names. Each `blank*` function returns a
 * record with every property the resource exposes, set to Sage's defaults: its keys are the resource's property list
 * (used to validate `$filter`, `$select` and request bodies) and the starting point of a POST.
 */

export type SageRecord = Record<string, unknown>;

export function blankCustomer(): SageRecord {
  return {
    CustomerNumber: '',
    ShortName: '',
    GroupCode: '',
    NationalAccount: '',
    Status: 'Active',
    InactiveDate: null,
    DateLastMaintained: null,
    OnHold: 'No',
    StartDate: null,
    CustomerName: '',
    AddressLine1: '',
    AddressLine2: '',
    AddressLine3: '',
    AddressLine4: '',
    City: '',
    StateProvince: '',
    ZipPostalCode: '',
    Country: '',
    PhoneNumber: '',
    FaxNumber: '',
    Email: '',
    WebSite: '',
    ContactName: '',
    ContactsPhone: '',
    ContactsFax: '',
    ContactsEmail: '',
    TerritoryCode: '',
    AccountSet: '',
    BillingCycle: '',
    InterestProfile: '',
    CurrencyCode: 'USD',
    PrintStatements: 'Yes',
    AccountType: 'OpenItem',
    Terms: '',
    TaxGroup: '',
    CustomerPriceList: '',
    ShipViaCode: '',
    PrimaryShipToLocation: '',
    CheckCreditLimit: 'Yes',
    CreditLimitCustomerCurrency: 0,
    BalanceDueInCustomerCurrency: 0,
    BalanceDueInFunctionalCurrency: 0,
    AmountPastDue: 0,
    NumberOfOpenDocuments: 0,
    NumberOfPaidInvoices: 0,
    AverageDaysToPay: 0,
    DateOfLastInvoice: null,
    DateOfLastReceipt: null,
    DateOfLastActivity: null,
    LastInvoiceAmountCustomerCurrency: 0,
    LastReceiptCustomerCurrency: 0,
    CustomerOptionalFieldValues: [],
  };
}

export function blankShipToLocation(): SageRecord {
  return {
    CustomerNumber: '',
    ShipToLocationKey: '',
    Status: 'Active',
    DateLastMaintained: null,
    Description: '',
    AddressLine1: '',
    AddressLine2: '',
    AddressLine3: '',
    AddressLine4: '',
    City: '',
    StateProvince: '',
    ZipPostalCode: '',
    Country: '',
    ContactName: '',
    PhoneNumber: '',
    FaxNumber: '',
    Email: '',
    ContactsPhone: '',
    ContactsEmail: '',
    TaxGroup: '',
    CustomerPriceList: '',
    ShipViaCode: '',
    PrimaryShipToIndicator: 'No',
    InventoryLocation: '',
    SpecialInstructions: '',
  };
}

export function blankCustomerGroup(): SageRecord {
  return {
    GroupCode: '',
    Description: '',
    Status: 'Active',
    DateLastMaintained: null,
    AccountSet: '',
    BillingCycle: '',
    InterestProfile: '',
    AccountType: 'OpenItem',
    Terms: '',
    AllowEditOfCreditLimit: 'Yes',
    CreditLimit1Currency: 'USD',
    CreditLimit1Amount: 0,
    CheckCreditLimit: 'Yes',
  };
}

export function blankTerms(): SageRecord {
  return {
    TermsCode: '',
    Description: '',
    Status: 'Active',
    DateLastMaintained: null,
    UsePaymentSchedule: 'No',
    CalculationBaseForDiscountwithTax: 'Excluded',
    DiscountType: 'DaysFromInvoiceDate',
    DueDateType: 'DaysFromInvoiceDate',
    NumberOfPayments: 1,
    TotalPercentDue: 100,
    TermsPaymentSchedules: [],
  };
}

export function blankPostedDocument(): SageRecord {
  return {
    CustomerNumber: '',
    DocumentNumber: '',
    DocumentType: 'Invoice',
    TransactionType: 'InvoiceItemIssued',
    DocumentDate: null,
    DueDate: null,
    DatePaid: null,
    PostingDate: null,
    LastActivityDate: null,
    FullyPaid: 'No',
    CurrencyCode: 'USD',
    CustomerCurrencyInvoiceAmount: 0,
    CustomerCurrencyAmountDue: 0,
    FunctionalCurrencyInvoiceAmount: 0,
    FunctionalCurrencyAmountDue: 0,
    OrderNumber: '',
    PONumber: '',
    Terms: '',
    GroupCode: '',
    ShipToLocation: '',
    DocumentDescription: '',
    BatchNumber: 0,
    EntryNumber: 0,
  };
}

export function blankPayment(): SageRecord {
  return {
    CustomerNumber: '',
    DocumentNumber: '',
    SequenceNumber: 0,
    PaymentType: 'Receipt',
    DocumentType: 'Invoice',
    DocumentDate: null,
    PostingDate: null,
    CheckNumber: '',
    PaymentAmount: 0,
    PaymentCurrency: 'USD',
    BankCode: 'SEATTLE',
    BatchNumber: 0,
    EntryNumber: 0,
  };
}

export function blankOrder(): SageRecord {
  return {
    OrderUniquifier: 0,
    OrderNumber: '',
    CustomerNumber: '',
    OrderType: 'Active',
    OrderDate: null,
    ExpectedShipDate: null,
    OrderReference: '',
    PurchaseOrderNumber: '',
    OrderDescription: '',
    ShipToLocationCode: '',
    ShipViaCode: '',
    TermsCode: '',
    PriceListCode: '',
    DefaultLocationCode: '',
    OnHold: false,
    OrderCompleted: 'Incomplete',
    LastInvoiceNumber: '',
    OrderCurrency: 'USD',
    OrderTotal: 0,
    BillToName: '',
    BillToAddressLine1: '',
    BillToAddressLine2: '',
    BillToCity: '',
    BillToStateProvince: '',
    BillToZipPostalCode: '',
    BillToCountry: '',
    BillToContact: '',
    BillToEmail: '',
    ShipToName: '',
    ShipToAddressLine1: '',
    ShipToAddressLine2: '',
    ShipToCity: '',
    ShipToStateProvince: '',
    ShipToZipPostalCode: '',
    ShipToCountry: '',
    ShipToContact: '',
    InvoiceWillBeProduced: false,
    OrderOptionalFields: [],
    OrderDetails: [],
  };
}

export function blankOrderDetail(): SageRecord {
  return {
    LineNumber: 0,
    LineType: 'Item',
    Item: '',
    Description: '',
    Location: '',
    QuantityOrdered: 0,
    QuantityShipped: 0,
    QuantityBackordered: 0,
    OrderUnitOfMeasure: '',
    PriceList: '',
    PricingUnitPrice: 0,
    PriceOverride: false,
    ExtendedAmount: 0,
    MiscellaneousChargesCode: '',
    OrderDetailOptionalFields: [],
  };
}

export function blankInvoice(): SageRecord {
  return {
    InvoiceUniquifier: 0,
    InvoiceNumber: '',
    InvoiceDate: null,
    OrderNumber: '',
    OrderUniquifier: 0,
    CustomerNumber: '',
    OrderReference: '',
    PurchaseOrderNumber: '',
    InvoiceSubtotalAmount: 0,
    InvoiceTotalWithTax: 0,
    InvoiceDetails: [],
  };
}

export function blankItem(): SageRecord {
  return {
    ItemNumber: '',
    UnformattedItemNumber: '',
    Description: '',
    StructureCode: 'LONG',
    Category: '',
    AccountSetCode: '',
    // The notes mark the inactive flag's exact spelling as unsettled; Status (Active/Inactive) matches AR's enums.
    Status: 'Active',
    StockItem: true,
    StockingUnitOfMeasure: 'Ea.',
    DefaultPriceListCode: '',
    UnitWeight: 0,
    WeightUnitOfMeasure: 'lbs.',
    DateLastMaintained: null,
    QuantityOnHand: 0,
    QuantityAvailable: 0,
    QuantityOnSalesOrder: 0,
    QuantityOnPurchaseOrder: 0,
    ItemUnitsOfMeasure: [],
  };
}

export function blankItemPricing(): SageRecord {
  return {
    ItemNumber: '',
    PriceListCode: '',
    CurrencyCode: 'USD',
    UnformattedItemNumber: '',
    Description: '',
    PriceBy: 'Quantity',
    SellingPriceBasedon: 'Discount',
    DateLastMaintained: null,
    ItemPricingDetails: [],
  };
}

export function blankPriceList(): SageRecord {
  return { PriceListCodeKey: '', Description: '', SellingPriceBasedon: 'Discount', DateLastMaintained: null };
}

/** A tax group (`TX/TXGroups`, sales), which a customer's `TaxGroup` must name. */
export function blankTaxGroup(): SageRecord {
  return { TaxGroup: '', TransactionType: 'Sales', Description: '', TaxCurrency: 'USD' };
}

export function blankLocation(): SageRecord {
  return {
    LocationKey: '',
    Name: '',
    LocationType: 'Physical',
    Status: 'Active',
    AddressLine1: '',
    City: '',
    StateProvince: '',
    ZipPostalCode: '',
    Country: '',
  };
}

export function blankShipVia(): SageRecord {
  return {
    Code: '',
    Name: '',
    AddressLine1: '',
    City: '',
    StateProvince: '',
    Country: '',
    PhoneNumber: '',
    Contact: '',
  };
}

export function blankMiscellaneousCharge(): SageRecord {
  return { MiscellaneousChargesCode: '', Description: '', Amount: 0, Currency: 'USD' };
}
