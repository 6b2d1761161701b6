// The GEMM's helper threads take part in its products in the browser worker. In Chromium a worker started by
// the lab's worker only starts when the lab's worker lets its event loop turn, which a probe fit on the shared
// GEMM may not do for its whole length; the helpers are therefore awaited at start-up (gemm/helpers.ts). Before
// that, the caller ran every chunk itself and the probe was twice as slow, with nothing else to show for it.

import { expect, test } from '@playwright/test';
import { collectErrors } from './helpers.ts';
import { type LabWindow, openLab } from './parity-helpers.ts';

test('the GEMM helper threads run part of every product in the lab worker, with the same bits', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await openLab(page);
  const env = await page.evaluate(() => ({
    cores: navigator.hardwareConcurrency,
    isolated: crossOriginIsolated,
  }));
  const check = await page.evaluate(() => (window as unknown as LabWindow).__lab!.remote.gemmSharing());
  expect(check).not.toBeNull();
  if (!check) return;
  console.log(`GEMM sharing: ${JSON.stringify(check)} (${env.cores} cores, isolated ${env.isolated})`);
  expect(check.identical).toBe(true);
  if (env.cores >= 2 && env.isolated) {
    expect(check.threads).toBe(Math.min(8, env.cores));
    expect(check.byHelpers).toBeGreaterThan(0);
  }
  expect(errors).toEqual([]);
});
