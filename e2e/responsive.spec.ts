// The lab on a phone (390×844): nothing scrolls the page sideways on the first view, the results or a
// shared view (wide tables scroll inside their own box, charts fit the width), and every control is a
// touch target of at least 40 px.

import { expect, type Page, test } from '@playwright/test';
import { collectErrors } from './helpers.ts';
import { horizontalOverflow, openShareLink, startSmallRun, waitForRunEnd } from './ui-helpers.ts';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

const MIN_TARGET = 40;

/** Visible controls smaller than a 40 px touch target (a checkbox counts by its label, its real target). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate((min) => {
    const small: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('button, select, input, summary, .file-button');
    for (const el of controls) {
      const target =
        el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')
          ? (el.closest('label') ?? el)
          : el;
      if (el instanceof HTMLInputElement && el.type === 'file') continue; // hidden inside its .file-button
      const r = target.getBoundingClientRect();
      const style = getComputedStyle(target);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.opacity === '0') continue;
      if (r.height < min - 0.5) {
        const name =
          el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent?.trim();
        small.push(`${el.tagName.toLowerCase()} "${(name ?? '').slice(0, 40)}": ${r.height.toFixed(1)} px`);
      }
    }
    return small;
  }, MIN_TARGET);
}

/** Charts wider than the screen would be cut off or scroll the page. */
async function chartsWiderThanScreen(page: Page): Promise<number> {
  return page
    .locator('.js-plotly-plot')
    .evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5).length);
}

test('390×844: no sideways scrolling on the first view, the results and a shared view; 40 px targets', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./');
  await expect(page.getByTestId('run')).toBeEnabled();
  expect(await horizontalOverflow(page)).toBe(0);
  expect(await smallTargets(page)).toEqual([]);
  // Run is in reach from the first screen (the bar at the foot of the screen).
  await expect(page.getByTestId('run')).toBeInViewport();

  await startSmallRun(page, 2);
  await waitForRunEnd(page);
  await expect(page.getByTestId('chart')).toHaveAttribute('data-rendered', 'true');
  expect(await horizontalOverflow(page)).toBe(0);
  expect(await chartsWiderThanScreen(page)).toBe(0);
  // The results table stays inside its scroll box, which stays inside the screen.
  const box = await page
    .getByTestId('results-table')
    .evaluate((t) => t.parentElement!.getBoundingClientRect().right);
  expect(box).toBeLessThanOrEqual(390);
  expect(await smallTargets(page)).toEqual([]);

  const shared = await openShareLink(page);
  await expect(shared.getByTestId('chart')).toHaveAttribute('data-rendered', 'true');
  expect(await horizontalOverflow(shared)).toBe(0);
  expect(await chartsWiderThanScreen(shared)).toBe(0);
  // A shared link shows its results first, on a phone too.
  await expect(shared.locator('#results-heading')).toBeInViewport();
  expect(errors).toEqual([]);
});
