import { describe, expect, it } from 'vitest';
import { smallRecord } from '../core/record/fixtures.ts';
import { scoresTable } from './scores-table.ts';

describe('scoresTable (the CLI view of a record)', () => {
  it('stars a significant best, explains the star, and says how many classes took part in few-shot', () => {
    const record = smallRecord();
    record.scores[4] = { ...record.scores[4], extra: { episodes: 100, classes: 1, classesTotal: 2 } };
    record.comparisons = [
      {
        dataset: 'pets',
        probe: 'linear',
        metric: 'top1',
        models: ['sup', 'swav'],
        test: 'mcnemar-exact',
        n: 50,
        difference: 0.039,
        statistic: 2,
        pValue: 0.01,
        pHolm: 0.01,
      },
    ];
    const text = scoresTable(record);
    expect(text).toContain('91.5*');
    expect(text).not.toContain('87.6*');
    expect(text).toContain('80.0 ± 2.0 (1 of 2 classes)'); // the registry's note: only when classes were left out
    expect(text).toContain('* best in its column and significantly better than the runner-up');
    expect(scoresTable(smallRecord())).not.toContain('*');
  });
});
