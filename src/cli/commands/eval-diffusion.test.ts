// Attentive diffusion as a probe of the registry: `tlab eval --probes diffusion` gives each model the same
// value as the standalone `tlab diffusion` (same seed → same sample, same occlusions), keeps the per-image
// values and the setting in the record, and needs no labels: a one-class folder still gets its diffusion
// while the linear probe there is "not computed".

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultTable } from '../../core/record/table.ts';
import { validateRecord } from '../../core/record/validate.ts';
import { main } from '../main.ts';

const MODELS = ['zoo-supervised-r10n', 'zoo-random-r10n'];

/** One class of four Fashion-MNIST images. */
function oneClassFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'tlab-eval-diffusion-'));
  const from = 'public/datasets/fashion-mnist-test/test';
  const cls = readdirSync(from)[0];
  mkdirSync(join(root, cls));
  for (const f of readdirSync(join(from, cls)).slice(0, 4))
    copyFileSync(join(from, cls, f), join(root, cls, f));
  return root;
}

describe('eval --probes diffusion', () => {
  it('equals tlab diffusion per model, and runs where the linear probe cannot', async () => {
    const data = oneClassFolder();
    const evalOut = join(data, '..', `${data.split('/').at(-1)}-eval.json`);
    const diffOut = join(data, '..', `${data.split('/').at(-1)}-diffusion.json`);
    const flags = ['--stride', '5', '--seed', '3'];
    const code = await main([
      'eval',
      '--data',
      data,
      '--models',
      MODELS.join(','),
      '--probes',
      'linear,diffusion',
      '--diffusion-images',
      '3',
      ...flags,
      '--no-cache',
      '--out',
      evalOut,
    ]);
    expect(code).toBe(0); // diffusion was computed, so the run is not empty
    const record = validateRecord(JSON.parse(readFileSync(evalOut, 'utf8')));
    expect(
      await main([
        'diffusion',
        '--model',
        MODELS.join(','),
        '--data',
        data,
        '--images',
        '3',
        ...flags,
        '--out',
        diffOut,
      ]),
    ).toBe(0);
    const standalone = JSON.parse(readFileSync(diffOut, 'utf8'));

    for (const id of MODELS) {
      const score = record.scores.find((s) => s.model === id && s.probe === 'diffusion');
      const ref = standalone.models.find((m: { id: string }) => m.id === id);
      expect(score?.metric).toBe('diffusion');
      expect(score?.value).toBe(ref.mean / 100);
      expect(score?.ci95).toBe(ref.ci95 / 100);
      expect(score?.extra).toMatchObject({ stride: 5, occluder: 10, images: 3, paper: 0 });
      const detail = record.details?.diffusion?.[id]?.[record.datasets[0].name];
      expect(detail?.perImage).toEqual(
        ref.perImage.map((p: { key: string; diffusion: number }) => ({ key: p.key, diffusion: p.diffusion })),
      );
      expect(detail).toMatchObject({ stride: 5, occluder: 10, isPaperSetting: false, crop: 32 });
    }
    expect(record.notComputed?.some((n) => n.probe === 'linear')).toBe(true);
    // Which differences are real: the two models paired image by image (paired t over the 3 images).
    const compared = record.comparisons?.filter((c) => c.probe === 'diffusion') ?? [];
    expect(compared).toHaveLength(1);
    expect(compared[0]).toMatchObject({ test: 'paired-t', n: 3, metric: 'diffusion' });
    expect(compared[0].pValue).toBeGreaterThanOrEqual(0);
    expect(compared[0].pValue).toBeLessThanOrEqual(1);

    // A property of the model, not a quality: the table marks no best in its column.
    const table = resultTable([record]);
    const column = table.columns.findIndex((c) => c.probe === 'diffusion');
    expect(column).toBeGreaterThanOrEqual(0);
    expect(table.rows.every((r) => r.cells[column] !== null && !r.cells[column]!.best)).toBe(true);
  }, 600_000);

  it('refuses a stride larger than the occluder before any work', async () => {
    const data = oneClassFolder();
    const code = await main([
      'eval',
      '--data',
      data,
      '--probes',
      'diffusion',
      '--stride',
      '11',
      '--no-cache',
    ]);
    expect(code).toBe(2);
  });
});
