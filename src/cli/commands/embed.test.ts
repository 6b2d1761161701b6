// `tlab embed` on a demo dataset with an embedded zoo model: NPY rows = readable images, paths in row order,
// and the rows equal the features the pipeline's extraction gives for those images.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../core/npy.ts';
import { preprocess } from '../../core/pixels/preprocess.ts';
import { initBackend } from '../../engine/backend.ts';
import { loadBackbone } from '../../engine/load-backbone.ts';
import { decodeImageNode } from '../../platform/node/decode.ts';
import { main } from '../main.ts';
import { loadModelRef } from '../models-on-disk.ts';
import { pathListFile, readPathList } from './embed.ts';

const DATA = 'public/datasets/digits';
const MODEL = 'zoo-supervised-r10n';

describe('tlab embed', () => {
  it('writes N×D float32 features and the image paths in row order', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tlab-embed-')), 'feats.npy');
    const code = await main(['embed', '--model', MODEL, '--data', DATA, '--out', out, '--no-cache']);
    expect(code).toBe(0);
    const feats = readNpy(new Uint8Array(readFileSync(out)));
    const paths = readPathList(readFileSync(pathListFile(out), 'utf8'));
    expect(feats.shape).toEqual([1797, 128]);
    expect(feats.dtype).toBe('<f4');
    expect(paths).toHaveLength(1797);
    expect(paths[0]).toMatch(/^(train|test)\/digit-\d\/.+\.png$/);

    // Row 0 is the features of the first path, computed independently here.
    await initBackend('wasm');
    const ref = await loadModelRef(MODEL);
    const backbone = await loadBackbone(ref.card, ref.read);
    const img = await decodeImageNode(new Uint8Array(readFileSync(join(DATA, paths[0]))), paths[0]);
    const size = ref.card.preprocessing.linear.crop;
    const expected = await backbone.embed({
      data: preprocess(img, ref.card.preprocessing.linear),
      n: 1,
      size,
    });
    backbone.dispose();
    const row0 = (feats.data as Float32Array).subarray(0, 128);
    for (let i = 0; i < 128; i++) expect(row0[i]).toBeCloseTo(expected[i], 5);
  });

  it('refuses missing arguments with the usage', async () => {
    expect(await main(['embed', '--model', MODEL])).toBe(2);
  });
});
