import { describe, expect, it } from 'vitest';
import { smallRecord } from '../../core/record/fixtures.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import { knnCurveChart } from './specs-knn.ts';

describe('knnCurveChart', () => {
  it('draws top-1 against k from the kNN score extras, noting capped k', () => {
    const record: ResultRecord = smallRecord();
    record.scores.push({
      model: 'sup',
      dataset: 'pets',
      probe: 'knn',
      metric: 'top1',
      value: 0.8,
      extra: { k: 20, 'top1@k200': 0.7, 'top1@k10': 0.75, 'top1@k20': 0.8, kCappedAt: 150 },
    });
    const spec = knnCurveChart([record])!;
    expect(spec.data).toHaveLength(1);
    expect(spec.data[0].x).toEqual([10, 20, 200]);
    expect(spec.data[0].y).toEqual([75, 80, 70]);
    expect((spec.data[0].customdata as string[][]).map((c) => c[2])).toEqual([
      '',
      '',
      ' (capped at the train size, 150)',
    ]);
  });

  it('is null without kNN scores', () => {
    expect(knnCurveChart([smallRecord()])).toBeNull();
  });
});
