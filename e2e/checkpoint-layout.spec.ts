// A dropped checkpoint whose backbone sits deep in a VISSL-style container is found by the layout search;
// the page says where it was found and which family was inferred (never a blank 'unknown').

import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ensureCheckpointFixtures, pythonTorchUnavailable } from '../src/convert/test-fixtures.ts';
import { collectErrors, waitForLab } from './helpers.ts';

const noTorch = pythonTorchUnavailable();

test('a VISSL-layout checkpoint is found, reported and its family inferred', async ({ page }) => {
  test.skip(noTorch !== null, `checkpoint fixtures need PyTorch: ${noTorch}`);
  const errors = collectErrors(page);
  await page.goto('./');
  await waitForLab(page);
  await page
    .getByTestId('checkpoint-input')
    .setInputFiles(join(ensureCheckpointFixtures(), 'tiny-layout-vissl.pth'));
  const picker = page.getByTestId('model-picker');
  await expect(picker.getByRole('checkbox', { name: /tiny-layout-vissl\.pth/ })).toBeChecked({
    timeout: 60_000,
  });
  await expect(page.getByTestId('conversion-report')).toContainText(
    'tiny-layout-vissl.pth: resnet-basic-1111-w2 (torchvision names) found in classy_state_dict/base_model/model/trunk › _feature_blocks.',
  );
  await expect(page.getByTestId('conversion-report')).toContainText(
    'family vissl (layout (classy_state_dict/base_model/model/trunk › _feature_blocks.))',
  );
  await expect(picker).toContainText('(vissl, resnet-basic-1111-w2, 8-d)');
  expect(errors).toEqual([]);
});

test('the container and prefix can be given; a wrong one is refused with the key groups', async ({
  page,
}) => {
  test.skip(noTorch !== null, `checkpoint fixtures need PyTorch: ${noTorch}`);
  await page.goto('./');
  await waitForLab(page);
  const drop = page.getByTestId('checkpoint-drop');
  await drop.getByText('Where the backbone is').click();
  await drop.getByLabel('Container').fill('student');
  const dino = join(ensureCheckpointFixtures(), 'tiny-layout-dino.pth');
  await page.getByTestId('checkpoint-input').setInputFiles(dino);
  await expect(page.getByTestId('conversion-report')).toContainText('found in student › module.backbone.', {
    timeout: 60_000,
  });
  // Auto would pick the teacher: the report of a forced choice names it, so the user sees what they overrode.
  await expect(page.getByTestId('conversion-report')).toContainText(
    'also found resnet-basic-1111-w2 in teacher › backbone.',
  );

  await drop.getByLabel('Container').fill('');
  await drop.getByLabel('Key prefix').fill('model.backbone.');
  await page
    .getByTestId('checkpoint-input')
    .setInputFiles(join(ensureCheckpointFixtures(), 'tiny-layout-solo-learn.pth'));
  const errors = page.getByTestId('errors');
  await expect(errors).toContainText(
    "no known backbone found in this checkpoint (searched with prefix 'model.backbone.'",
    {
      timeout: 60_000,
    },
  );
  await expect(errors).toContainText('state_dict › backbone.*');
  await expect(errors).toContainText(
    'npx tlab convert tiny-layout-solo-learn.pth --container state_dict --prefix backbone.',
  );
});
