// The photo-trained CNNs of nsfwjs (models/nsfwjs-*) are in the picker, unticked, with cards that say what
// they were trained on; a run on a folder of real colour photos (crops of the two Flickr photos Debian's
// scikit-learn ships, made by scripts/datasets/photo_crops.py) evaluates them beside the zoo.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { collectErrors, dropFolder, tableTexts, waitForLab } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PHOTO_MODELS = [/^MobileNetV2 \(nsfwjs/, /^MobileNetV2 1\.4 \(nsfwjs/, /^InceptionV3 \(nsfwjs/];

/** The photo folder, or why it cannot be made here. */
function photoFolder(): { dir: string } | { skip: string } {
  const dir = join(ROOT, '.cache/e2e/photos');
  if (existsSync(join(dir, 'flower/015.jpg'))) return { dir };
  const run = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts/datasets/photo_crops.py'), dir, '16'], {
    encoding: 'utf8',
  });
  return run.status === 0
    ? { dir }
    : { skip: `photo folder needs /usr/bin/python3 with PIL and sklearn: ${run.stderr}` };
}

test('the three photo-trained CNNs are offered and evaluated on colour photos', async ({ page }) => {
  const folder = photoFolder();
  test.skip('skip' in folder, 'skip' in folder ? folder.skip : '');
  const errors = collectErrors(page);
  await page.goto('./');
  await waitForLab(page);
  const picker = page.getByTestId('model-picker');
  for (const name of PHOTO_MODELS) {
    const box = picker.getByRole('checkbox', { name });
    await expect(box).not.toBeChecked(); // offered, not selected: 224–299 px inputs are slower than the zoo
    await box.check();
  }
  await expect(picker).toContainText('Trained on photos: nsfwjs');
  await page.getByRole('checkbox', { name: /^Few-shot/ }).setChecked(false);
  await page.getByRole('checkbox', { name: /^Linear probe/ }).setChecked(true);
  await dropFolder(page, 'drop-zone', (folder as { dir: string }).dir);
  await expect(page.getByTestId('dataset-summary')).toContainText('2 classes');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 220_000 });
  const rows = await tableTexts(page);
  const linear = rows[0].findIndex((h) => h.startsWith('linear'));
  const names = rows.slice(1).map((r) => r[0]);
  for (const name of PHOTO_MODELS) {
    const row = rows.find((r) => name.test(r[0]));
    expect(row, `${name} in ${names.join(' | ')}`).toBeTruthy();
    expect(row?.[linear]).toMatch(/^\d+\.\d( ± \d+\.\d)?$/);
  }
  expect(rows.length - 1).toBe(7); // the four zoo models (selected on start) and the three photo CNNs
  expect(errors).toEqual([]);
});
