// Shards carry the paired tests' inputs as JSON; the join recomputes record.comparisons from them exactly as
// one run computes them (every pair across shards, Holm over the whole family).

import { describe, expect, it } from 'vitest';
import { smallRecord } from '../record/fixtures.ts';
import { mergeShards, type ShardPart } from '../record/shard.ts';
import { createRng } from '../rng.ts';
import { compareModels, type PairedOutcome } from './compare.ts';
import { pairedFromJson, pairedToJson } from './paired-json.ts';

function outcomes(models: string[], dataset: string): PairedOutcome[] {
  const rng = createRng(3);
  const n = 60;
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  return models.flatMap((model, m): PairedOutcome[] => [
    {
      kind: 'per-image',
      model,
      dataset,
      probe: 'linear',
      metric: 'top1',
      items: Array.from({ length: n }, (_, i) => i),
      correct: Uint8Array.from({ length: n }, () => (rng.nextFloat() < 0.5 + 0.15 * m ? 1 : 0)),
      labels,
      nClasses: 3,
    },
    {
      kind: 'episodes',
      model,
      dataset,
      probe: 'fewshot-2way-5shot',
      metric: 'top1',
      pairing: 'pool',
      accuracies: Array.from({ length: 20 }, () => 0.5 + 0.1 * m + 0.2 * rng.nextFloat()),
    },
  ]);
}

describe('paired outcomes through shard outputs', () => {
  it('round-trip through JSON exactly', () => {
    const all = outcomes(['sup', 'swav'], 'pets');
    const back = pairedFromJson(JSON.parse(JSON.stringify(pairedToJson(all))));
    expect(compareModels(back, { seed: 0 })).toEqual(compareModels(all, { seed: 0 }));
  });

  it('refuses damaged input with a message naming the field', () => {
    const json = pairedToJson(outcomes(['sup'], 'pets')) as Record<string, unknown>[];
    json[0].correct = '012';
    expect(() => pairedFromJson(json)).toThrow(/paired\[0\]\.correct/);
  });

  it('mergeShards recomputes the comparisons of one run from the shards', () => {
    const record = smallRecord();
    const ids = record.models.map((m) => m.id);
    const dataset = record.datasets[0].name;
    const all = outcomes(ids, dataset);
    const one = { ...record, comparisons: compareModels(all, { seed: record.seed }) };
    expect(one.comparisons.length).toBeGreaterThan(0);
    const parts: ShardPart[] = ids.map((id, k) => ({
      record: {
        ...record,
        models: record.models.filter((m) => m.id === id),
        scores: record.scores.filter((s) => s.model === id),
        details: undefined,
      },
      shard: { index: k + 1, count: ids.length, models: ids },
      source: `shard-${k + 1}.json`,
      paired: pairedFromJson(JSON.parse(JSON.stringify(pairedToJson(all.filter((o) => o.model === id))))),
    }));
    const merged = mergeShards(parts.reverse());
    expect(merged.comparisons).toEqual(one.comparisons);
    expect(Object.keys(merged).at(-1)).toBe('comparisons');
  });
});
