// The lab works from the keyboard alone: real buttons and labels in tab order, with a visible focus ring.

import { expect, type Page, test } from '@playwright/test';
import { collectErrors, waitForLab } from './helpers.ts';

async function tabTo(page: Page, testId: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === testId) return;
  }
  throw new Error(`${testId} is not reachable with Tab`);
}

test('Run and Cancel by keyboard on the default demo set, with focus visible', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./');
  await waitForLab(page);
  await expect(page.getByTestId('dataset-summary')).toContainText('classes');
  await expect(page.getByTestId('run')).toBeEnabled();
  await tabTo(page, 'run');
  const outline = await page.getByTestId('run').evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'running');
  // Run disables itself while running, so focus moves to Cancel.
  await expect(page.getByTestId('cancel')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('results-table')).toHaveCount(0);
  expect(errors).toEqual([]);
});
