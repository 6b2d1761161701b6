// README screenshots, regenerated from the production build in Chromium: `npm run screenshots`
// (= `npm run build` then this script). It serves dist/ with vite preview, opens the lab at 1280×800 and
// writes docs/screenshots/{first-view,results,charts,compare}.png:
//   first-view: the page as it opens (default demo set, the embedded zoo selected);
//   results:    after pressing Run with those defaults (a real run: minutes on a 2-core CPU);
//   charts:     the same results scrolled to the transfer chart;
//   compare:    the significance / compare view, when this build has one (found by COMPARE_SELECTOR);
//               otherwise it is skipped with a message and any older compare.png is left as it was.
// CHROMIUM_PATH picks the browser (default /usr/bin/chromium); SCREENSHOT_PORT the preview port.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';

const PORT = Number(process.env.SCREENSHOT_PORT ?? 4780);
const URL = `http://localhost:${PORT}/`;
const OUT = resolve('docs/screenshots');
const VIEWPORT = { width: 1280, height: 800 };
/** The compare view (paired significance tests) where a build has one: any of these. */
const COMPARE_SELECTOR = '[data-testid="compare-view"], [data-testid="significance-matrix"]';
const RUN_TIMEOUT_MS = 20 * 60_000;

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

async function waitForServer(url: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (server.exitCode !== null) throw new Error(`vite preview exited with ${server.exitCode}`);
    if (await answers(url)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let charts finish their transitions and the caret stop blinking into the image.
  await page.waitForTimeout(800);
  const path = resolve(OUT, `${name}.png`);
  await page.screenshot({ path, caret: 'hide', animations: 'disabled' });
  console.log(`wrote ${path}`);
}

async function firstView(page: Page): Promise<void> {
  await page.goto(URL);
  await page.locator('[data-testid="backend"]:not([data-backend=""])').waitFor();
  await page.getByTestId('dataset-summary').waitFor();
  await page.locator('[data-testid="run"]:enabled').waitFor();
  await shoot(page, 'first-view');
}

async function results(page: Page): Promise<void> {
  await page.getByTestId('run').click();
  await page.locator('[data-testid="progress"][data-status="done"]').waitFor({ timeout: RUN_TIMEOUT_MS });
  await page.locator('[data-testid="chart"][data-rendered="true"]').waitFor();
  await shoot(page, 'results');
  // The charts below the table: the transfer chart at the top of the results column.
  await page.getByTestId('chart').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shoot(page, 'charts');
}

async function compare(page: Page): Promise<void> {
  const view = page.locator(COMPARE_SELECTOR).first();
  if ((await view.count()) === 0) {
    console.log(`no compare view in this build (${COMPARE_SELECTOR}): compare.png not regenerated`);
    return;
  }
  await view.scrollIntoViewIfNeeded();
  await view.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shoot(page, 'compare');
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (await answers(URL)) {
    throw new Error(
      `Something already serves ${URL}: stop it or set SCREENSHOT_PORT (it may not be this build)`,
    );
  }
  // vite's own entry point under this Node, not npx: killing an npx wrapper would leave the server running.
  const vite = resolve('node_modules/vite/bin/vite.js');
  const server = spawn(process.execPath, [vite, 'preview', '--port', String(PORT), '--strictPort'], {
    stdio: 'inherit',
  });
  try {
    await waitForServer(URL, server);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--disable-background-networking', '--disable-component-update'],
    });
    try {
      const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
      await firstView(page);
      await results(page);
      await compare(page);
    } finally {
      await browser.close();
    }
  } finally {
    server.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
