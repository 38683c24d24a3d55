import { checkCredit, creditStanding, creditUtilisation } from '../../middleware/src/domain/credit.js';

describe('credit rules', () => {
  it('measures utilisation against the limit and reports no utilisation without a limit', () => {
    expect(creditUtilisation(4000, 5000)).toBe(80);
    expect(creditUtilisation(1, 3)).toBe(33.3);
    expect(creditUtilisation(4000, 0)).toBeNull();
  });

  it('ranks standing by the warning threshold', () => {
    expect(creditStanding(null, 80)).toBe('no-limit');
    expect(creditStanding(79.9, 80)).toBe('within-limit');
    expect(creditStanding(80, 80)).toBe('approaching-limit');
    expect(creditStanding(100, 80)).toBe('approaching-limit');
    expect(creditStanding(100.1, 80)).toBe('over-limit');
  });

  it('blocks an order that would take the balance over the limit under the Block policy, naming limit and balance', () => {
    const check = checkCredit({
      policy: 'Block',
      balance: 4500,
      creditLimit: 5000,
      orderTotal: 600,
      onHold: false,
      currency: 'USD',
    });
    expect(check.outcome).toBe('blocked');
    expect(check.reasons).toEqual(['OVER_LIMIT']);
    expect(check.projectedBalance).toBe(5100);
    expect(check.message).toContain('5,000.00 USD');
    expect(check.message).toContain('4,500.00 USD');
  });

  it('lets the same order through with a warning under Warn and silently under Allow', () => {
    const input = { balance: 4500, creditLimit: 5000, orderTotal: 600, onHold: false };
    expect(checkCredit({ ...input, policy: 'Warn' }).outcome).toBe('warned');
    const allowed = checkCredit({ ...input, policy: 'Allow' });
    expect(allowed.outcome).toBe('passed');
    expect(allowed.reasons).toEqual(['OVER_LIMIT']);
  });

  it('passes an order that lands exactly on the limit', () => {
    const check = checkCredit({ policy: 'Block', balance: 4400, creditLimit: 5000, orderTotal: 600, onHold: false });
    expect(check.outcome).toBe('passed');
    expect(check.availableCredit).toBe(600);
  });

  it('treats a customer on hold as a credit problem even without a limit', () => {
    const check = checkCredit({ policy: 'Block', balance: 0, creditLimit: 0, orderTotal: 10, onHold: true });
    expect(check.outcome).toBe('blocked');
    expect(check.reasons).toEqual(['ON_HOLD']);
    expect(check.message).toContain('on hold');
  });

  it('never blocks a customer without a limit for its balance', () => {
    const check = checkCredit({ policy: 'Block', balance: 1e9, creditLimit: 0, orderTotal: 1e9, onHold: false });
    expect(check.outcome).toBe('passed');
    expect(check.availableCredit).toBeNull();
  });
});
