// Schedules are read again while the scheduler runs, so a changed schedule takes effect without a restart.
import { startScheduler } from '../../middleware/src/sync/scheduler.js';

describe('the scheduler', () => {
  it('follows a schedule that changes while it runs, and keeps the last valid one when it turns invalid', async () => {
    let cron = '0 0 1 1 *';
    const ticks: Date[] = [];
    const errors: string[] = [];
    const scheduler = startScheduler(
      [{ name: 'customers', cron: () => cron, run: async (slot) => void ticks.push(slot) }],
      (_job, error) => errors.push((error as Error).message),
      { recheckMs: 20 },
    );
    try {
      expect(scheduler.nextRuns().customers?.getUTCMonth()).toBe(0);
      cron = '* * * * * *';
      await new Promise((resolve) => setTimeout(resolve, 2_300));
      expect(ticks.length).toBeGreaterThanOrEqual(1);
      expect(ticks.every((slot) => slot.getUTCMilliseconds() === 0)).toBe(true);

      cron = 'every now and then';
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(errors).toEqual([
        expect.stringMatching(/^The customers flow's schedule "every now and then" is not a valid cron/),
      ]);
      expect(scheduler.nextRuns().customers).not.toBeNull();
    } finally {
      scheduler.stop();
    }
  });
});
