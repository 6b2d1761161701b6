// Results that survive, and which differences are real, end to end in Chromium against the production build:
// two runs on screen → Share → a fresh browser context shows both with identical text (table, significance
// marks, compare view), the shared view opens on its results, a reload keeps the results, Clear removes them.

import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { makeImageFolder } from './fixtures.ts';
import { collectErrors, dropFolder, selectModels, tableTexts, waitForLab } from './helpers.ts';

const IMAGES_PER_CLASS = 24; // 5-shot episodes need 5 + 15 per class

async function runOnce(page: Page, runsBefore: number): Promise<void> {
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await expect.poll(async () => (await tableTexts(page)).length - 1).toBe(2 * (runsBefore + 1)); // two models per run
}

/** Everything a reader sees of the results: the table, the compare view and the significance marks. */
async function resultsText(page: Page) {
  return {
    table: await tableTexts(page),
    compare: await page.getByTestId('compare-view').textContent(),
    significant: await page
      .locator('[data-testid=results-table] td[data-significant=true]')
      .allTextContents(),
    runs: await page.getByText(/^Comparing \d+ runs\.$/).textContent(),
  };
}

async function openIn(context: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(url);
  return { page, errors };
}

test('two runs → Share → a fresh context shows both, identical text; a reload keeps them; Clear empties', async ({
  page,
  browser,
}) => {
  test.setTimeout(480_000);
  const errors = collectErrors(page);
  await page.goto('./');
  await waitForLab(page);
  await dropFolder(page, 'drop-zone', makeImageFolder('stripes', IMAGES_PER_CLASS));
  await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
  await selectModels(page, 2);
  await runOnce(page, 0);
  await runOnce(page, 1);

  // Which differences are real: a compare matrix per run and probe, and marks only where a test says so.
  const matrices = page.getByTestId('compare-matrix');
  await expect(matrices.first()).toBeVisible();
  expect(await matrices.count()).toBeGreaterThanOrEqual(4); // (linear + few-shot) × two runs
  await expect(page.getByTestId('compare-view')).toContainText("McNemar's exact test");
  await expect(page.getByTestId('compare-view')).toContainText('paired t-test (over few-shot episodes');
  const original = await resultsText(page);
  expect(original.runs).toBe('Comparing 2 runs.');
  // Every mark sits on a cell its matrix calls "better" (the same run's verdict, Holm p < 0.05).
  const verdicts = await page
    .locator('[data-testid=compare-matrix] td[data-verdict]')
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-verdict')));
  expect(original.significant.length).toBeLessThanOrEqual(verdicts.filter((v) => v === 'better').length);
  for (const text of original.significant) expect(text).toMatch(/\*.*significantly better than/s);
  expect(original.significant.length).toBeGreaterThan(0);

  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(new URL(url).hash).toMatch(/^#rs2\./);

  // A fresh browser context (no storage shared with the first): both runs, the same text everywhere.
  const fresh = await browser.newContext();
  const shared = await openIn(fresh, url);
  await expect(shared.page.getByTestId('shared-note')).toBeVisible();
  await expect(shared.page.locator('#results')).toBeInViewport(); // opens on the results
  await expect(shared.page.getByTestId('compare-view')).toBeVisible();
  expect(await resultsText(shared.page)).toEqual(original);
  expect(shared.errors).toEqual([]);
  await fresh.close();

  // A reload keeps the results on screen (IndexedDB), with the same text.
  await page.goto('./');
  await waitForLab(page);
  await expect.poll(async () => (await tableTexts(page)).length).toBe(original.table.length);
  expect(await resultsText(page)).toEqual(original);

  // Clear removes them, and they stay gone after a reload.
  await page.getByTestId('clear-results').click();
  await expect(page.getByTestId('results-table')).toHaveCount(0);
  await page.reload();
  await waitForLab(page);
  await expect(page.getByText('No results yet')).toBeVisible();
  await expect(page.getByTestId('results-table')).toHaveCount(0);
  expect(errors).toEqual([]);
});
