import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../../core/record/types.ts';
import { paperBesideRows } from './paper-beside.ts';

function record(scores: ResultRecord['scores']): ResultRecord {
  const model = (id: string, name: string) => ({
    id,
    name,
    family: 'x',
    architecture: 'resnet50',
    weightsHash: 'h',
    featureSize: 2048,
    imagenetTop1: null,
  });
  return {
    schema: 1,
    labVersion: '0',
    createdAt: '2026-01-01T00:00:00Z',
    backend: 'cpu',
    seed: 0,
    models: [model('moco-v1', 'MoCo-v1'), model('zoo-byol-r10n', 'BYOL zoo')],
    datasets: [],
    protocol: {},
    scores,
  };
}

describe('paperBesideRows', () => {
  it("puts the paper's number beside a paper model's score, on the paper's scale", () => {
    const rows = paperBesideRows([
      record([
        { model: 'moco-v1', dataset: 'CIFAR-10', probe: 'linear', metric: 'top1', value: 0.8 },
        { model: 'zoo-byol-r10n', dataset: 'CIFAR-10', probe: 'linear', metric: 'top1', value: 0.5 },
        { model: 'moco-v1', dataset: 'my-pets', probe: 'linear', metric: 'top1', value: 0.5 },
        { model: 'moco-v1', dataset: 'CIFAR-10', probe: 'inversion-mse', metric: 'mse', value: 900 },
      ]),
    ]);
    expect(rows.map((r) => [r.model, r.probe, r.unit])).toEqual([
      ['moco-v1', 'linear', '%'],
      ['moco-v1', 'inversion-mse', 'MSE'],
    ]);
    // Paper table linear_manyshot: MoCo-v1 on CIFAR-10 is 80.16 %.
    expect(rows[0].ours).toBeCloseTo(80, 9);
    expect(rows[0].paper).toBeCloseTo(80.16, 9);
    expect(rows[1].paper).toBeGreaterThan(0);
  });
});
