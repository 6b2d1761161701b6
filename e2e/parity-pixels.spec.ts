// Pixel parity in Chromium: every image of the PIL + torchvision corpus (scripts/fixtures/pixel_corpus.py, the
// same one src/platform/node/decode.test.ts uses) is decoded by the browser decoder and preprocessed in the lab
// worker with both protocol rules, and must match torchvision's crops: per channel, max ≤ 2/255 and
// mean ≤ 0.2/255 on every image.

import { expect, test } from '@playwright/test';
import type { ResizeRule } from '../src/core/types.ts';
import {
  type CorpusEntry,
  channelDiff,
  corpusUnavailableReason,
  loadCorpus,
  readCorpusFile,
  readReference,
} from '../src/platform/node/pixel-corpus.ts';
import { collectErrors } from './helpers.ts';
import { FEWSHOT_RULE, LINEAR_RULE, openLab, preprocessInPage } from './parity-helpers.ts';

const missing = corpusUnavailableReason();
if (missing) console.warn(`\n!!! browser pixel parity ${missing}\n`);

/** 8-bit levels: 2/255 and 0.2/255 in the [0,1] units the model sees. */
const MAX_LEVELS = 2;
const MEAN_LEVELS = 0.2;

const RULES: [name: 'linear' | 'fewshot', rule: ResizeRule][] = [
  ['linear', LINEAR_RULE],
  ['fewshot', FEWSHOT_RULE],
];

test('every corpus image preprocesses in the Chromium worker like PIL + torchvision', async ({ page }) => {
  test.skip(missing !== null, `browser pixel parity ${missing}`);
  const errors = collectErrors(page);
  const corpus: CorpusEntry[] = loadCorpus();
  expect(corpus.map((e) => e.file)).toContain('china.jpg');
  expect(corpus.length).toBeGreaterThanOrEqual(22);
  await openLab(page);
  const failures: string[] = [];
  let worstMax = 0;
  let worstMean = 0;
  for (const entry of corpus) {
    const bytes = readCorpusFile(entry.file);
    const parts: string[] = [];
    for (const [name, rule] of RULES) {
      const reference = readReference(entry[name]);
      const ours = await preprocessInPage(page, bytes, rule);
      if (ours.length !== reference.data.length) {
        failures.push(`${entry.file} ${name}: ${ours.length} values, PIL gives ${reference.data.length}`);
        continue;
      }
      const diff = channelDiff(ours, reference.data);
      const max = Math.max(...diff.max);
      const mean = Math.max(...diff.mean);
      worstMax = Math.max(worstMax, max);
      worstMean = Math.max(worstMean, mean);
      if (max > MAX_LEVELS || mean > MEAN_LEVELS) {
        failures.push(
          `${entry.file} ${name}: max ${diff.max.join('/')} mean ${diff.mean.map((m) => m.toFixed(3)).join('/')}`,
        );
      }
      parts.push(`${name} max ${max} mean ${mean.toFixed(3)}`);
    }
    console.log(`${entry.file.padEnd(34)} ${parts.join(' | ')}`);
  }
  const summary = `${corpus.length} images × 2 rules in Chromium: worst max ${worstMax}/255, worst mean ${worstMean.toFixed(3)}/255`;
  console.log(summary);
  test.info().annotations.push({ type: 'parity', description: summary });
  expect(failures).toEqual([]);
  expect(errors).toEqual([]);
});
