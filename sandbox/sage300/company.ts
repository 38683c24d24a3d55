import { addDays, parseSageDate, sageDate, startOfDay } from './dates.js';
import { SageApiError, recordInvalid, recordNotFound } from './errors.js';
import { assignFields } from './payload.js';
import {
  blankCustomer,
  blankCustomerGroup,
  blankInvoice,
  blankItem,
  blankItemPricing,
  blankLocation,
  blankMiscellaneousCharge,
  blankOrder,
  blankOrderDetail,
  blankPayment,
  blankPostedDocument,
  blankPriceList,
  blankShipToLocation,
  blankShipVia,
  blankTaxGroup,
  blankTerms,
} from './records.js';
import type { SageRecord } from './records.js';
import { Table } from './table.js';

const round2 = (value: number) => Math.round(value * 100) / 100;
const text = (value: unknown) => (typeof value === 'string' ? value.trimEnd() : '');
const upper = (value: unknown) => text(value).toUpperCase();

/** An order's address fields (after the `BillTo`/`ShipTo` prefix) and the customer or ship-to field each defaults from. */
const ORDER_ADDRESS_DEFAULTS = [
  ['Name', 'CustomerName'],
  ['AddressLine1', 'AddressLine1'],
  ['AddressLine2', 'AddressLine2'],
  ['City', 'City'],
  ['StateProvince', 'StateProvince'],
  ['ZipPostalCode', 'ZipPostalCode'],
  ['Country', 'Country'],
  ['Contact', 'ContactName'],
] as const;

/** Fills the order's blank bill-to or ship-to address fields from `source`, as Sage's order entry does. */
function fillAddress(order: SageRecord, prefix: 'BillTo' | 'ShipTo', source: SageRecord): void {
  for (const [field, sourceField] of ORDER_ADDRESS_DEFAULTS) order[prefix + field] ||= source[sourceField];
}

/** What the control endpoint needs to record a customer payment against a posted document. */
export interface PaymentInput {
  customerNumber: string;
  documentNumber: string;
  amount: number;
  paymentDate?: string;
  checkNumber?: string;
}

/** What the control endpoint needs to post an A/R invoice for a customer directly. */
export interface InvoiceInput {
  customerNumber: string;
  amount: number;
  /** Default: the next `IN…` number. */
  documentNumber?: string;
  /** `YYYY-MM-DD`; default the business date. The due date follows from the customer's terms. */
  documentDate?: string;
}

/**
 * One Sage 300 company database: master data, the A/R open-item ledger, orders and invoices, with the business
 * rules that keep them consistent (stock commitments, balances, past-due amounts, last-activity dates).
 */
export class Company {
  readonly customers = new Table(['CustomerNumber'], blankCustomer);
  readonly shipToLocations = new Table(['CustomerNumber', 'ShipToLocationKey'], blankShipToLocation);
  readonly customerGroups = new Table(['GroupCode'], blankCustomerGroup);
  readonly terms = new Table(['TermsCode'], blankTerms);
  readonly postedDocuments = new Table(['CustomerNumber', 'DocumentNumber'], blankPostedDocument);
  readonly payments = new Table(['CustomerNumber', 'DocumentNumber', 'SequenceNumber'], blankPayment);
  readonly orders = new Table(['OrderUniquifier'], blankOrder);
  readonly invoices = new Table(['InvoiceUniquifier'], blankInvoice);
  readonly items = new Table(['ItemNumber'], blankItem);
  readonly itemPricing = new Table(['ItemNumber', 'PriceListCode', 'CurrencyCode'], blankItemPricing);
  readonly priceLists = new Table(['PriceListCodeKey'], blankPriceList);
  readonly taxGroups = new Table(['TaxGroup'], blankTaxGroup);
  readonly locations = new Table(['LocationKey'], blankLocation);
  readonly shipVia = new Table(['Code'], blankShipVia);
  readonly miscellaneousCharges = new Table(['MiscellaneousChargesCode'], blankMiscellaneousCharge);

  nextOrderUniquifier = 10_021_001;
  nextOrderNumber = 1_001;
  nextInvoiceNumber = 1_001;
  nextBatchNumber = 101;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly currency: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The company's business date (midnight UTC). */
  today(): Date {
    return startOfDay(this.clock());
  }

  /** Stamps `DateLastMaintained` on a master record that was created or changed. */
  touch(record: SageRecord): void {
    record.DateLastMaintained = sageDate(this.today());
  }

  /** Creates a sales order (POST OEOrders): validates, numbers, prices and commits stock as Sage does. */
  createOrder(body: SageRecord): SageRecord {
    const blank = blankOrder();
    const order = blankOrder();
    const { OrderDetails: rawDetails, ...header } = body;
    assignFields(
      'OEOrder',
      order,
      header,
      blank,
      new Set(['OrderUniquifier', 'OrderTotal', 'LastInvoiceNumber', 'OrderCompleted']),
    );
    if (rawDetails !== undefined && !Array.isArray(rawDetails)) {
      throw new SageApiError(400, 'InvalidPayload', 'OrderDetails must be an array');
    }

    const customerNumber = upper(order.CustomerNumber);
    if (!customerNumber) throw recordInvalid('Customer Number cannot be blank.');
    const customer = this.customers.get([customerNumber]);
    if (!customer) throw recordInvalid(`Customer ${customerNumber} does not exist.`);
    if (customer.Status === 'Inactive') throw recordInvalid(`Customer ${customerNumber} is inactive.`);
    if (customer.OnHold === 'Yes') throw recordInvalid(`Customer ${customerNumber} is on hold.`);
    if (order.OrderType !== 'Active' && order.OrderType !== 'Quote') {
      throw recordInvalid(`Order type ${String(order.OrderType)} is not valid.`);
    }
    if (text(order.OrderReference).length > 60) throw recordInvalid('Order Reference cannot exceed 60 characters.');

    if (text(order.OrderNumber)) {
      order.OrderNumber = upper(order.OrderNumber);
      if (this.orders.all().some((existing) => existing.OrderNumber === order.OrderNumber)) {
        throw new SageApiError(409, 'RecordDuplicate', `Order ${String(order.OrderNumber)} already exists.`);
      }
    } else {
      order.OrderNumber = `ORD${String(this.nextOrderNumber++).padStart(12, '0')}`;
    }
    order.CustomerNumber = customer.CustomerNumber;
    order.OrderDate ??= sageDate(this.today());
    order.ExpectedShipDate ??= order.OrderDate;
    order.TermsCode = text(order.TermsCode) || customer.Terms;
    if (!this.terms.get([order.TermsCode]))
      throw recordInvalid(`Terms code ${String(order.TermsCode)} does not exist.`);
    order.PriceListCode = text(order.PriceListCode) || customer.CustomerPriceList;
    order.ShipViaCode = text(order.ShipViaCode) || customer.ShipViaCode;
    order.DefaultLocationCode = text(order.DefaultLocationCode) || '1';
    order.OrderCurrency = customer.CurrencyCode;
    this.fillAddresses(order, customer);

    const details = ((rawDetails as SageRecord[] | undefined) ?? []).map((raw, index) =>
      this.orderLine(order, raw, (index + 1) * 32),
    );
    order.OrderDetails = details;
    order.OrderTotal = round2(details.reduce((sum, line) => sum + (line.ExtendedAmount as number), 0));
    order.OrderUniquifier = this.nextOrderUniquifier++;

    if (order.OrderType === 'Active') {
      for (const line of details) {
        if (line.LineType !== 'Item') continue;
        const item = this.items.get([line.Item]) as SageRecord;
        item.QuantityOnSalesOrder = (item.QuantityOnSalesOrder as number) + (line.QuantityOrdered as number);
        item.QuantityAvailable = (item.QuantityOnHand as number) - (item.QuantityOnSalesOrder as number);
      }
      this.items.changed();
    }
    return this.orders.put(order);
  }

  private fillAddresses(order: SageRecord, customer: SageRecord): void {
    fillAddress(order, 'BillTo', customer);
    order.BillToEmail ||= customer.ContactsEmail;
    let shipTo: SageRecord = customer;
    if (text(order.ShipToLocationCode)) {
      const location = this.shipToLocations.get([customer.CustomerNumber, order.ShipToLocationCode]);
      if (!location) {
        throw recordInvalid(`Ship-to location ${String(order.ShipToLocationCode)} does not exist for this customer.`);
      }
      order.ShipToLocationCode = location.ShipToLocationKey;
      shipTo = { ...location, CustomerName: location.Description };
    }
    fillAddress(order, 'ShipTo', shipTo);
  }

  private orderLine(order: SageRecord, raw: SageRecord, lineNumber: number): SageRecord {
    const line = blankOrderDetail();
    assignFields('OEOrderDetail', line, raw, blankOrderDetail(), new Set(['LineNumber']));
    line.LineNumber = lineNumber;
    if (line.LineType === 'Miscellaneous') {
      const charge = this.miscellaneousCharges.get([line.MiscellaneousChargesCode]);
      if (!charge) {
        throw recordInvalid(`Miscellaneous charge ${String(line.MiscellaneousChargesCode)} does not exist.`);
      }
      line.MiscellaneousChargesCode = charge.MiscellaneousChargesCode;
      line.Description ||= charge.Description;
      if (!('ExtendedAmount' in raw)) line.ExtendedAmount = charge.Amount;
      line.ExtendedAmount = round2(line.ExtendedAmount as number);
      return line;
    }
    if (line.LineType !== 'Item') throw recordInvalid(`Line type ${String(line.LineType)} is not valid.`);
    const item = this.items.get([line.Item]);
    if (!item) throw recordInvalid(`Item ${text(line.Item)} does not exist.`);
    if (item.Status === 'Inactive') throw recordInvalid(`Item ${String(item.ItemNumber)} is inactive.`);
    line.Item = item.ItemNumber;
    line.Description ||= item.Description;
    line.Location = text(line.Location) || order.DefaultLocationCode;
    if (!this.locations.get([line.Location])) throw recordInvalid(`Location ${String(line.Location)} does not exist.`);
    if ((line.QuantityOrdered as number) <= 0) throw recordInvalid('Quantity ordered must be greater than zero.');
    line.OrderUnitOfMeasure = text(line.OrderUnitOfMeasure) || item.StockingUnitOfMeasure;
    if (line.PriceOverride === true && 'PricingUnitPrice' in raw) {
      line.PriceList = order.PriceListCode;
    } else {
      const { priceList, unitPrice } = this.basePrice(
        item,
        order.PriceListCode as string,
        order.OrderCurrency as string,
      );
      line.PriceList = priceList;
      line.PricingUnitPrice = unitPrice;
      line.PriceOverride = false;
    }
    line.ExtendedAmount = round2((line.QuantityOrdered as number) * (line.PricingUnitPrice as number));
    return line;
  }

  /** The base price of an item on a price list, falling back to the item's default list as Sage does. */
  basePrice(item: SageRecord, priceList: string, currency: string): { priceList: string; unitPrice: number } {
    for (const list of [priceList, item.DefaultPriceListCode as string]) {
      const pricing = this.itemPricing.get([item.ItemNumber, list, currency]);
      const base = (pricing?.ItemPricingDetails as SageRecord[] | undefined)?.find(
        (detail) => detail.PriceDetailType === 'BasePriceQuantity',
      );
      if (pricing && base) return { priceList: pricing.PriceListCode as string, unitPrice: base.UnitPrice as number };
    }
    throw recordInvalid(`Item ${String(item.ItemNumber)} has no price in price list ${priceList} (${currency}).`);
  }

  /** Finds an order by its uniquifier (a number) or its order number. */
  findOrder(reference: number | string): SageRecord | undefined {
    const asNumber = typeof reference === 'number' ? reference : Number(reference);
    if (Number.isInteger(asNumber) && this.orders.get([asNumber])) return this.orders.get([asNumber]);
    const number = upper(String(reference));
    return this.orders.all().find((order) => order.OrderNumber === number);
  }

  /**
   * Ships and invoices a whole order, as Sage's day-end would after an invoice is produced: creates the OE invoice
   * and the A/R posted document, relieves stock, and updates the customer's balance and activity.
   */
  invoiceOrder(
    reference: number | string,
    options: { invoiceDate?: string } = {},
  ): { invoice: SageRecord; document: SageRecord } {
    const order = this.findOrder(reference);
    if (!order) throw recordNotFound(`Order ${String(reference)} does not exist.`);
    if (order.OrderType !== 'Active') throw recordInvalid(`Order ${String(order.OrderNumber)} is a quote.`);
    if (order.OrderCompleted === 'Completed') {
      throw recordInvalid(`Order ${String(order.OrderNumber)} is already invoiced.`);
    }
    const invoiceDate = options.invoiceDate === undefined ? this.today() : parseSageDate(options.invoiceDate);
    if (!invoiceDate) throw new SageApiError(400, 'InvalidParameters', 'invoiceDate must be an ISO date');
    const customer = this.customers.get([order.CustomerNumber]) as SageRecord;

    const details = order.OrderDetails as SageRecord[];
    for (const line of details) {
      line.QuantityShipped = line.QuantityOrdered;
      if (line.LineType !== 'Item') continue;
      const item = this.items.get([line.Item]) as SageRecord;
      item.QuantityOnHand = (item.QuantityOnHand as number) - (line.QuantityOrdered as number);
      item.QuantityOnSalesOrder = Math.max(0, (item.QuantityOnSalesOrder as number) - (line.QuantityOrdered as number));
      item.QuantityAvailable = (item.QuantityOnHand as number) - (item.QuantityOnSalesOrder as number);
    }
    this.items.changed();

    const invoiceNumber = `IN${String(this.nextInvoiceNumber++).padStart(12, '0')}`;
    const invoice = blankInvoice();
    Object.assign(invoice, {
      InvoiceUniquifier: this.invoices.size + 1,
      InvoiceNumber: invoiceNumber,
      InvoiceDate: sageDate(invoiceDate),
      OrderNumber: order.OrderNumber,
      OrderUniquifier: order.OrderUniquifier,
      CustomerNumber: order.CustomerNumber,
      OrderReference: order.OrderReference,
      PurchaseOrderNumber: order.PurchaseOrderNumber,
      InvoiceSubtotalAmount: order.OrderTotal,
      InvoiceTotalWithTax: order.OrderTotal,
      InvoiceDetails: details.map((line) => ({
        LineNumber: line.LineNumber,
        LineType: line.LineType,
        Item: line.Item,
        Description: line.Description,
        Location: line.Location,
        QuantityShipped: line.QuantityShipped,
        PricingUnitPrice: line.PricingUnitPrice,
        ExtendedAmount: line.ExtendedAmount,
        MiscellaneousChargesCode: line.MiscellaneousChargesCode,
      })),
    });
    this.invoices.put(invoice);
    order.OrderCompleted = 'Completed';
    order.LastInvoiceNumber = invoiceNumber;
    this.orders.changed();

    const document = this.postDocument(customer, {
      DocumentNumber: invoiceNumber,
      DocumentType: 'Invoice',
      DocumentDate: invoiceDate,
      Amount: order.OrderTotal as number,
      OrderNumber: order.OrderNumber as string,
      PONumber: order.PurchaseOrderNumber as string,
      Terms: order.TermsCode as string,
      DocumentDescription: text(order.OrderDescription) || `Order ${String(order.OrderNumber)}`,
    });
    this.refreshCustomerFinancials(customer.CustomerNumber as string);
    return { invoice, document };
  }

  /**
   * Posts an A/R invoice for a customer, as a posted A/R invoice batch would: the document with the due date of the
   * customer's terms, and the customer's balance and activity refreshed.
   */
  postInvoice(input: InvoiceInput): { document: SageRecord } {
    const customer = this.customers.get([upper(input.customerNumber)]);
    if (!customer) throw recordNotFound(`Customer ${input.customerNumber} does not exist.`);
    const amount = round2(input.amount);
    if (!(amount > 0)) throw recordInvalid('The invoice amount must be greater than zero.');
    const documentDate = input.documentDate === undefined ? this.today() : parseSageDate(input.documentDate);
    if (!documentDate) throw new SageApiError(400, 'InvalidParameters', 'documentDate must be an ISO date');
    const documentNumber =
      input.documentNumber === undefined
        ? `IN${String(this.nextInvoiceNumber++).padStart(12, '0')}`
        : upper(input.documentNumber);
    if (this.postedDocuments.get([customer.CustomerNumber, documentNumber])) {
      throw new SageApiError(409, 'RecordDuplicate', `Document ${documentNumber} already exists.`);
    }
    const document = this.postDocument(customer, {
      DocumentNumber: documentNumber,
      DocumentType: 'Invoice',
      DocumentDate: documentDate,
      Amount: amount,
      DocumentDescription: 'A/R invoice',
    });
    this.refreshCustomerFinancials(customer.CustomerNumber as string);
    return { document };
  }

  /** Adds a document to the A/R ledger with the due date its terms give. */
  postDocument(
    customer: SageRecord,
    input: {
      DocumentNumber: string;
      DocumentType: string;
      DocumentDate: Date;
      Amount: number;
      OrderNumber?: string;
      PONumber?: string;
      Terms?: string;
      DocumentDescription?: string;
      PostingDate?: Date;
    },
  ): SageRecord {
    const document = blankPostedDocument();
    const terms = input.Terms ?? (customer.Terms as string);
    const isCredit = input.DocumentType === 'CreditNote';
    const amount = round2(isCredit ? -Math.abs(input.Amount) : input.Amount);
    const posting = input.PostingDate ?? input.DocumentDate;
    Object.assign(document, {
      CustomerNumber: customer.CustomerNumber,
      DocumentNumber: input.DocumentNumber,
      DocumentType: input.DocumentType,
      TransactionType: isCredit ? 'CreditNoteItemIssued' : 'InvoiceItemIssued',
      DocumentDate: sageDate(input.DocumentDate),
      DueDate: isCredit ? null : sageDate(this.dueDate(terms, input.DocumentDate)),
      PostingDate: sageDate(posting),
      LastActivityDate: sageDate(posting),
      CurrencyCode: customer.CurrencyCode,
      CustomerCurrencyInvoiceAmount: amount,
      CustomerCurrencyAmountDue: amount,
      FunctionalCurrencyInvoiceAmount: amount,
      FunctionalCurrencyAmountDue: amount,
      OrderNumber: input.OrderNumber ?? '',
      PONumber: input.PONumber ?? '',
      Terms: terms,
      GroupCode: customer.GroupCode,
      DocumentDescription: input.DocumentDescription ?? '',
      BatchNumber: this.nextBatchNumber++,
      EntryNumber: 1,
    });
    return this.postedDocuments.put(document);
  }

  /** Due date from the terms: days from the document date, or the 25th of the next month for a due-date table. */
  dueDate(termsCode: string, documentDate: Date): Date {
    const terms = this.terms.get([termsCode]);
    const schedule = (terms?.TermsPaymentSchedules as SageRecord[] | undefined)?.[0];
    if (terms?.DueDateType === 'DueDateTable') {
      return new Date(Date.UTC(documentDate.getUTCFullYear(), documentDate.getUTCMonth() + 1, 25));
    }
    return addDays(documentDate, (schedule?.DueNumberOfDays as number | undefined) ?? 30);
  }

  /** Applies a customer payment to one posted document (what a posted receipt batch does). */
  recordPayment(input: PaymentInput): { payment: SageRecord; document: SageRecord } {
    const document = this.postedDocuments.get([input.customerNumber, input.documentNumber]);
    if (!document) {
      throw recordNotFound(`Document ${input.documentNumber} of customer ${input.customerNumber} does not exist.`);
    }
    const due = document.CustomerCurrencyAmountDue as number;
    const amount = round2(input.amount);
    if (!(amount > 0)) throw recordInvalid('The payment amount must be greater than zero.');
    if (document.FullyPaid === 'Yes' || due <= 0) {
      throw recordInvalid(`Document ${String(document.DocumentNumber)} is fully paid.`);
    }
    if (amount > due) throw recordInvalid(`The payment ${amount} exceeds the amount due ${due}.`);
    const paymentDate = input.paymentDate === undefined ? this.today() : parseSageDate(input.paymentDate);
    if (!paymentDate) throw new SageApiError(400, 'InvalidParameters', 'paymentDate must be an ISO date');

    const payment = this.applyPayment(document, amount, paymentDate, input.checkNumber);
    this.refreshCustomerFinancials(document.CustomerNumber as string);
    return { payment, document };
  }

  /** Writes the payment row and reduces the document's amount due; the caller refreshes the customer. */
  applyPayment(document: SageRecord, amount: number, paymentDate: Date, checkNumber?: string): SageRecord {
    let sequence = 1;
    for (const earlier of this.payments.groupOf(document.CustomerNumber as string)) {
      if (earlier.DocumentNumber === document.DocumentNumber) sequence++;
    }
    const payment = blankPayment();
    Object.assign(payment, {
      CustomerNumber: document.CustomerNumber,
      DocumentNumber: document.DocumentNumber,
      SequenceNumber: sequence,
      DocumentType: document.DocumentType,
      DocumentDate: sageDate(paymentDate),
      PostingDate: sageDate(paymentDate),
      CheckNumber: checkNumber ?? '',
      PaymentAmount: amount,
      PaymentCurrency: document.CurrencyCode,
      BatchNumber: this.nextBatchNumber++,
      EntryNumber: 1,
    });
    this.payments.put(payment);
    const remaining = round2((document.CustomerCurrencyAmountDue as number) - amount);
    document.CustomerCurrencyAmountDue = remaining;
    document.FunctionalCurrencyAmountDue = remaining;
    document.LastActivityDate = sageDate(paymentDate);
    if (remaining === 0) {
      document.FullyPaid = 'Yes';
      document.DatePaid = sageDate(paymentDate);
    }
    this.postedDocuments.changed();
    return payment;
  }

  /** Recomputes the statistics Sage keeps on the customer from its open items and payments. */
  refreshCustomerFinancials(customerNumber: string): void {
    const customer = this.customers.get([customerNumber]);
    if (!customer) return;
    const today = this.today().getTime();
    let balance = 0;
    let pastDue = 0;
    let open = 0;
    let paidInvoices = 0;
    let daysToPay = 0;
    let lastInvoice: SageRecord | undefined;
    let lastActivity: string | null = null;
    for (const document of this.postedDocuments.groupOf(customerNumber)) {
      const due = document.CustomerCurrencyAmountDue as number;
      balance += due;
      if (due !== 0) open++;
      if (due > 0 && document.DueDate !== null && new Date(document.DueDate as string).getTime() < today)
        pastDue += due;
      if (document.DocumentType === 'Invoice') {
        if (!lastInvoice || (document.DocumentDate as string) >= (lastInvoice.DocumentDate as string)) {
          lastInvoice = document;
        }
        if (document.FullyPaid === 'Yes' && document.DatePaid) {
          paidInvoices++;
          daysToPay +=
            (new Date(document.DatePaid as string).getTime() - new Date(document.DocumentDate as string).getTime()) /
            86_400_000;
        }
      }
      if (lastActivity === null || (document.LastActivityDate as string) > lastActivity) {
        lastActivity = document.LastActivityDate as string;
      }
    }
    let lastReceipt: SageRecord | undefined;
    for (const payment of this.payments.groupOf(customerNumber)) {
      if (!lastReceipt || (payment.DocumentDate as string) >= (lastReceipt.DocumentDate as string))
        lastReceipt = payment;
    }
    Object.assign(customer, {
      BalanceDueInCustomerCurrency: round2(balance),
      BalanceDueInFunctionalCurrency: round2(balance),
      AmountPastDue: round2(pastDue),
      NumberOfOpenDocuments: open,
      NumberOfPaidInvoices: paidInvoices,
      AverageDaysToPay: paidInvoices === 0 ? 0 : Math.round((daysToPay / paidInvoices) * 10) / 10,
      DateOfLastInvoice: lastInvoice?.DocumentDate ?? null,
      LastInvoiceAmountCustomerCurrency: lastInvoice?.CustomerCurrencyInvoiceAmount ?? 0,
      DateOfLastReceipt: lastReceipt?.DocumentDate ?? null,
      LastReceiptCustomerCurrency: lastReceipt?.PaymentAmount ?? 0,
      DateOfLastActivity: lastActivity,
    });
    this.customers.changed();
  }
}
