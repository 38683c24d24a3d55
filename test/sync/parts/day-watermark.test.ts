// The day-granular watermark of a Sage collection, as pure cursor steps.
import { dayWatermark } from '../../../middleware/src/sync/parts/day-watermark.js';

interface Item {
  ItemNumber: string;
  DateLastMaintained: string | null;
}

const watermark = dayWatermark<Item>({
  dateField: 'DateLastMaintained',
  keyField: 'ItemNumber',
  keyOf: (item) => item.ItemNumber.trim().toUpperCase(),
});

describe('a day watermark', () => {
  it('starts from the day before the newest change seen, or everything, or a given day, or a checkpoint', () => {
    const finished = { value: { since: '2026-04-01', afterKey: null, newest: '2026-05-01' }, inProgress: false };
    expect(watermark.start(finished, {})).toEqual({ since: '2026-04-30', afterKey: null, newest: '2026-05-01' });
    expect(watermark.start(finished, { full: true })).toEqual({ since: null, afterKey: null, newest: '2026-05-01' });
    expect(watermark.start(finished, { since: new Date('2026-03-15T00:00:00Z') })).toMatchObject({
      since: '2026-03-15',
    });
    const checkpoint = { value: { since: '2026-04-30', afterKey: 'A1', newest: '2026-05-01' }, inProgress: true };
    expect(watermark.start(checkpoint, {})).toEqual(checkpoint.value);
    expect(watermark.start(undefined, {})).toEqual({ since: null, afterKey: null, newest: null });
  });

  it('filters on the change day and after the last committed key', () => {
    expect(watermark.filter({ since: '2026-04-30', afterKey: "O'NEIL", newest: null })?.text).toBe(
      "(DateLastMaintained ge 2026-04-30T00:00:00Z) and (ItemNumber gt 'O''NEIL')",
    );
    expect(watermark.filter({ since: null, afterKey: null, newest: null })).toBeUndefined();
  });

  it('advances by key and keeps the newest change day; a finished read forgets the key', () => {
    let cursor = watermark.start(undefined, {});
    cursor = watermark.advance(cursor, { ItemNumber: ' a1 ', DateLastMaintained: '2026-05-02T00:00:00Z' });
    cursor = watermark.advance(cursor, { ItemNumber: 'A2', DateLastMaintained: '2026-04-01T00:00:00Z' });
    cursor = watermark.advance(cursor, { ItemNumber: 'A3', DateLastMaintained: null });
    expect(cursor).toEqual({ since: null, afterKey: 'A3', newest: '2026-05-02' });
    expect(watermark.finish(cursor)).toEqual({ since: null, afterKey: null, newest: '2026-05-02' });
  });

  it('declares its stored shape', () => {
    expect(watermark.cursor.safeParse({ since: '2026-05-01', afterKey: null, newest: null }).success).toBe(true);
    expect(watermark.cursor.safeParse({ since: 20260501, afterKey: null, newest: null }).success).toBe(false);
  });
});
