import { describe, expect, it } from 'vitest';
import { bootstrapMeanPerClass } from './bootstrap.ts';
import { compareModels, type PairedOutcome } from './compare.ts';
import { holmAdjust } from './holm.ts';
import { mcnemarFromCounts } from './mcnemar.ts';
import { pairedTTest } from './paired-t.ts';

const base = { dataset: 'd', probe: 'linear', metric: 'top1' as const };

function perImage(model: string, correct: number[], items = correct.map((_, i) => i)): PairedOutcome {
  return {
    ...base,
    kind: 'per-image',
    model,
    items,
    correct,
    labels: correct.map((_, i) => i % 2),
    nClasses: 2,
  };
}

describe('compareModels', () => {
  // 20 test images. A right on 18, B on 10, C on 9; B and C right on exactly the same images but one.
  const a = Array.from({ length: 20 }, (_, i) => (i < 18 ? 1 : 0));
  const b = Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : 0));
  const c = Array.from({ length: 20 }, (_, i) => (i < 9 ? 1 : 0));

  it('tests every pair of a (dataset, probe) by McNemar and Holm-corrects across them', () => {
    const out = compareModels([perImage('A', a), perImage('B', b), perImage('C', c)], { seed: 0 });
    expect(out.map((x) => x.models)).toEqual([
      ['A', 'B'],
      ['A', 'C'],
      ['B', 'C'],
    ]);
    const raw = [mcnemarFromCounts(8, 0), mcnemarFromCounts(9, 0), mcnemarFromCounts(1, 0)].map(
      (m) => m.pValue,
    );
    const holm = holmAdjust(raw);
    out.forEach((x, i) => {
      expect(x.test).toBe('mcnemar-exact');
      expect(x.n).toBe(20);
      expect(x.pValue).toBe(raw[i]);
      expect(x.pHolm).toBe(holm[i]);
    });
    expect(out[0].difference).toBeCloseTo(8 / 20, 15);
    expect(out[2].pHolm).toBe(1);
  });

  it('pairs images by identity, not by row, and keeps only the images both models have', () => {
    const items = a.map((_, i) => 19 - i); // B's rows in reverse order
    const reversed = [...b].reverse();
    const out = compareModels([perImage('A', a), perImage('B', reversed, items)], { seed: 0 });
    expect(out[0].pValue).toBe(mcnemarFromCounts(8, 0).pValue);
    const fewer = compareModels(
      [perImage('A', a), perImage('B', b.slice(0, 10), items.slice(0, 10).reverse())],
      {
        seed: 0,
      },
    );
    expect(fewer[0].n).toBe(10);
  });

  it('uses the paired bootstrap for mean per-class accuracy', () => {
    const mpc = (o: PairedOutcome): PairedOutcome => ({ ...o, metric: 'mean-per-class' });
    const out = compareModels([mpc(perImage('A', a)), mpc(perImage('B', b))], { seed: 0 });
    expect(out[0].test).toBe('paired-bootstrap');
    expect(out[0].difference).toBeCloseTo(0.4, 12);
    expect(out[0].pValue).toBeLessThan(0.01);
  });

  it('bootstrap values reused across pairs give each pair exactly its own bootstrap', () => {
    const mpc = (o: PairedOutcome): PairedOutcome => ({ ...o, metric: 'mean-per-class' });
    const labels = a.map((_, i) => i % 2);
    const out = compareModels([mpc(perImage('A', a)), mpc(perImage('B', b)), mpc(perImage('C', c))], {
      seed: 3,
    });
    const direct = [
      bootstrapMeanPerClass(a, b, labels, 2, { seed: 3 }),
      bootstrapMeanPerClass(a, c, labels, 2, { seed: 3 }),
      bootstrapMeanPerClass(b, c, labels, 2, { seed: 3 }),
    ];
    expect(out.map((x) => [x.difference, x.pValue])).toEqual(direct.map((d) => [d.difference, d.pValue]));
  });

  it('compares few-shot episodes with a paired t-test only when they came from the same pool', () => {
    const ep = (model: string, acc: number[], pairing = 'pool'): PairedOutcome => ({
      ...base,
      probe: 'fewshot-5way-5shot',
      kind: 'episodes',
      model,
      pairing,
      accuracies: acc,
    });
    const x = [0.5, 0.6, 0.7, 0.55];
    const y = [0.4, 0.62, 0.5, 0.5];
    const out = compareModels([ep('A', x), ep('B', y), ep('C', y, 'other images')], { seed: 0 });
    expect(out).toHaveLength(1);
    expect(out[0].test).toBe('paired-t');
    expect(out[0].statistic).toBeCloseTo(pairedTTest(x, y).statistic, 15);
    expect(out[0].pHolm).toBe(out[0].pValue);
  });
});
