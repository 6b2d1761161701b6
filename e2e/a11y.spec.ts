// axe-core audits of the four views people see: the first view, a run in progress, the results and a
// shared link. No serious or critical violation may remain (moderate and minor ones are printed).

import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { collectErrors } from './helpers.ts';
import { openShareLink, startSmallRun, waitForRunEnd } from './ui-helpers.ts';

test.use({ viewport: { width: 1280, height: 800 } });

const BLOCKING = ['serious', 'critical'];

/** Runs axe (WCAG 2.1 A and AA plus best practices) and returns the blocking violations, readably. */
async function blockingViolations(page: Page, view: string): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const lines = result.violations.map(
    (v) =>
      `${view}: [${v.impact}] ${v.id} (${v.help}) at ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join('; ')}`,
  );
  const others = lines.filter((_, i) => !BLOCKING.includes(result.violations[i].impact ?? ''));
  if (others.length) console.log(`axe, not blocking:\n${others.join('\n')}`);
  return lines.filter((_, i) => BLOCKING.includes(result.violations[i].impact ?? ''));
}

test('axe finds no serious or critical violations: first view, during a run, results, shared view', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./');
  await expect(page.getByTestId('run')).toBeEnabled();
  await expect(page.getByTestId('dataset-summary')).toBeVisible();
  expect(await blockingViolations(page, 'first view')).toEqual([]);

  await startSmallRun(page, 3);
  await expect(page.getByTestId('run-overall')).toBeVisible();
  const during = await blockingViolations(page, 'during a run');
  // The audit must have seen the run in progress, not its end.
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'running', { timeout: 1 });
  expect(during).toEqual([]);
  await waitForRunEnd(page);
  await expect(page.getByTestId('chart')).toHaveAttribute('data-rendered', 'true');
  await expect(page.locator('#results-heading')).toBeFocused();
  expect(await blockingViolations(page, 'results')).toEqual([]);

  const shared = await openShareLink(page);
  await expect(shared.getByTestId('chart')).toHaveAttribute('data-rendered', 'true');
  expect(await blockingViolations(shared, 'shared view')).toEqual([]);
  expect(errors).toEqual([]);
});
