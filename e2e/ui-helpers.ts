// Shared by the layout, responsive and accessibility specs: a short real run on a small generated folder,
// and measurements of what a person sees (viewport, overflow, colours) read from the page itself.

import { expect, type Page } from '@playwright/test';
import { makeImageFolder } from './fixtures.ts';
import { dropFolder, selectModels, waitForLab } from './helpers.ts';

/** 5 classes × 24 images: enough for a linear probe with intervals, quick on two CPU cores. */
export const SMALL_FOLDER_PER_CLASS = 24;

/** Loads the small folder, picks the first `models` zoo models and the linear probe only, presses Run. */
export async function startSmallRun(page: Page, models: number): Promise<void> {
  const folder = makeImageFolder('stripes', SMALL_FOLDER_PER_CLASS);
  await waitForLab(page);
  await dropFolder(page, 'drop-zone', folder);
  await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
  await selectModels(page, models);
  for (const box of await page.locator('.run-panel fieldset input[type=checkbox]').all()) {
    const label = (await box.evaluate((el) => el.closest('label')?.textContent ?? '')).trim();
    await box.setChecked(label.startsWith('Linear probe'));
  }
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'running');
}

export async function waitForRunEnd(page: Page): Promise<void> {
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
}

/** The element's box lies inside the viewport and it is what a click at its centre would hit. */
export async function onScreenAndUncovered(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((el) => {
    const r = el.getBoundingClientRect();
    const inside = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return inside && r.width > 0 && (hit === el || el.contains(hit));
  });
}

/** How far the page scrolls sideways (0 when nothing overflows). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Opens the share link of the result on screen in a fresh page of the same size; returns that page. */
export async function openShareLink(page: Page): Promise<Page> {
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  const shared = await page.context().newPage();
  await shared.setViewportSize(page.viewportSize()!);
  await shared.goto(url);
  await expect(shared.getByTestId('shared-note')).toBeVisible();
  await expect(shared.getByTestId('results-table')).toBeVisible();
  return shared;
}

export interface ColourCheck {
  /** Charts that draw at least one model-tagged trace. */
  charts: string[];
  /** (chart, model) pairs compared. */
  compared: number;
  mismatches: string[];
}

/**
 * For every rendered Plotly chart: each trace tagged with a model (meta.model, or meta.models per point)
 * must be drawn in the colour of that model's swatch in the results table. Colours are compared after the
 * browser parses them, so "#0072B2" and "rgb(0, 114, 178)" are the same colour.
 */
export async function chartColoursAgainstTable(page: Page): Promise<ColourCheck> {
  return page.evaluate(() => {
    const probe = document.createElement('span');
    document.body.append(probe);
    const norm = (c: unknown) => {
      probe.style.color = '';
      probe.style.color = String(c);
      return getComputedStyle(probe).color;
    };
    const swatch = new Map<string, string>();
    for (const row of document.querySelectorAll('[data-testid="results-table"] tr[data-model]')) {
      const colour = row.querySelector<HTMLElement>('.swatch')?.dataset.colour;
      if (colour) swatch.set(row.getAttribute('data-model')!, norm(colour));
    }
    const out = { charts: [] as string[], compared: 0, mismatches: [] as string[] };
    type Trace = {
      meta?: { model?: string; models?: string[] };
      marker?: { color?: unknown };
      line?: { color?: unknown };
    };
    for (const el of document.querySelectorAll<HTMLElement>('.js-plotly-plot')) {
      const name = el.dataset.testid ?? 'chart';
      const plot = el as unknown as { data?: Trace[]; _fullData?: (Trace & { index?: number })[] };
      const full = plot._fullData ?? [];
      let tagged = false;
      for (const [i, t] of full.entries()) {
        // meta as given in the spec (Plotly copies it to fullData too; the input is the one we wrote).
        const meta = plot.data?.[t.index ?? i]?.meta ?? t.meta;
        if (!meta) continue;
        const ids = meta.model !== undefined ? [meta.model] : (meta.models ?? []);
        const colours = Array.isArray(t.marker?.color)
          ? (t.marker.color as unknown[])
          : ids.map(() => t.marker?.color ?? t.line?.color);
        ids.forEach((id, k) => {
          tagged = true;
          out.compared += 1;
          const want = swatch.get(id);
          const got = norm(colours[k]);
          if (want !== got) out.mismatches.push(`${name} trace ${i} model ${id}: ${got} ≠ table ${want}`);
        });
      }
      if (tagged) out.charts.push(name);
    }
    probe.remove();
    return out;
  });
}
