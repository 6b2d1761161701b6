// record.comparisons: validated like every other field, and carried by permalinks at full precision.

import { describe, expect, it } from 'vitest';
import { smallRecord } from './fixtures.ts';
import { decodePermalink, encodePermalink } from './permalink.ts';
import type { Comparison, ResultRecord } from './types.ts';
import { RecordError, validateRecord } from './validate.ts';

const comparison = (over: Partial<Comparison> = {}): Comparison => ({
  dataset: 'pets',
  probe: 'linear',
  metric: 'top1',
  models: ['sup', 'swav'],
  test: 'mcnemar-exact',
  n: 50,
  difference: 0.039,
  statistic: 3,
  pValue: 0.04987654321,
  pHolm: 0.04987654321,
  ...over,
});

const withComparisons = (comparisons: unknown[]): ResultRecord =>
  ({ ...smallRecord(), comparisons }) as ResultRecord;

describe('record.comparisons', () => {
  it('a valid record keeps its comparisons through validation and a permalink, p-values exact', () => {
    const record = withComparisons([
      comparison(),
      comparison({
        dataset: 'flowers',
        metric: 'mean-per-class',
        test: 'paired-bootstrap',
        statistic: -0.0382,
        difference: -0.0382,
        pValue: 0.3,
        pHolm: 0.6,
      }),
      comparison({ probe: 'fewshot-2way-5shot', test: 'paired-t', statistic: null, pValue: 0, pHolm: 0 }),
    ]);
    expect(validateRecord(record).comparisons).toEqual(record.comparisons);
    expect(decodePermalink(encodePermalink(record)).comparisons).toEqual(record.comparisons);
  });

  it('records without comparisons stay without them (older links open unchanged)', () => {
    const plain = smallRecord();
    expect('comparisons' in decodePermalink(encodePermalink(plain))).toBe(false);
  });

  it.each([
    [{ models: ['sup', 'nobody'] }, 'comparisons[0].models[1]'],
    [{ models: ['sup', 'sup'] }, 'comparisons[0].models'],
    [{ dataset: 'cars' }, 'comparisons[0].dataset'],
    [{ pValue: 1.2, pHolm: 1.2 }, 'comparisons[0].pValue'],
    [{ pValue: 0.2, pHolm: 0.1 }, 'comparisons[0].pHolm'],
    [{ test: 'chi-square' }, 'comparisons[0].test'],
    [{ n: 0 }, 'comparisons[0].n'],
    [{ statistic: 'big' }, 'comparisons[0].statistic'],
  ])('rejects %j naming %s', (over, field) => {
    const bad = withComparisons([{ ...comparison(), ...over }]);
    expect(() => validateRecord(bad)).toThrow(RecordError);
    try {
      validateRecord(bad);
    } catch (e) {
      expect((e as RecordError).field).toBe(field);
    }
  });
});
