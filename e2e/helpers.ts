import { expect, type Page } from '@playwright/test';

/** Console errors and uncaught page errors, collected for a "no errors" assertion at the end of a test. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

/**
 * A real OS-like folder drop: CDP Input.dispatchDragEvent makes webkitGetAsEntry() work, which a synthetic
 * DataTransfer cannot (notes/browser-setup.md §5).
 */
export async function dropFolder(page: Page, testId: string, folder: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  // CDP drag events take viewport coordinates: the target must be on screen.
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`${testId} is not visible`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const data = { items: [], files: [folder], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
    await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
  }
  await cdp.detach();
}

/** The page is ready for a run: backend up and the catalog loaded. */
export async function waitForLab(page: Page): Promise<void> {
  await expect(page.getByTestId('backend')).not.toHaveAttribute('data-backend', '');
  await expect(page.getByTestId('model-picker').locator('input[type=checkbox]').first()).toBeVisible();
}

/** Selects the first `n` embedded models only. */
export async function selectModels(page: Page, n: number): Promise<void> {
  const boxes = page.getByTestId('model-picker').locator('input[type=checkbox]');
  const count = await boxes.count();
  expect(count).toBeGreaterThanOrEqual(n);
  for (let i = 0; i < count; i++) await boxes.nth(i).setChecked(i < n);
}

/** Cell texts of the results table, row by row (header row first). */
export async function tableTexts(page: Page, testId = 'results-table'): Promise<string[][]> {
  return page
    .getByTestId(testId)
    .locator('tr')
    .evaluateAll((rows) =>
      rows.map((row) => Array.from(row.children, (cell) => (cell.textContent ?? '').trim())),
    );
}
