import { describe, expect, it } from 'vitest';
import { meanOfDatasets, pearsonText } from './correlation-text.ts';

describe('correlation wording', () => {
  it('counts datasets in the right number', () => {
    expect(meanOfDatasets(1)).toBe('mean of 1 dataset');
    expect(meanOfDatasets(3)).toBe('mean of 3 datasets');
  });

  it('gives r with its Fisher interval, or says why there is none', () => {
    // scipy: tanh(atanh(0.5) ± 1.959964/√11) = [-0.0416, 0.8145].
    expect(pearsonText(0.5, 14)).toBe('0.50 [-0.04, 0.81]');
    expect(pearsonText(-1, 3)).toBe('-1.00 (no interval below 4 models)');
    expect(pearsonText(Number.NaN, 10)).toBe('n/a');
  });
});
