// The headless CLI and the browser are the same lab: `tlab eval` on a folder and a browser run on the same
// folder (same seed, same protocol, wasm in both) give the same linear-probe scores, model by model.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { makeSyntheticDataset, syntheticUnavailableReason } from '../scripts/datasets/make-synthetic.ts';
import { collectErrors, waitForLab } from './helpers.ts';

const MODELS = ['zoo-supervised-r10n', 'zoo-simclr-r10n'];
/** 0.1 percentage points, as a fraction. */
const TOLERANCE = 0.001;

interface Score {
  model: string;
  probe: string;
  value: number;
}
interface RecordLike {
  backend: string;
  seed: number;
  scores: Score[];
}

function linearScores(record: RecordLike): Map<string, number> {
  return new Map(record.scores.filter((s) => s.probe === 'linear').map((s) => [s.model, s.value]));
}

function runCli(folder: string): RecordLike {
  mkdirSync(resolve('.cache/e2e'), { recursive: true });
  const out = resolve('.cache/e2e/cli-parity.json');
  const args = ['bin/tlab.js', 'eval', '--data', folder, '--models', MODELS.join(','), '--probes', 'linear'];
  const cli = spawnSync('node', [...args, '--backend', 'wasm', '--seed', '0', '--no-cache', '--out', out], {
    encoding: 'utf8',
    timeout: 150_000,
  });
  if (cli.status !== 0) throw new Error(`tlab eval failed (${cli.status}): ${cli.stderr}\n${cli.stdout}`);
  return JSON.parse(readFileSync(out, 'utf8')) as RecordLike;
}

async function runBrowser(page: Page, folder: string): Promise<RecordLike> {
  await page.goto('./');
  await waitForLab(page);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
  for (const box of await page.getByTestId('model-picker').locator('input[type=checkbox]').all()) {
    await box.setChecked(MODELS.includes((await box.getAttribute('value')) ?? ''));
  }
  await page.getByRole('checkbox', { name: /^Few-shot/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^Linear probe/ }).setChecked(true);
  await page.getByTestId('folder-input').setInputFiles(folder);
  await expect(page.getByTestId('dataset-summary')).toContainText('10 classes');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  return page.evaluate(() => {
    type Store = { getState(): { records: unknown[] } };
    const records = (window as unknown as { __lab: { store: Store } }).__lab.store.getState().records;
    return records.at(-1) as RecordLike;
  });
}

const unavailable = syntheticUnavailableReason();

test('tlab eval and the browser agree on linear-probe scores within 0.1 points', async ({ page }) => {
  test.skip(unavailable !== null, `SKIPPED: ${unavailable}`);
  const folder = makeSyntheticDataset({ out: '.cache/e2e/parity-fmnist', count: 800, seed: 5 });
  const cli = runCli(folder);
  const errors = collectErrors(page);
  const browser = await runBrowser(page, folder);
  expect(cli.backend).toBe('wasm');
  expect(browser.backend).toBe('wasm');
  expect(browser.seed).toBe(cli.seed);
  const fromCli = linearScores(cli);
  const fromBrowser = linearScores(browser);
  expect([...fromCli.keys()].sort()).toEqual([...MODELS].sort());
  expect([...fromBrowser.keys()].sort()).toEqual([...MODELS].sort());
  for (const model of MODELS) {
    const [a, b] = [fromCli.get(model)!, fromBrowser.get(model)!];
    console.log(`${model}: CLI ${(100 * a).toFixed(2)} %, browser ${(100 * b).toFixed(2)} %`);
    expect(a).toBeGreaterThan(0.4); // real scores: 10 classes, chance is 10 %
    expect(Math.abs(a - b)).toBeLessThanOrEqual(TOLERANCE);
  }
  expect(errors).toEqual([]);
});
