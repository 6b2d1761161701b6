// Hostile files in the browser: the same readers run in the worker, which reports the error, while the page
// stays responsive (no main-thread task longer than 100 ms, measured with a PerformanceObserver 'longtask').

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { sharedChildrenPickle } from '../scripts/hostile/checkpoints.ts';
import { pngBomb, pngSecondIhdr } from '../scripts/hostile/images.ts';
import { makeImageFolder } from './fixtures.ts';
import { dropFolder, selectModels, waitForLab } from './helpers.ts';

const MAX_BLOCK_MS = 100;

/** Starts (or restarts) recording main-thread long tasks in the page. */
async function watchMainThread(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __longest?: number;
      __observer?: PerformanceObserver;
      __tasks?: string[];
    };
    w.__observer?.disconnect();
    w.__longest = 0;
    w.__tasks = [];
    w.__observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        w.__longest = Math.max(w.__longest ?? 0, e.duration);
        w.__tasks?.push(
          `${Math.round(e.startTime)}+${Math.round(e.duration)} ${JSON.stringify((e as unknown as { attribution: unknown }).attribution)}`,
        );
      }
    });
    w.__observer.observe({ type: 'longtask' });
  });
}

/** The longest main-thread task since watchMainThread, and every long task seen (start+duration, attribution). */
async function longTasks(page: Page): Promise<{ longest: number; tasks: string }> {
  return page.evaluate(() => {
    const w = window as unknown as { __longest: number; __tasks: string[] };
    return { longest: w.__longest, tasks: w.__tasks.join('\n') };
  });
}

async function expectResponsive(page: Page): Promise<void> {
  const { longest, tasks } = await longTasks(page);
  expect(longest, `long tasks on the main thread:\n${tasks}`).toBeLessThanOrEqual(MAX_BLOCK_MS);
}

test('a hostile checkpoint and a hostile image folder: the worker reports them, the page stays responsive', async ({
  page,
}) => {
  const dir = resolve('.cache/e2e-hostile');
  mkdirSync(dir, { recursive: true });
  const checkpoint = join(dir, 'shared-children.pth');
  writeFileSync(checkpoint, sharedChildrenPickle());
  const folder = makeImageFolder('hostile-e2e', 8);
  const classDir = join(folder, 'red-horizontal');
  writeFileSync(join(classDir, 'bomb.png'), pngBomb());
  writeFileSync(join(classDir, 'ihdr2.png'), pngSecondIhdr());

  await page.goto('./');
  await waitForLab(page);

  // The 1.7 KB pickle whose flattening once took 4^20 steps: refused by the work budget, in the worker.
  await watchMainThread(page);
  await page.getByTestId('checkpoint-input').setInputFiles(checkpoint);
  await expect(page.getByTestId('errors')).toContainText('work budget', { timeout: 60_000 });
  await expectResponsive(page);

  // A folder with a 2 GiB PNG bomb and a PNG with a second, larger IHDR: both skipped with their reason.
  await selectModels(page, 1);
  await dropFolder(page, 'drop-zone', folder);
  await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
  await watchMainThread(page);
  await page.getByTestId('run').click();
  const panel = page.getByTestId('progress').locator('..');
  await expect(panel).toContainText('inflates past', { timeout: 200_000 });
  await expect(panel).toContainText('second IHDR');
  await expectResponsive(page);
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
});
