// A labels.csv multi-label folder end to end in Chromium (production build): drop → Run → the linear probe's
// 11-point mAP per model, the paired bootstrap in the compare view, few-shot said to be not computed.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { encode } from 'fast-png';
import { collectErrors, dropFolder, selectModels, tableTexts, waitForLab } from './helpers.ts';

const ATTRIBUTES = [
  { name: 'red', rgb: [220, 30, 30], x: 0 },
  { name: 'green', rgb: [30, 200, 50], x: 11 },
  { name: 'blue', rgb: [40, 50, 220], x: 22 },
] as const;

/** `.cache/e2e/multilabel/`: 32×32 images with a coloured bar per present attribute, listed in labels.csv. */
function makeMultiLabelFolder(n: number): string {
  const root = resolve('.cache/e2e/multilabel');
  if (existsSync(join(root, 'labels.csv'))) return root;
  mkdirSync(join(root, 'imgs'), { recursive: true });
  let state = 5;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648; // a small LCG: the fixture only needs to be fixed
    return state / 2147483648;
  };
  const rows = ['path,labels'];
  for (let i = 0; i < n; i++) {
    const present = ATTRIBUTES.filter(() => random() < 0.45);
    const data = new Uint8Array(32 * 32 * 3).map(() => 110 + Math.floor(40 * random()));
    for (const a of present)
      for (let y = 4; y < 28; y++)
        for (let x = a.x; x < a.x + 9; x++) for (let c = 0; c < 3; c++) data[(y * 32 + x) * 3 + c] = a.rgb[c];
    const name = `imgs/${String(i).padStart(3, '0')}.png`;
    writeFileSync(join(root, name), encode({ width: 32, height: 32, data, channels: 3, depth: 8 }));
    rows.push(`${name},${present.map((a) => a.name).join(';')}`);
  }
  writeFileSync(join(root, 'labels.csv'), `${rows.join('\n')}\n`); // written last: marks the folder complete
  return root;
}

test('a labels.csv multi-label folder runs end to end: mAP per model, paired bootstrap, no few-shot', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await page.goto('./');
  await waitForLab(page);
  await dropFolder(page, 'drop-zone', makeMultiLabelFolder(80));
  await expect(page.getByTestId('dataset-summary')).toContainText('3 classes');
  await selectModels(page, 2);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  const rows = await tableTexts(page);
  // The single-label few-shot columns say "not computed" (the reason on hover), never a number.
  expect(rows[0].slice(0, 2)).toEqual(['model', 'linear · mAP %']);
  expect(rows).toHaveLength(3);
  for (const row of rows.slice(1)) {
    expect(row[1]).toMatch(/^\d+\.\d(\*|$)/);
    for (const cell of row.slice(2)) expect(cell).toMatch(/^not computed/);
  }
  await expect(page.getByTestId('compare-view')).toContainText('paired bootstrap over test images');
  await expect(page.getByTestId('not-computed').first()).toHaveAttribute('title', /multi-label/);
  expect(errors).toEqual([]);
});
