// A small, valid ResultRecord as the lab writes it for two models on one dataset (test data, not a result).

import { RESULT_SCHEMA_VERSION, type ResultRecord } from '../../core/record/types.ts';

export function twoModelRecord(createdAt = '2026-11-26T08:00:00.000Z'): ResultRecord {
  const model = (id: string, name: string, family: string) => ({
    id,
    name,
    family,
    architecture: 'resnet-tiny',
    weightsHash: id
      .padEnd(64, '0')
      .slice(0, 64)
      .replace(/[^0-9a-f]/g, 'a'),
    featureSize: 128,
    imagenetTop1: null,
  });
  return {
    schema: RESULT_SCHEMA_VERSION,
    labVersion: '0.1.0',
    createdAt,
    backend: 'wasm',
    seed: 0,
    models: [model('zoo-simclr', 'Zoo SimCLR', 'simclr'), model('zoo-random', 'Zoo random init', 'random')],
    datasets: [
      {
        name: 'digits',
        fingerprint: 'f'.repeat(64),
        classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
        counts: { train: 800, val: 200, test: 797 },
        multiLabel: false,
      },
    ],
    protocol: {
      fewshot: { ways: 5, shots: [5], queries: 15, episodes: 600, seed: 0 },
    },
    scores: [
      { model: 'zoo-simclr', dataset: 'digits', probe: 'linear', metric: 'top1', value: 0.9123 },
      { model: 'zoo-random', dataset: 'digits', probe: 'linear', metric: 'top1', value: 0.4521 },
      {
        model: 'zoo-simclr',
        dataset: 'digits',
        probe: 'fewshot-5way-5shot',
        metric: 'top1',
        value: 0.8612,
        ci95: 0.0071,
      },
      {
        model: 'zoo-random',
        dataset: 'digits',
        probe: 'fewshot-5way-5shot',
        metric: 'top1',
        value: 0.3911,
        ci95: 0.0093,
      },
    ],
  };
}
