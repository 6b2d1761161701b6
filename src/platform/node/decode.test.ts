// Pixel parity with PIL 9.4 + torchvision 0.14 on a corpus of real images (see scripts/fixtures/pixel_corpus.py).

import { describe, expect, it } from 'vitest';
import { resizeAndCrop } from '../../core/pixels/preprocess.ts';
import type { ResizeRule } from '../../core/types.ts';
import { decodeImageNode } from './decode.ts';
import {
  type CorpusEntry,
  channelDiff,
  corpusUnavailableReason,
  loadCorpus,
  readCorpusFile,
  readReference,
} from './pixel-corpus.ts';

const LINEAR: ResizeRule = { mode: 'shorter-side', resize: 224, crop: 224, interpolation: 'bicubic' };
const FEWSHOT: ResizeRule = { mode: 'squash', resize: 257, crop: 224, interpolation: 'bilinear' };

const skipReason = corpusUnavailableReason();
if (skipReason) console.warn(`\n*** pixel parity tests ${skipReason} ***\n`);
const corpus: CorpusEntry[] = skipReason ? [] : loadCorpus();

// Where our decoder is not libjpeg-turbo itself (CMYK via jpeg-js), decoded pixels may differ slightly.
const APPROXIMATE_DECODE = new Set(['flower-cmyk.jpg']);

describe.skipIf(skipReason !== null)('pixels equal PIL + torchvision', () => {
  it('has the real photos and their variants (27 images when every source package is installed)', () => {
    expect(corpus.map((e) => e.file)).toContain('china.jpg');
    expect(corpus.map((e) => e.file)).toContain('flower-cmyk.jpg');
    expect(corpus.length).toBeGreaterThanOrEqual(22);
  });

  for (const entry of corpus) {
    describe(entry.file, () => {
      it(`decodes like Image.open().convert('RGB') (PIL mode ${entry.mode})`, async () => {
        const img = await decodeImageNode(readCorpusFile(entry.file), entry.file);
        expect([img.width, img.height]).toEqual([entry.width, entry.height]);
        const diff = channelDiff(img.data, readReference(entry.decoded).data);
        const limit = APPROXIMATE_DECODE.has(entry.file) ? 1 : 0; // measured: CMYK max 1, mean 0.06 levels
        expect(Math.max(...diff.max)).toBeLessThanOrEqual(limit);
      });

      it('resizes + crops exactly like torchvision on PIL-decoded pixels (both rules)', () => {
        const decoded = readReference(entry.decoded);
        for (const [rule, ref] of [
          [LINEAR, entry.linear],
          [FEWSHOT, entry.fewshot],
        ] as const) {
          const ours = resizeAndCrop(decoded, rule);
          expect(channelDiff(ours.data, readReference(ref).data).max).toEqual([0, 0, 0]);
        }
      });

      it('end to end (our decode + our resize) is within 2/255 max and 0.2/255 mean', async () => {
        const img = await decodeImageNode(readCorpusFile(entry.file), entry.file);
        for (const [rule, ref] of [
          [LINEAR, entry.linear],
          [FEWSHOT, entry.fewshot],
        ] as const) {
          const diff = channelDiff(resizeAndCrop(img, rule).data, readReference(ref).data);
          expect(Math.max(...diff.max)).toBeLessThanOrEqual(2);
          expect(Math.max(...diff.mean)).toBeLessThanOrEqual(0.2);
        }
      });
    });
  }
});
