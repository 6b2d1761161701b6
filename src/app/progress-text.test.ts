import { describe, expect, it } from 'vitest';
import { formatRate, progressFraction, progressLine } from './progress-text.ts';

describe('progress text', () => {
  it('shows images done, images per second and the ETA', () => {
    const line = progressLine({
      stage: 'Zoo SimCLR: features (linear)',
      done: 1200,
      total: 1797,
      ratePerSecond: 41.3,
      etaSeconds: 14.46,
      model: 'zoo-simclr',
    });
    expect(line).toBe('Zoo SimCLR: features (linear): 1,200 / 1,797 images · 41 img/s · ETA 14 s');
  });

  it('says nothing is measured yet before the first batch', () => {
    expect(formatRate(null)).toBe('— img/s');
    expect(formatRate(5.64)).toBe('5.6 img/s');
    const p = { stage: 's', done: 0, total: 0, ratePerSecond: null, etaSeconds: null };
    expect(progressLine(p)).toBe('s: 0 / 0 · — steps/s · ETA —');
    const probe = {
      ...p,
      stage: 'Zoo SimCLR: few-shot',
      done: 120,
      total: 600,
      detail: '5-shot',
      ratePerSecond: 300,
    };
    expect(progressLine(probe)).toBe('Zoo SimCLR: few-shot: 120 / 600 (5-shot) · 300 steps/s · ETA —');
    expect(progressFraction(p)).toBe(0);
    expect(progressFraction({ ...p, done: 3, total: 4 })).toBe(0.75);
  });
});
