import { describe, expect, it } from 'vitest';
import { pearsonInterval95 } from './interval.ts';

describe('pearsonInterval95', () => {
  it('matches the Fisher z interval as scipy computes it', () => {
    // scipy: z = atanh(0.5), h = norm.ppf(0.975)/sqrt(11), tanh(z - h), tanh(z + h).
    const ci = pearsonInterval95(0.5, 14)!;
    expect(ci.low).toBeCloseTo(-0.0416211732, 9);
    expect(ci.high).toBeCloseTo(0.8145007904, 9);
  });

  it('is symmetric in z and contains r', () => {
    const ci = pearsonInterval95(-0.8, 10)!;
    expect(ci.low).toBeLessThan(-0.8);
    expect(ci.high).toBeGreaterThan(-0.8);
    expect(Math.atanh(ci.low) + Math.atanh(ci.high)).toBeCloseTo(2 * Math.atanh(-0.8), 12);
  });

  it('is undefined below four models, for |r| = 1 and for NaN', () => {
    expect(pearsonInterval95(0.9, 3)).toBeNull();
    expect(pearsonInterval95(1, 10)).toBeNull();
    expect(pearsonInterval95(-1, 10)).toBeNull();
    expect(pearsonInterval95(Number.NaN, 10)).toBeNull();
  });
});
