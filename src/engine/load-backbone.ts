// A Backbone from a lab-format model: read and verify the files, upload the folded weights, embed.

import * as tf from '@tensorflow/tfjs-core';
import type { ModelCard, PixelBatch } from '../core/types.ts';
import { readLabModel, resnetConfigOf } from './model-format/read.ts';
import type { LabModel } from './model-format/types.ts';
import { TfResNet } from './resnet/build.ts';
import type { Backbone, ModelFileReader } from './types.ts';

/** The lab's ResNet backbone: pooled features, and the layer4 map for spatial analyses. */
export interface ResNetBackbone extends Backbone {
  /** The network on the device, for analyses that need gradients or maps (feature inversion). */
  readonly net: TfResNet;
  /** layer4 output, row-major N×h×w×D, with its shape. */
  embedMap(batch: PixelBatch): Promise<{ data: Float32Array; shape: [number, number, number, number] }>;
}

function pixelTensor(batch: PixelBatch): tf.Tensor4D {
  const expected = batch.n * batch.size * batch.size * 3;
  if (batch.data.length !== expected) {
    throw new Error(
      `pixel batch has ${batch.data.length} values, expected ${batch.n}×${batch.size}×${batch.size}×3`,
    );
  }
  return tf.tensor4d(batch.data, [batch.n, batch.size, batch.size, 3]);
}

async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Builds a backbone from an already-read model (e.g. converted in the browser and kept in memory). */
export function backboneFromLabModel(card: ModelCard, model: LabModel): ResNetBackbone {
  const net = new TfResNet(resnetConfigOf(model.json), model.tensors);
  if (card.featureSize !== net.featureSize) {
    net.dispose();
    throw new Error(`${card.id}: card says featureSize ${card.featureSize}, weights give ${net.featureSize}`);
  }
  const norm = { mean: card.mean, std: card.std };
  return {
    card,
    net,
    async embed(batch) {
      const pooled = tf.tidy(() => {
        const x = pixelTensor(batch);
        return net.forward(x, norm).pooled;
      });
      return readAndDispose(pooled);
    },
    async embedMap(batch) {
      const map = tf.tidy(() => net.forward(pixelTensor(batch), norm, true).map as tf.Tensor4D);
      const shape = map.shape as [number, number, number, number];
      return { data: await readAndDispose(map), shape };
    },
    dispose: () => net.dispose(),
  };
}

/** The backbone as a lab-format ResNet (its network reachable), or null for other formats. */
export function asResNetBackbone(backbone: Backbone): ResNetBackbone | null {
  return 'net' in backbone && backbone.card.format === 'lab-resnet' ? (backbone as ResNetBackbone) : null;
}

/** Loads models/<id>/ through `read`; the shards must hash to card.weightsHash. */
export async function loadBackbone(card: ModelCard, read: ModelFileReader): Promise<ResNetBackbone> {
  if (card.format !== 'lab-resnet') {
    throw new Error(`${card.id}: loadBackbone reads 'lab-resnet' models, this card is '${card.format}'`);
  }
  const model = await readLabModel(read, { expectedHash: card.weightsHash });
  return backboneFromLabModel(card, model);
}

/** The same from in-memory files (Map name → bytes), as writeLabModel returns them. */
export function loadBackboneFromFiles(
  card: ModelCard,
  files: Map<string, Uint8Array>,
): Promise<ResNetBackbone> {
  return loadBackbone(card, async (path) => {
    const bytes = files.get(path);
    if (!bytes) throw new Error(`${card.id}: no file '${path}' among the model's files`);
    return bytes;
  });
}
