import { describe, expect, it } from 'vitest';
import { formatDuration, progressTracker } from './progress.ts';

describe('progressTracker', () => {
  it('excludes the warm-up unit from the rate and derives the ETA from it', () => {
    let t = 0;
    const tracker = progressTracker('extract', 100, () => t);
    expect(tracker.update(0).ratePerSecond).toBeNull();
    t = 5000; // first batch of 10 took 5 s (compilation)
    expect(tracker.update(10).etaSeconds).toBeNull();
    t = 7000; // next 20 took 2 s → 10/s
    const p = tracker.update(30);
    expect(p.ratePerSecond).toBeCloseTo(10, 10);
    expect(p.etaSeconds).toBeCloseTo(7, 10);
    expect(p).toMatchObject({ stage: 'extract', done: 30, total: 100 });
  });
});

describe('formatDuration', () => {
  it('formats seconds, minutes and hours', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(65)).toBe('1 m 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 m');
  });
});
