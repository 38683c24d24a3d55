// Stored cursors are checked against each flow's cursor schema before a run reads from them.
import { isErrorKind } from '../../middleware/src/domain/errors.js';
import { loadCursor } from '../../middleware/src/sync/cursor.js';
import { dayWatermarkCursor } from '../../middleware/src/sync/parts/day-watermark.js';

const flow = { name: 'customers', cursor: dayWatermarkCursor };

describe('a stored cursor', () => {
  it('is read as the flow declares it, with whether it is a checkpoint', () => {
    const value = { since: '2026-04-30', afterKey: '1200', newest: '2026-05-01' };
    expect(loadCursor(flow, { value, inProgress: true })).toEqual({ value, inProgress: true });
    expect(loadCursor(flow, { value: null, inProgress: false })).toEqual({ value: null, inProgress: false });
    expect(loadCursor(flow, undefined)).toBeUndefined();
  });

  it('that does not parse is a permanent error of that flow naming the command that starts it over', () => {
    let thrown: unknown;
    try {
      loadCursor(flow, { value: { since: 'last tuesday', afterKey: null, newest: null }, inProgress: false });
    } catch (error) {
      thrown = error;
    }
    expect(isErrorKind(thrown, 'permanent')).toBe(true);
    expect(thrown).toMatchObject({ code: 'INVALID_CURSOR' });
    expect((thrown as Error).message).toBe(
      'The stored cursor of flow customers is not one this flow can read (must be a day such as 2026-05-01 at since); ' +
        'run `sage-sf reset-cursor customers` to read every record again',
    );
  });
});
