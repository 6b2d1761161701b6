// The page at a laptop's 1280×800: Run is on screen from the start, the results are in view when a run
// ends (focus on their heading), a shared link opens on its results, and every chart draws each model in
// the colour of that model's swatch in the table.

import { expect, test } from '@playwright/test';
import { collectErrors } from './helpers.ts';
import {
  chartColoursAgainstTable,
  onScreenAndUncovered,
  openShareLink,
  startSmallRun,
  waitForRunEnd,
} from './ui-helpers.ts';

test.use({ viewport: { width: 1280, height: 800 } });

test('Run in the first viewport, results in view after the run, shared link opens on results, colours agree', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./');
  await expect(page.getByTestId('run')).toBeEnabled();
  // Without any scrolling: the button is inside the 1280×800 viewport and nothing covers it.
  expect(await page.evaluate(() => [scrollX, scrollY])).toEqual([0, 0]);
  expect(await onScreenAndUncovered(page, 'run')).toBe(true);
  // Set-up and results share the screen: the results heading is on screen beside the rail.
  await expect(page.locator('#results-heading')).toBeInViewport();

  await startSmallRun(page, 2);
  // While running, the run's progress heads the results column, and "No results yet" is gone.
  await expect(page.getByTestId('progress')).toBeInViewport();
  await expect(page.getByTestId('run-overall')).toBeVisible();
  await expect(page.getByTestId('no-results')).toHaveCount(0);
  await waitForRunEnd(page);

  await expect(page.getByTestId('results-table')).toBeInViewport();
  await expect(page.locator('#results-heading')).toBeFocused();
  expect(await onScreenAndUncovered(page, 'run')).toBe(true);

  // Give the correlation view ImageNet numbers so its chart is drawn too (the zoo has none of its own).
  const top1Inputs = page.locator('input[data-testid^="top1-"]');
  await expect(top1Inputs).toHaveCount(2);
  await top1Inputs.nth(0).fill('70');
  await top1Inputs.nth(1).fill('60');
  await expect(page.getByTestId('few-models')).toContainText('only 2 models');
  for (const id of ['chart', 'chart-ece', 'chart-correlation']) {
    await expect(page.getByTestId(id)).toHaveAttribute('data-rendered', 'true');
  }
  const colours = await chartColoursAgainstTable(page);
  expect(colours.mismatches).toEqual([]);
  expect(colours.charts).toEqual(expect.arrayContaining(['chart', 'chart-ece', 'chart-correlation']));
  // Two models in three charts at least: every one was compared.
  expect(colours.compared).toBeGreaterThanOrEqual(6);
  // Two models, two different swatches.
  const swatches = await page
    .getByTestId('results-table')
    .locator('.swatch')
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.colour));
  expect(new Set(swatches).size).toBe(2);

  const shared = await openShareLink(page);
  expect(await shared.evaluate(() => [scrollX, scrollY])).toEqual([0, 0]);
  await expect(shared.getByTestId('results-table')).toBeInViewport();
  await expect(shared.getByTestId('chart')).toHaveAttribute('data-rendered', 'true');
  const sharedColours = await chartColoursAgainstTable(shared);
  expect(sharedColours.mismatches).toEqual([]);
  expect(sharedColours.charts).toContain('chart');
  expect(errors).toEqual([]);
});
