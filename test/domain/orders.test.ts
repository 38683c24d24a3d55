import {
  canonicalSalesforceId,
  describeOrderProblem,
  orderLines,
  orderProblems,
  orderTotal,
  sageOrderBody,
  syncMessage,
  type OpportunityForOrder,
} from '../../middleware/src/domain/orders.js';

const line = (id: string, item: string | null, quantity: number, price: number, name = `Product ${id}`) => ({
  Id: id,
  Quantity: quantity,
  UnitPrice: price,
  Product2: { Name: name, Sage_Item_Number__c: item },
});

const won: OpportunityForOrder = {
  Id: '006000000000001AAA',
  Name: 'Black & Co — spring restock',
  StageName: 'Closed Won',
  IsWon: true,
  lines: [line('00k1', ' a1-105/0 ', 2, 88.05), line('00k2', 'A11030', 3, 10.333)],
};

describe('order rules', () => {
  it('turns a 15-character Salesforce id into its 18-character form and leaves others alone', () => {
    expect(canonicalSalesforceId('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
    expect(canonicalSalesforceId('006000000000001AAA')).toBe('006000000000001AAA');
  });

  it('accepts a won opportunity whose products all carry Sage item numbers', () => {
    expect(orderProblems(won)).toEqual([]);
    expect(orderLines(won)).toEqual([
      { itemNumber: 'A1-105/0', quantity: 2, unitPrice: 88.05, description: null },
      { itemNumber: 'A11030', quantity: 3, unitPrice: 10.33, description: null },
    ]);
    expect(orderTotal(orderLines(won))).toBe(207.09);
  });

  it('refuses an opportunity that is not won, naming its stage', () => {
    const problems = orderProblems({ ...won, StageName: 'Negotiation/Review', IsWon: false });
    expect(problems).toEqual([{ code: 'NOT_CLOSED_WON', stage: 'Negotiation/Review' }]);
    expect(describeOrderProblem(problems[0] ?? { code: 'NO_LINES' })).toContain('Negotiation/Review');
  });

  it('names every product without a Sage item number', () => {
    const problems = orderProblems({
      ...won,
      lines: [...won.lines, line('00k3', null, 1, 5, 'Gift wrap'), line('00k4', '  ', 1, 5, 'Setup fee')],
    });
    expect(problems).toEqual([{ code: 'PRODUCTS_WITHOUT_SAGE_ITEM', products: ['Gift wrap', 'Setup fee'] }]);
    expect(describeOrderProblem(problems[0] ?? { code: 'NO_LINES' })).toBe(
      'These products have no Sage item number: Gift wrap, Setup fee.',
    );
  });

  it('refuses an opportunity without lines or with a zero quantity', () => {
    expect(orderProblems({ ...won, lines: [] })).toEqual([{ code: 'NO_LINES' }]);
    expect(orderProblems({ ...won, lines: [line('00k5', 'A11030', 0, 1, 'Pins')] })).toEqual([
      { code: 'INVALID_QUANTITY', products: ['Pins'] },
    ]);
  });

  it('builds a Sage order referencing the opportunity with the agreed prices imposed', () => {
    const body = sageOrderBody(won, '1200', orderLines(won), new Date('2026-05-02T23:30:00Z'));
    expect(Object.keys(body)[0]).toBe('CustomerNumber');
    expect(body).toMatchObject({
      CustomerNumber: '1200',
      OrderReference: '006000000000001AAA',
      OrderDate: '2026-05-02',
      OrderType: 'Active',
    });
    expect(body.OrderDetails[0]).toEqual({
      LineType: 'Item',
      Item: 'A1-105/0',
      QuantityOrdered: 2,
      PricingUnitPrice: 88.05,
      PriceOverride: true,
    });
  });

  it('fits long messages into the opportunity message field', () => {
    expect(syncMessage('a\n  b')).toBe('a b');
    expect(syncMessage('x'.repeat(400))).toHaveLength(255);
  });
});
