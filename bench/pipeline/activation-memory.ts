// Measures what one more image in a batch costs a backbone in backend memory (tfjs tensor bytes at the
// forward pass's peak), per input pixel: the figures src/core/batch-size.ts sizes batches with.
// tf.profile's peakBytes over embed() at batch 1 and batch 4: the slope is the per-image cost (everything
// a forward pass holds at once: tf.tidy keeps a pass's intermediates until it ends), the rest is fixed.
//
// Run: npx tsx bench/pipeline/activation-memory.ts [--backend wasm] [--models zoo-supervised-r10n,...,r50,vitb16]

import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { loadModelRef } from '../../src/cli/models-on-disk.ts';
import { loadAnyBackbone } from '../../src/engine/backbones.ts';
import { initBackend } from '../../src/engine/backend.ts';
import type { Backbone } from '../../src/engine/types.ts';
import { randomResNet50Files } from '../embed/random-resnet.ts';
import { randomVitB16Files } from '../embed/random-vit.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    models: {
      type: 'string',
      default: 'zoo-supervised-r10n,nsfwjs-mobilenetv2,nsfwjs-inceptionv3,r50,vitb16',
    },
  },
});

async function load(id: string): Promise<Backbone> {
  if (id === 'r50' || id === 'vitb16') {
    const { card, files } = id === 'r50' ? await randomResNet50Files() : await randomVitB16Files();
    return loadAnyBackbone(card, async (p) => files.get(p) ?? new Uint8Array(0));
  }
  const ref = await loadModelRef(id);
  return loadAnyBackbone(ref.card, ref.read);
}

async function peakOf(backbone: Backbone, n: number): Promise<number> {
  const size = backbone.card.inputSize;
  const data = new Float32Array(n * size * size * 3).fill(0.5);
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => backbone.embed({ data, n, size }));
  return info.peakBytes - before;
}

await initBackend(values.backend as 'wasm' | 'cpu');
console.log(
  `backend ${values.backend}; bytes at the forward pass's peak (tensors), above the loaded weights\n`,
);
console.log('| model | architecture | input | batch 1 | batch 4 | per image | per image per input pixel |');
console.log('|---|---|---|---|---|---|---|');
for (const id of values.models!.split(',')) {
  const backbone = await load(id);
  try {
    await peakOf(backbone, 1); // warm-up: kernels compiled, lazily made constants in place
    const one = await peakOf(backbone, 1);
    const four = await peakOf(backbone, 4);
    const perImage = (four - one) / 3;
    const { architecture, inputSize } = backbone.card;
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    console.log(
      `| ${id} | ${architecture} | ${inputSize} | ${mb(one)} | ${mb(four)} | ${mb(perImage)} | ${(perImage / inputSize ** 2).toFixed(0)} B |`,
    );
  } finally {
    backbone.dispose();
  }
}
