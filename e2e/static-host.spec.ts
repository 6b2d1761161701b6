// On a static host that cannot send COOP/COEP, public/coi-sw.js makes the page cross-origin isolated after
// one automatic reload, so tfjs-wasm still gets its threads.

import { expect, type Page, test } from '@playwright/test';
import { serveStatic } from './static-server.ts';

async function isolated(page: Page): Promise<boolean> {
  try {
    return await page.evaluate(() => crossOriginIsolated);
  } catch {
    return false; // the page is reloading
  }
}

test('without COOP/COEP headers the service worker isolates the page and wasm runs threaded', async ({
  page,
}) => {
  const server = await serveStatic('dist');
  try {
    const first = await page.request.get(server.url);
    expect(first.headers()['cross-origin-embedder-policy']).toBeUndefined();
    await page.goto(server.url);
    await expect.poll(() => isolated(page), { timeout: 30_000 }).toBe(true);
    const backend = page.getByTestId('backend');
    await expect(backend).toHaveAttribute('data-backend', 'wasm');
    expect(Number(await backend.getAttribute('data-threads'))).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('dataset-summary')).toBeVisible();
  } finally {
    await server.close();
  }
});

test.describe('where service workers are unavailable', () => {
  test.use({ serviceWorkers: 'block' });

  test('the lab still works, on wasm without threads', async ({ page }) => {
    const server = await serveStatic('dist');
    try {
      await page.goto(server.url);
      const backend = page.getByTestId('backend');
      await expect(backend).toHaveAttribute('data-backend', 'wasm');
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
      await expect(backend).toHaveAttribute('data-threads', '1');
      await expect(page.getByTestId('dataset-summary')).toContainText('classes');
      await expect(page.getByTestId('run')).toBeEnabled();
    } finally {
      await server.close();
    }
  });
});
