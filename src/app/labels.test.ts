import { describe, expect, it } from 'vitest';
import { probeLabel } from './labels.ts';

describe('probeLabel', () => {
  it('spells few-shot settings out and leaves other probes alone', () => {
    expect(probeLabel('fewshot-5way-20shot')).toBe('5-way 20-shot');
    expect(probeLabel('linear')).toBe('linear');
    expect(probeLabel('fewshot-5way-xshot')).toBe('fewshot-5way-xshot');
  });
});
