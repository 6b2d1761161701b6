// A checkpoint dropped on the model picker is converted in the worker and evaluated like any other model.

import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ensureCheckpointFixtures, pythonTorchUnavailable } from '../src/convert/test-fixtures.ts';
import { makeImageFolder } from './fixtures.ts';
import { collectErrors, dropFolder, tableTexts, waitForLab } from './helpers.ts';

const noTorch = pythonTorchUnavailable();

test('a MoCo-layout .pth is converted in the browser and evaluated', async ({ page }) => {
  test.skip(noTorch !== null, `checkpoint fixtures need PyTorch: ${noTorch}`);
  const errors = collectErrors(page);
  const checkpoint = join(ensureCheckpointFixtures(), 'narrow50-moco.zip.pth');
  await page.goto('./');
  await waitForLab(page);
  await page.getByTestId('checkpoint-input').setInputFiles(checkpoint);
  const picker = page.getByTestId('model-picker');
  const converted = picker.getByRole('checkbox', { name: /narrow50-moco\.zip\.pth/ });
  await expect(converted).toBeChecked({ timeout: 60_000 });
  await expect(picker).toContainText('converted here');
  // Evaluate the converted model alone.
  const boxes = picker.locator('input[type=checkbox]');
  for (let i = 0; i < (await boxes.count()); i++) {
    const box = boxes.nth(i);
    await box.setChecked((await box.getAttribute('value'))?.startsWith('dropped-') ?? false);
  }
  await dropFolder(page, 'drop-zone', makeImageFolder('stripes', 24));
  await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  const rows = await tableTexts(page);
  expect(rows).toHaveLength(2);
  expect(rows[1][0]).toBe('narrow50-moco.zip.pth');
  expect(rows[1][1]).toMatch(/^\d+\.\d/);
  expect(errors).toEqual([]);
});
