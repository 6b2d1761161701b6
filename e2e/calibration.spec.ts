// Calibration and per-class views in Chromium against the production build: two zoo models, linear probe
// only, on a small dropped folder that includes a class named like an HTML injection. The ECE bars and the
// overlaid reliability diagram render (models toggled and before/after switched from the keyboard); the
// per-class view stays collapsed until opened, then draws per-class accuracy and the confusion heatmap. A
// shared link (no details) keeps the ECE bars from the scores and says the detail views are not in it.

import { expect, type Locator, test } from '@playwright/test';
import { makeImageFolder, XSS_CLASS } from './fixtures.ts';
import { collectErrors, dropFolder, selectModels, waitForLab } from './helpers.ts';

interface PlotTrace {
  name?: string;
  type?: string;
  x?: unknown[];
  y?: unknown[];
  z?: unknown[][];
}

/** The traces Plotly drew in a chart host (Plotly keeps them on the element as `data`). */
function traces(chart: Locator): Promise<PlotTrace[]> {
  return chart.evaluate((el) => (el as unknown as { data: PlotTrace[] }).data);
}

test('ECE bars, overlaid reliability diagram and per-class views for two models; shared links say what is missing', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto('/');
  await waitForLab(page);
  await dropFolder(page, 'drop-zone', makeImageFolder('calibration-stripes', 10, XSS_CLASS));
  await expect(page.getByTestId('dataset-summary')).toContainText('6 classes');
  await selectModels(page, 2);
  await page.getByRole('checkbox', { name: /^Few-shot/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^Linear probe/ }).setChecked(true);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });

  const calibration = page.getByTestId('calibration-view');
  const ece = calibration.getByTestId('chart-ece');
  await expect(ece).toHaveAttribute('data-rendered', 'true');
  const eceTraces = await traces(ece);
  expect(eceTraces.map((t) => [t.name, t.x?.length])).toEqual([
    ['before temperature scaling', 2],
    ['after temperature scaling', 2],
  ]);

  const reliability = calibration.getByTestId('chart-reliability');
  await expect(reliability).toHaveAttribute('data-rendered', 'true');
  const overlay = await traces(reliability);
  expect(overlay.map((t) => t.name?.startsWith('perfect') ?? false)).toEqual([true, false, false]);
  expect(await reliability.locator('svg .scatterlayer .trace').count()).toBe(3);

  // Keyboard: untick the first model with Space, then pick "after" with the arrow keys.
  const firstModel = calibration.getByTestId('reliability-models').locator('input[type=checkbox]').first();
  await firstModel.focus();
  await page.keyboard.press('Space');
  await expect(firstModel).not.toBeChecked();
  await expect.poll(async () => (await traces(reliability)).length).toBe(2);
  await calibration.getByTestId('reliability-before').focus();
  await page.keyboard.press('ArrowDown');
  await expect(calibration.getByTestId('reliability-after')).toBeChecked();
  await expect(reliability).toHaveAttribute('aria-label', /after temperature scaling/);

  const perClass = page.getByTestId('perclass-view');
  await expect(perClass).not.toHaveAttribute('open', '');
  await expect(perClass.getByTestId('chart-confusion')).toHaveCount(0);
  await perClass.locator('summary').click();
  const accuracy = perClass.getByTestId('chart-perclass');
  const heatmap = perClass.getByTestId('chart-confusion');
  await expect(accuracy).toHaveAttribute('data-rendered', 'true');
  await expect(heatmap).toHaveAttribute('data-rendered', 'true');
  const [bars] = await traces(accuracy);
  expect(bars.x).toHaveLength(6);
  const [cells] = await traces(heatmap);
  expect(cells.type).toBe('heatmap');
  expect(cells.z).toHaveLength(6);
  expect(cells.y).toContain('&lt;img src=x onerror=alert(1)&gt;');

  // The other model: the select lists both, and switching redraws.
  const select = perClass.getByTestId('perclass-model');
  await expect(select.locator('option')).toHaveCount(2);
  const second = await select.locator('option').nth(1).getAttribute('value');
  await select.selectOption(second!);
  await expect(heatmap).toHaveAttribute('aria-label', /Confusion matrix of /);
  await expect(heatmap).toHaveAttribute('data-rendered', 'true');

  // The hostile class name is shown as text, never parsed as an element.
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(errors).toEqual([]);

  // A shared link drops details: the ECE bars fall back to the scores, the detail views say they are absent.
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  const shared = await context.newPage();
  const sharedErrors = collectErrors(shared);
  await shared.goto(url);
  await expect(shared.getByTestId('shared-note')).toBeVisible();
  const sharedEce = shared.getByTestId('chart-ece');
  await expect(sharedEce).toHaveAttribute('data-rendered', 'true');
  expect((await traces(sharedEce)).map((t) => t.x?.length)).toEqual([2, 2]);
  await expect(shared.getByTestId('reliability-missing')).toContainText('shared links');
  await expect(shared.getByTestId('chart-reliability')).toHaveCount(0);
  await shared.getByTestId('perclass-view').locator('summary').click();
  await expect(shared.getByTestId('perclass-missing')).toContainText('Not in shared links');
  expect(sharedErrors).toEqual([]);
});
