// The lab end to end in Chromium against the production build: folder in → Run → table + chart → share.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { makeImageFolder } from './fixtures.ts';
import { collectErrors, dropFolder, selectModels, tableTexts, waitForLab } from './helpers.ts';

const FOLDER_IMAGES_PER_CLASS = 24; // 5-shot few-shot needs 5 + 15 per class; 20-shot is skipped (noted)

async function downloadText(page: Page, testId: string): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  return readFileSync((await (await download).path())!, 'utf8');
}

async function runAndCheckResults(page: Page): Promise<string[][]> {
  await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
  await expect(page.getByTestId('dataset-issues')).toContainText('notes.txt');
  await selectModels(page, 2);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  const rows = await tableTexts(page);
  const header = rows[0];
  const linear = header.findIndex((h) => h.startsWith('linear'));
  const fewshot = header.findIndex((h) => /\d+-way \d+-shot/.test(h));
  expect(linear).toBeGreaterThan(0);
  expect(fewshot).toBeGreaterThan(0);
  const body = rows.slice(1);
  expect(body.length).toBeGreaterThanOrEqual(2);
  for (const row of body) {
    // A score, then possibly a significance mark (*…) and, for few-shot, how many classes took part.
    expect(row[linear]).toMatch(/^\d+\.\d( ± \d+\.\d)?(\*|$)/);
    // The registry's note ("k of n classes") only where classes were left out, then possibly the mark.
    expect(row[fewshot]).toMatch(/^\d+\.\d ± \d+\.\d( \(\d+ of \d+ classes\))?(\*.*)?$/s);
  }
  await expect(page.getByTestId('chart')).toHaveAttribute('data-rendered', 'true');
  return rows;
}

test('drop a folder, run two embedded models, see linear + few-shot scores and a chart; share round-trips', async ({
  page,
  context,
}) => {
  const errors = collectErrors(page);
  const folder = makeImageFolder('stripes', FOLDER_IMAGES_PER_CLASS);
  await page.goto('./');
  await waitForLab(page);
  await dropFolder(page, 'drop-zone', folder);
  const rows = await runAndCheckResults(page);
  expect(errors).toEqual([]);

  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(new URL(url).hash.length).toBeGreaterThan(10);
  const fresh = await context.newPage();
  const freshErrors = collectErrors(fresh);
  await fresh.goto(url);
  await expect(fresh.getByTestId('shared-note')).toBeVisible();
  expect(await tableTexts(fresh)).toEqual(rows);
  await expect(fresh.getByTestId('chart')).toHaveAttribute('data-rendered', 'true');
  expect(freshErrors).toEqual([]);
});

test('choose a folder through the folder input and run', async ({ page }) => {
  const errors = collectErrors(page);
  const folder = makeImageFolder('stripes', FOLDER_IMAGES_PER_CLASS);
  await page.goto('./');
  await waitForLab(page);
  await page.getByTestId('folder-input').setInputFiles(folder);
  await runAndCheckResults(page);
  expect(errors).toEqual([]);
});

test('export JSON and CSV, then import a run from another machine to compare', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./');
  await waitForLab(page);
  await page.getByTestId('folder-input').setInputFiles(makeImageFolder('stripes', FOLDER_IMAGES_PER_CLASS));
  const rows = await runAndCheckResults(page);

  const csv = await downloadText(page, 'export-csv');
  expect(csv.split(/\r?\n/)[0]).toMatch(/model/i);
  expect(csv).toContain('stripes');
  const record = JSON.parse(await downloadText(page, 'export-json'));
  // The same run as if made elsewhere: another date and backend, every score 1 point lower.
  record.createdAt = '2026-01-02T03:04:05.000Z';
  record.backend = 'webgpu';
  for (const score of record.scores) score.value = Math.max(0, score.value - 0.01);
  const other = resolve('.cache/e2e/other-machine.json');
  writeFileSync(other, JSON.stringify(record));
  await page.getByTestId('import-json').setInputFiles(other);

  // Importing reads and validates the file asynchronously: wait for the compared rows to appear.
  await expect.poll(async () => (await tableTexts(page)).length - 1).toBe(2 * (rows.length - 1));
  const compared = await tableTexts(page);
  expect(compared.slice(1).filter((r) => r[0].includes('webgpu'))).toHaveLength(rows.length - 1);
  expect(errors).toEqual([]);
});

test('Cancel mid-run keeps the UI usable and shows no partial result as final', async ({ page }) => {
  const errors = collectErrors(page);
  const folder = makeImageFolder('stripes-large', 160);
  await page.goto('./');
  await waitForLab(page);
  await dropFolder(page, 'drop-zone', folder);
  await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
  await selectModels(page, 2);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toContainText(/\d+ \/ \d+ images/);
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('progress')).toContainText('Cancelled');
  await expect(page.getByTestId('results-table')).toHaveCount(0);
  await expect(page.getByTestId('partial-table')).toHaveCount(0);
  await expect(page.getByTestId('run')).toBeEnabled();
  await expect(page.getByTestId('cancel')).toBeDisabled();
  // Still usable: the model picker and the backend select respond.
  const first = page.getByTestId('model-picker').locator('input[type=checkbox]').first();
  await first.uncheck();
  await expect(first).not.toBeChecked();
  expect(errors).toEqual([]);
});

test('a tampered share link gives a clear message, not a crash', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto('./#r1.AAAAthis-is-not-a-result');
  await expect(page.getByRole('alert')).toContainText(
    'This link does not hold a readable Transfer Lab result',
  );
  await expect(page.getByTestId('results-table')).toHaveCount(0);
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  expect(pageErrors).toEqual([]);
});

test('the page is cross-origin isolated and wasm runs on at least 2 threads', async ({ page }) => {
  await page.goto('./');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const backend = page.getByTestId('backend');
  await expect(backend).toHaveAttribute('data-backend', 'wasm');
  expect(Number(await backend.getAttribute('data-threads'))).toBeGreaterThanOrEqual(2);
});
