// The kNN probe in Chromium against the production build: a dropped folder of coloured images, two zoo
// models, kNN only; the table shows its top-1 (k = 20) per model, the chart draws accuracy over k (with
// k = 100 and 200 capped at the small train split). A folder of one class shows "not computed" and the reason.

import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { makeImageFolder } from './fixtures.ts';
import { collectErrors, dropFolder, selectModels, tableTexts, waitForLab } from './helpers.ts';

test('kNN probe: score per model in the table and its curve over k', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await page.goto('/');
  await waitForLab(page);
  await dropFolder(page, 'drop-zone', makeImageFolder('colour-stripes', 12));
  await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
  await selectModels(page, 2);
  await page.getByRole('checkbox', { name: /^Linear probe/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^Few-shot/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^kNN/ }).setChecked(true);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

  const table = await tableTexts(page);
  expect(table[0]).toEqual(['model', 'kNN · top-1 %']);
  expect(table).toHaveLength(3);
  for (const row of table.slice(1)) expect(row[1]).toMatch(/^\d{1,3}\.\d ± \d+\.\d$/);

  const chart = page.getByTestId('chart-knn');
  await expect(chart).toHaveAttribute('data-rendered', 'true');
  const traces = await chart.evaluate((el) =>
    (el as unknown as { data: { x: number[]; y: number[]; customdata: string[][] }[] }).data.map((t) => ({
      x: t.x,
      n: t.y.filter((v) => v >= 0 && v <= 100).length,
      capped: t.customdata.map((c) => c[2] !== ''),
    })),
  );
  expect(traces).toHaveLength(2);
  for (const t of traces) {
    expect(t).toEqual({ x: [10, 20, 100, 200], n: 4, capped: [false, false, true, true] });
  }
  expect(errors).toEqual([]);
});

/** One class folder of the colour-stripes set, as its own dataset. */
function oneClassFolder(): string {
  const source = makeImageFolder('colour-stripes', 12);
  const root = resolve('.cache/e2e/one-class');
  const cls = readdirSync(source).sort()[0];
  if (!existsSync(join(root, cls))) cpSync(join(source, cls), join(root, cls), { recursive: true });
  return root;
}

test('one class: the table says "not computed" with the reason instead of a score', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await page.goto('/');
  await waitForLab(page);
  await dropFolder(page, 'drop-zone', oneClassFolder());
  await expect(page.getByTestId('dataset-summary')).toContainText('1 class');
  await selectModels(page, 1);
  await page.getByRole('checkbox', { name: /^Linear probe/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^Few-shot/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^kNN/ }).setChecked(true);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const cell = page.getByTestId('results-table').getByTestId('not-computed');
  await expect(cell).toHaveText(
    /^not computed: it needs images of two or more classes in train; train has 1/,
  );
  await expect(cell).toHaveAttribute('title', /two or more classes in train/);
  expect(errors).toEqual([]);
});
