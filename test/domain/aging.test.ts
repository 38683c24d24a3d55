import { ageOpenItems, agingBucket, daysOverdue } from '../../middleware/src/domain/aging.js';

const asOf = new Date('2026-03-31T15:00:00Z');

describe('aging', () => {
  it('counts whole calendar days past the due date and nothing before it', () => {
    expect(daysOverdue('2026-03-31T00:00:00Z', asOf)).toBe(0);
    expect(daysOverdue('2026-03-30', asOf)).toBe(1);
    expect(daysOverdue('2026-01-01T00:00:00Z', asOf)).toBe(89);
    expect(daysOverdue('2026-04-15', asOf)).toBe(0);
    expect(daysOverdue(null, asOf)).toBe(0);
    expect(daysOverdue('not a date', asOf)).toBe(0);
  });

  it('places days overdue on the bucket edges reps expect', () => {
    expect([0, 1, 30, 31, 60, 61, 90, 91, 400].map(agingBucket)).toEqual([
      'current',
      'days1to30',
      'days1to30',
      'days31to60',
      'days31to60',
      'days61to90',
      'days61to90',
      'over90',
      'over90',
    ]);
  });

  it('sums open amounts per bucket in cents and keeps credits in current', () => {
    const buckets = ageOpenItems([
      { amountDue: 100.1, daysOverdue: 0 },
      { amountDue: 0.2, daysOverdue: 0 },
      { amountDue: 50, daysOverdue: 45 },
      { amountDue: -30, daysOverdue: 120 },
      { amountDue: 999.99, daysOverdue: 91 },
    ]);
    expect(buckets).toEqual({ current: 70.3, days1to30: 0, days31to60: 50, days61to90: 0, over90: 999.99 });
  });
});
