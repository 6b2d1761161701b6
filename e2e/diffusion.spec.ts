// Attentive diffusion in Chromium against the production build: the four zoo models on the default demo set
// (3 seeded images, stride 5 to keep the test short), the values table with the setting stated, a saliency map
// drawn over each image, the same per-image values as `tlab diffusion` on the same folder, and cancel.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { collectErrors, waitForLab } from './helpers.ts';

const ZOO = ['zoo-supervised-r10n', 'zoo-simclr-r10n', 'zoo-byol-r10n', 'zoo-random-r10n'];
const IMAGES = 3;
const STRIDE = 5;
/** The zoo's 32×32 maps: one pixel crossing the mean moves a value by 100/1024 points. */
const ONE_PIXEL = 100 / (32 * 32);

interface ImageValue {
  key: string;
  diffusion: number;
}
interface ModelValues {
  id: string;
  perImage: ImageValue[];
}

function cliValues(): ModelValues[] {
  mkdirSync(resolve('.cache/e2e'), { recursive: true });
  const out = resolve('.cache/e2e/diffusion.json');
  const args = [
    'bin/tlab.js',
    'diffusion',
    '--model',
    ZOO.join(','),
    '--data',
    'public/datasets/fashion-mnist-test',
  ];
  const cli = spawnSync(
    'node',
    [...args, '--images', String(IMAGES), '--stride', String(STRIDE), '--out', out],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (cli.status !== 0)
    throw new Error(`tlab diffusion failed (${cli.status}): ${cli.stderr}\n${cli.stdout}`);
  return (JSON.parse(readFileSync(out, 'utf8')) as { models: ModelValues[] }).models;
}

test('attentive diffusion: values, maps over the images, CLI agreement, cancel', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  await page.goto('./');
  await waitForLab(page);
  await expect(page.getByTestId('dataset-summary')).toContainText('fashion-mnist-test');
  const panel = page.getByTestId('diffusion-panel');
  await panel.getByTestId('diffusion-stride').fill(String(STRIDE));
  await panel.getByTestId('diffusion-images').fill(String(IMAGES));
  await panel.getByTestId('diffusion-run').click();
  await expect(panel.getByTestId('diffusion-progress')).toHaveAttribute('data-status', 'done', {
    timeout: 180_000,
  });

  // One row per selected zoo model: "mean ± interval %" and the setting, with the paper's beside it.
  const rows = panel.getByTestId('diffusion-table').locator('tbody tr');
  await expect(rows).toHaveCount(ZOO.length);
  for (const value of await panel.getByTestId('diffusion-value').allTextContents())
    expect(value).toMatch(/^\d{1,3}\.\d ± \d{1,3}\.\d %$/);
  await expect(rows.first()).toContainText(`stride ${STRIDE}`);
  await expect(rows.first()).toContainText('the paper: 10×10, stride 1');

  // A saliency map over each image: the image trace under the heatmap, 32×32, and the mean's contour.
  const maps = panel.getByTestId('chart-saliency');
  await expect(maps).toHaveCount(ZOO.length * IMAGES);
  await expect(maps.first()).toHaveAttribute('data-rendered', 'true');
  const traces = await maps
    .first()
    .evaluate((el) =>
      (el as unknown as { data: { type: string; z: unknown[][] }[] }).data.map((t) => [
        t.type,
        t.z.length,
        t.z[0].length,
      ]),
    );
  expect(traces).toEqual([
    ['image', 32, 32],
    ['heatmap', 32, 32],
    ['contour', 32, 32],
  ]);
  await expect(panel.getByTestId('chart-diffusion-values')).toHaveAttribute('data-rendered', 'true');

  // The same sample and the same values as the CLI (wasm in both; a pixel may cross the mean at most).
  const browser = await page.evaluate(() => {
    type Run = { modelId: string; result: { perImage: { key: string; diffusion: number }[] } };
    type Store = { getState(): { diffusion: { runs: Run[] } } };
    const runs = (window as unknown as { __lab: { store: Store } }).__lab.store.getState().diffusion.runs;
    return runs.map((r) => ({
      id: r.modelId,
      perImage: r.result.perImage.map((p) => ({ key: p.key, diffusion: p.diffusion })),
    }));
  });
  const cli = cliValues();
  expect(browser.map((m) => m.id)).toEqual(ZOO);
  for (const [i, model] of browser.entries()) {
    expect(model.perImage.map((p) => p.key)).toEqual(cli[i].perImage.map((p) => p.key));
    for (const [j, p] of model.perImage.entries())
      expect(Math.abs(p.diffusion - cli[i].perImage[j].diffusion)).toBeLessThanOrEqual(ONE_PIXEL + 1e-9);
  }

  // Cancel: the paper's stride 1 on 20 images is stopped between batches.
  await panel.getByTestId('diffusion-paper').check();
  await panel.getByTestId('diffusion-images').fill('20');
  await panel.getByTestId('diffusion-run').click();
  await expect(panel.getByTestId('diffusion-progress')).toContainText('attentive diffusion');
  await panel.getByTestId('diffusion-cancel').click();
  await expect(panel.getByTestId('diffusion-progress')).toHaveAttribute('data-status', 'cancelled');
  expect(errors).toEqual([]);
});
