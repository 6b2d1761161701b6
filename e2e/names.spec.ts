// Names from user folders are text, never HTML: in the dataset summary, the results table and Plotly's labels.

import { expect, test } from '@playwright/test';
import { makeImageFolder, XSS_CLASS } from './fixtures.ts';
import { collectErrors, dropFolder, selectModels, waitForLab } from './helpers.ts';

test('a class folder named like an HTML tag is shown as text and no dialog fires', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const errors = collectErrors(page);
  // The dropped folder itself (the dataset name, shown in the chart) is hostile too.
  const folder = makeImageFolder('<img src=y onerror=alert(2)>', 21, XSS_CLASS);
  await page.goto('./');
  await waitForLab(page);
  await dropFolder(page, 'drop-zone', folder);
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toContainText(XSS_CLASS);
  await expect(summary).toContainText('<img src=y onerror=alert(2)>');
  await expect(page.locator('img[src="x"], img[src="y"]')).toHaveCount(0);

  await selectModels(page, 1);
  await page.getByRole('checkbox', { name: /Few-shot/ }).uncheck();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await expect(page.getByTestId('chart')).toHaveAttribute('data-rendered', 'true');
  await expect(page.getByTestId('chart')).toContainText('<img src=y onerror=alert(2)>');
  await expect(page.locator('img[src="x"], img[src="y"]')).toHaveCount(0);
  expect(dialogs).toEqual([]);
  expect(errors).toEqual([]);
});
