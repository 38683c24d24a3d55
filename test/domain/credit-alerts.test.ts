import {
  alertTaskKey,
  creditAlertChanges,
  creditAlertTask,
  limitLevel,
  openAlertKey,
  resolvedAlertKey,
  type CreditAlertType,
  type CreditFigures,
  type OpenCreditAlert,
} from '../../middleware/src/domain/credit-alerts.js';

const settings = { warningThreshold: 80, hysteresis: 5 };

const figures = (balance: number, overrides: Partial<CreditFigures> = {}): CreditFigures => ({
  customerNumber: '1200',
  customerName: 'Black Rock Retail',
  currency: 'USD',
  balance,
  creditLimit: 10_000,
  onHold: false,
  ...overrides,
});

const openAlert = (type: CreditAlertType, overrides: Partial<OpenCreditAlert> = {}): OpenCreditAlert => ({
  id: 'a00000000000001AAA',
  type,
  status: 'Open',
  balance: null,
  creditLimit: null,
  utilisation: null,
  threshold: null,
  message: null,
  ...overrides,
});

describe('the limit level with hysteresis', () => {
  it.each([
    [79.9, null, null],
    [80, null, 'Approaching Limit'],
    [100, null, 'Approaching Limit'],
    [100.1, null, 'Over Limit'],
    // An open Approaching alert holds until utilisation is 5 points below the threshold.
    [75.1, 'Approaching Limit', 'Approaching Limit'],
    [75, 'Approaching Limit', null],
    // An open Over alert holds above 95 %, then steps down to Approaching, then clears at 75 %.
    [95.1, 'Over Limit', 'Over Limit'],
    [95, 'Over Limit', 'Approaching Limit'],
    [75, 'Over Limit', null],
    [null, 'Over Limit', null],
  ] as const)('utilisation %s with %s open → %s', (utilisation, current, expected) => {
    expect(limitLevel(utilisation, current, settings)).toBe(expected);
  });
});

describe('credit alert changes', () => {
  it('opens Approaching Limit as a warning and Over Limit and On Hold as critical', () => {
    expect(creditAlertChanges(figures(8_500), {}, settings)).toEqual([
      {
        action: 'open',
        condition: 'LIMIT',
        content: {
          type: 'Approaching Limit',
          severity: 'Warning',
          balance: 8_500,
          creditLimit: 10_000,
          utilisation: 85,
          threshold: 80,
          message: 'The balance of 8,500.00 USD is 85.0 % of the credit limit of 10,000.00 USD (warning at 80.0 %).',
        },
      },
    ]);
    const changes = creditAlertChanges(figures(12_000, { onHold: true }), {}, settings);
    expect(changes.map((change) => [change.action, change.condition])).toEqual([
      ['open', 'LIMIT'],
      ['open', 'HOLD'],
    ]);
    expect(changes.map((change) => (change.action === 'open' ? change.content.severity : ''))).toEqual([
      'Critical',
      'Critical',
    ]);
    expect(changes[1]).toMatchObject({
      content: { type: 'On Hold', message: 'Black Rock Retail (1200) is on hold in Sage 300 (balance 12,000.00 USD).' },
    });
  });

  it('escalates the open Approaching alert instead of opening a second one', () => {
    const approaching = openAlert('Approaching Limit', { status: 'Acknowledged' });
    const [change] = creditAlertChanges(figures(10_500), { LIMIT: approaching }, settings);
    expect(change).toMatchObject({
      action: 'escalate',
      alert: approaching,
      content: { type: 'Over Limit', severity: 'Critical', utilisation: 105, threshold: 100 },
    });
  });

  it('changes nothing while the figures are those the alert shows', () => {
    const [opened] = creditAlertChanges(figures(8_500), {}, settings);
    if (opened?.action !== 'open') throw new Error('expected an opening');
    const current = openAlert('Approaching Limit', { ...opened.content, status: 'Acknowledged' });
    expect(creditAlertChanges(figures(8_500), { LIMIT: current }, settings)).toEqual([]);
    expect(creditAlertChanges(figures(8_000), { LIMIT: current }, settings)).toEqual([
      expect.objectContaining({ action: 'refresh', content: expect.objectContaining({ utilisation: 80 }) }),
    ]);
  });

  it('steps Over down to Approaching quietly and resolves past the margin', () => {
    const over = openAlert('Over Limit');
    expect(creditAlertChanges(figures(9_000), { LIMIT: over }, settings)).toEqual([
      expect.objectContaining({ action: 'refresh', content: expect.objectContaining({ type: 'Approaching Limit' }) }),
    ]);
    expect(creditAlertChanges(figures(7_500), { LIMIT: over }, settings)).toEqual([
      { action: 'resolve', condition: 'LIMIT', alert: over },
    ]);
  });

  it('resolves On Hold when the hold is lifted, and a limit alert when the limit is removed', () => {
    const hold = openAlert('On Hold');
    expect(creditAlertChanges(figures(100), { HOLD: hold }, settings)).toEqual([
      { action: 'resolve', condition: 'HOLD', alert: hold },
    ]);
    const over = openAlert('Over Limit');
    expect(creditAlertChanges(figures(50_000, { creditLimit: 0 }), { LIMIT: over }, settings)).toEqual([
      { action: 'resolve', condition: 'LIMIT', alert: over },
    ]);
  });

  it('keeps utilisation within what the Percent(5,2) field holds', () => {
    const [change] = creditAlertChanges(figures(5_000_000), {}, settings);
    expect(change).toMatchObject({ content: { utilisation: 999.99 } });
  });
});

describe('alert keys', () => {
  it('keys one open alert per customer and condition, and gives a resolved alert a key of its own', () => {
    expect(openAlertKey('1105', 'LIMIT')).toBe('1105|LIMIT');
    expect(resolvedAlertKey('1105', 'LIMIT', 'a00000000000001AAA')).toBe('1105|LIMIT|a00000000000001AAA');
    expect(alertTaskKey('a00000000000001AAA', 'Over Limit')).toBe('ALERT|a00000000000001AAA|OVER');
    expect(alertTaskKey('a00000000000001AAA', 'Approaching Limit')).not.toBe(
      alertTaskKey('a00000000000001AAA', 'Over Limit'),
    );
  });
});

describe('the Task of an alert', () => {
  it('names the alert, the customer and its figures, with the priority of its severity', () => {
    const [change] = creditAlertChanges(figures(10_500), {}, settings);
    if (change?.action !== 'open') throw new Error('expected an opening');
    const task = creditAlertTask(figures(10_500), change.content, false);
    expect(task).toEqual({
      subject: 'Credit alert: Over Limit – Black Rock Retail (1200)',
      description: [
        'The balance of 10,500.00 USD is 105.0 % of the credit limit of 10,000.00 USD: over the limit.',
        'Customer: Black Rock Retail (1200)',
        'Balance: 10,500.00 USD',
        'Credit limit: 10,000.00 USD',
        'Utilisation: 105.0 %',
        'On hold: no',
      ].join('\n'),
      priority: 'High',
    });
    const [warning] = creditAlertChanges(figures(8_100), {}, settings);
    if (warning?.action !== 'open') throw new Error('expected an opening');
    expect(creditAlertTask(figures(8_100), warning.content, true)).toMatchObject({
      subject: 'Credit alert escalated: Approaching Limit – Black Rock Retail (1200)',
      priority: 'Normal',
    });
  });
});
