import { describe, expect, it } from 'vitest';
import type { SplitPlan } from '../eval-plan.ts';
import type { DatasetListing } from '../types.ts';
import { withUsage } from './dataset-usage.ts';
import { smallRecord } from './fixtures.ts';
import { RecordError, validateRecord } from './validate.ts';

const listing = {
  name: 'flowers',
  items: ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'].map((key) => ({ key, label: 0 })),
} as unknown as DatasetListing;
const plan: SplitPlan = { train: [0, 1, 2], val: null, test: [3, 4], pool: [0, 1, 2, 3, 4], heldOut: true };

describe('withUsage', () => {
  it('names each skipped file once and counts only the images used', () => {
    const out = withUsage(smallRecord().datasets[0], listing, plan, [
      { key: 'notes.txt', action: 'skipped', reason: 'not an image' },
      { key: 'b.png', action: 'skipped', reason: 'corrupt PNG' },
      { key: 'b.png', action: 'skipped', reason: 'corrupt PNG' }, // reported by two feature passes
      { key: 'flowers', action: 'warned', reason: '20-shot skipped' },
      { key: 'e.png', action: 'skipped', reason: 'zero bytes' },
    ]);
    expect(out.counts).toEqual({ train: 2, val: 0, test: 1 });
    expect(out.skipped).toEqual([
      { file: 'notes.txt', reason: 'not an image' },
      { file: 'b.png', reason: 'corrupt PNG' },
      { file: 'e.png', reason: 'zero bytes' },
    ]);
    expect(out.skippedCount).toBe(3);
    const record = smallRecord();
    record.datasets[0] = out;
    expect(validateRecord(record).datasets[0]).toEqual(out);
  });

  it('adds nothing when nothing was skipped, and validation rejects a count below the list', () => {
    const out = withUsage(smallRecord().datasets[0], listing, plan, []);
    expect('skipped' in out).toBe(false);
    const record = smallRecord();
    record.datasets[0] = { ...out, skipped: [{ file: 'x', reason: 'y' }], skippedCount: 0 };
    expect(() => validateRecord(record)).toThrow(RecordError);
  });
});
