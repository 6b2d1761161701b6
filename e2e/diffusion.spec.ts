// Attentive diffusion in Chromium against the production build: the four zoo models on the default demo set
// (3 seeded images, stride 5 to keep the test short), the values table with the setting stated, a saliency map
// drawn over each image, the same maps and values as `tlab diffusion` on the same folder (bit for bit), and cancel.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { collectErrors, waitForLab } from './helpers.ts';

const ZOO = ['zoo-supervised-r10n', 'zoo-simclr-r10n', 'zoo-byol-r10n', 'zoo-random-r10n'];
const IMAGES = 3;
const STRIDE = 5;

interface ImageValue {
  key: string;
  diffusion: number;
  map: number[];
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
  // Exactly the four zoo models, whatever else the picker offers (224-pixel models would take hours here).
  for (const box of await page.getByTestId('model-picker').locator('input[type=checkbox]').all())
    await box.setChecked(ZOO.includes((await box.getAttribute('value')) ?? ''));
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

  // The same sample, maps and values as the CLI (wasm in both), bit for bit.
  const browser = await page.evaluate(() => {
    type Image = { key: string; diffusion: number; map: Float32Array };
    type Run = { modelId: string; result: { perImage: Image[] } };
    type Store = { getState(): { diffusion: { runs: Run[] } } };
    const runs = (window as unknown as { __lab: { store: Store } }).__lab.store.getState().diffusion.runs;
    return runs.map((r) => ({
      id: r.modelId,
      perImage: r.result.perImage.map((p) => ({
        key: p.key,
        diffusion: p.diffusion,
        map: Array.from(p.map),
      })),
    }));
  });
  const cli = cliValues();
  expect(browser.map((m) => m.id)).toEqual(ZOO);
  let largest = 0;
  let largestMap = 0;
  for (const [i, model] of browser.entries()) {
    expect(model.perImage.map((p) => p.key)).toEqual(cli[i].perImage.map((p) => p.key));
    for (const [j, p] of model.perImage.entries()) {
      const gap = Math.abs(p.diffusion - cli[i].perImage[j].diffusion);
      const cliMap = cli[i].perImage[j].map;
      const scale = Math.max(...cliMap);
      // One expect per map (Playwright records every expect as a step: thousands of them take minutes).
      let mapGap = 0;
      for (const [k, v] of p.map.entries()) mapGap = Math.max(mapGap, Math.abs(v - cliMap[k]) / scale);
      largestMap = Math.max(largestMap, mapGap);
      // The lab's rule: the same data, seed and settings give the same numbers bit for bit in browser and CLI.
      expect(mapGap).toBe(0);
      largest = Math.max(largest, gap);
      expect(gap).toBe(0);
    }
  }
  console.log(
    `browser vs CLI: largest per-image diffusion difference ${largest} points, largest map difference ${largestMap} of the map's scale`,
  );

  // Cancel: the paper's stride 1 on 20 images is stopped between batches.
  await panel.getByTestId('diffusion-paper').check();
  await panel.getByTestId('diffusion-images').fill('20');
  await panel.getByTestId('diffusion-run').click();
  await expect(panel.getByTestId('diffusion-progress')).toContainText('attentive diffusion');
  await panel.getByTestId('diffusion-cancel').click();
  await expect(panel.getByTestId('diffusion-progress')).toHaveAttribute('data-status', 'cancelled');
  expect(errors).toEqual([]);
});
