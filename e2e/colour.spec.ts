// Colour preservation and the ImageNet correlation view in Chromium against the production build: the colour
// readout for every embedded zoo model on a small dropped folder of coloured images (the demo sets' 1,000
// images make the linear probe's C sweep take minutes per model here), plotted per channel; the correlation view for
// the zoo with typed-in ImageNet top-1 and the paper's overlay; one feature inversion with a visible
// reconstruction and its MSE (30 steps here instead of the paper's 3,000, to keep the test short).

import { expect, type Locator, test } from '@playwright/test';
import { makeImageFolder } from './fixtures.ts';
import { collectErrors, dropFolder, selectModels, waitForLab } from './helpers.ts';

const ZOO_MODELS = 4;
/** Made-up ImageNet top-1 values (%): the zoo never saw ImageNet, the view needs a value per model. */
const TYPED_TOP1 = ['61.5', '68.2', '70.9', '5.0'];

/** Spread of the canvas's pixel values: 0 for a blank (single-colour) canvas. */
function canvasSpread(canvas: Locator): Promise<number> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let min = 255;
    let max = 0;
    for (let i = 0; i < data.length; i += 4) {
      for (let k = 0; k < 3; k++) {
        min = Math.min(min, data[i + k]);
        max = Math.max(max, data[i + k]);
      }
    }
    return max - min;
  });
}

test('colour readout per model, the correlation view with the paper overlay, and one inversion', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await page.goto('/');
  await waitForLab(page);
  await dropFolder(page, 'drop-zone', makeImageFolder('colour-stripes', 12));
  await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
  await selectModels(page, ZOO_MODELS);
  await page.getByRole('checkbox', { name: /^Few-shot/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^Linear probe/ }).setChecked(true);
  await page.getByRole('checkbox', { name: /^Colour/ }).setChecked(true);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

  const colour = page.getByTestId('colour-view');
  await expect(colour.getByTestId('chart-colour-readout')).toHaveAttribute('data-rendered', 'true');
  await expect(colour.getByTestId('chart-colour-error')).toHaveAttribute('data-rendered', 'true');
  await expect(colour.getByTestId('chart-colour-reliance')).toHaveAttribute('data-rendered', 'true');
  // One bar per model in each channel's trace.
  const readoutBars = await colour
    .getByTestId('chart-colour-readout')
    .evaluate((el) =>
      (el as unknown as { data: { name: string; x: unknown[] }[] }).data.map((t) => [t.name, t.x.length]),
    );
  expect(readoutBars.slice(0, 3)).toEqual([
    ['R² mean red', ZOO_MODELS],
    ['R² mean green', ZOO_MODELS],
    ['R² mean blue', ZOO_MODELS],
  ]);

  const correlation = page.getByTestId('correlation-view');
  const inputs = correlation.locator('input[type=number]');
  await expect(inputs).toHaveCount(ZOO_MODELS);
  for (let i = 0; i < ZOO_MODELS; i++) await inputs.nth(i).fill(TYPED_TOP1[i]);
  await expect(correlation.getByTestId('chart-correlation')).toHaveAttribute('data-rendered', 'true');
  const traces = await correlation
    .getByTestId('chart-correlation')
    .evaluate((el) => (el as unknown as { data: { name?: string }[] }).data.map((t) => t.name ?? ''));
  expect(traces.some((name) => name.startsWith('paper'))).toBe(true);
  const linearRow = correlation.getByTestId('correlation-table').locator('tr', { hasText: 'linear' }).first();
  await expect(linearRow.locator('td').nth(2)).toHaveText(String(ZOO_MODELS));
  // The stripes are trivially separable (every model may score 100 % linear, so r is n/a there); the
  // calibration settings vary between models and give finite coefficients.
  const coefficients = correlation
    .getByTestId('correlation-table')
    .locator('td', { hasText: /^-?\d\.\d\d$/ });
  await expect(coefficients.first()).toBeVisible();

  const inversion = page.getByTestId('inversion-view');
  await inversion.getByTestId('invert-steps').fill('30');
  await inversion.getByTestId('invert').click();
  await expect(inversion.getByTestId('invert-progress')).toHaveAttribute('data-status', 'done', {
    timeout: 90_000,
  });
  await expect(inversion.getByTestId('inversion-mse')).toHaveText(
    /after 30 steps .*R \d+\.\d, G \d+\.\d, B \d+\.\d/,
  );
  expect(await canvasSpread(inversion.getByTestId('inversion-original'))).toBeGreaterThan(20);
  expect(await canvasSpread(inversion.getByTestId('inversion-reconstruction'))).toBeGreaterThan(0);
  // The inversion joins the results: its MSE is plotted beside the paper's.
  await expect(colour.getByTestId('chart-inversion-mse')).toHaveAttribute('data-rendered', 'true');
  expect(errors).toEqual([]);
});

test('the colour readout runs for every zoo model on a demo dataset and is plotted per channel', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const errors = collectErrors(page);
  await page.goto('/');
  await waitForLab(page);
  await page.getByTestId('demo-select').selectOption('mnist');
  await expect(page.getByTestId('dataset-summary')).toContainText('mnist: 1000 images');
  await selectModels(page, ZOO_MODELS);
  await page.getByRole('checkbox', { name: /^Few-shot/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^Linear probe/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^Colour/ }).setChecked(true);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 400_000 });
  const readout = page.getByTestId('colour-view').getByTestId('chart-colour-readout');
  await expect(readout).toHaveAttribute('data-rendered', 'true');
  const bars = await readout.evaluate((el) =>
    (el as unknown as { data: { name: string; y: number[] }[] }).data.map((t) => [t.name, t.y.length]),
  );
  expect(bars.slice(0, 3)).toEqual([
    ['R² mean red', ZOO_MODELS],
    ['R² mean green', ZOO_MODELS],
    ['R² mean blue', ZOO_MODELS],
  ]);
  expect(errors).toEqual([]);
});
