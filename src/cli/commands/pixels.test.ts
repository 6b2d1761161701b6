import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../core/npy.ts';
import {
  CORPUS_DIR,
  corpusUnavailableReason,
  loadCorpus,
  readReference,
} from '../../platform/node/pixel-corpus.ts';
import { main } from '../main.ts';
import { preprocessingFor } from './pixels.ts';

const skipReason = corpusUnavailableReason();
if (skipReason) console.warn(`\n*** tlab pixels parity test ${skipReason} ***\n`);

describe('tlab pixels', () => {
  it('uses protocol defaults for a catalog entry without a card', async () => {
    const { preprocessing } = await preprocessingFor('moco-v1');
    expect(preprocessing.fewshot).toEqual({
      mode: 'squash',
      resize: 257,
      crop: 224,
      interpolation: 'bilinear',
    });
    await expect(preprocessingFor('no-such-model')).rejects.toThrow('not found');
  });

  it.skipIf(skipReason !== null)(
    'writes the same pixels as torchvision (china.jpg, both rules)',
    async () => {
      const entry = loadCorpus().find((e) => e.file === 'china.jpg')!;
      mkdirSync(resolve('.cache/test-pixels'), { recursive: true });
      for (const rule of ['linear', 'fewshot'] as const) {
        const out = resolve(`.cache/test-pixels/china-${rule}.npy`);
        const code = await main([
          'pixels',
          `${CORPUS_DIR}/china.jpg`,
          '--model',
          'moco-v1',
          '--rule',
          rule,
          '--out',
          out,
        ]);
        expect(code).toBe(0);
        const npy = readNpy(new Uint8Array(readFileSync(out)));
        expect(npy.dtype).toBe('<f4');
        expect(npy.shape).toEqual([224, 224, 3]);
        const ref = readReference(entry[rule]).data;
        const ours = npy.data as Float32Array;
        expect(ours.every((v, i) => v === Math.fround(ref[i] / 255))).toBe(true);
        // The NPY loads in NumPy with the same shape.
        const py = spawnSync(
          '/usr/bin/python3',
          ['-c', `import numpy as np; a = np.load('${out}'); print(a.shape, a.dtype)`],
          {
            encoding: 'utf8',
          },
        );
        expect(py.stdout.trim()).toBe('(224, 224, 3) float32');
      }
    },
  );
});
