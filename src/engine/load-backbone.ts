// A Backbone from a lab-format model: read and verify the files, upload the folded weights, embed.

import * as tf from '@tensorflow/tfjs-core';
import type { ModelCard, PixelBatch } from '../core/types.ts';
import { GemmResNet } from './cpu-route/resnet.ts';
import { buildOnCpuRoute, wantsCpuRoute } from './cpu-route/route.ts';
import { readLabModel, resnetConfigOf } from './model-format/read.ts';
import type { LabModel } from './model-format/types.ts';
import { checkPixels } from './pixel-batch.ts';
import { TfResNet } from './resnet/build.ts';
import { featureSizeOf } from './resnet/config.ts';
import type { Backbone, ModelFileReader } from './types.ts';

/** The lab's ResNet backbone: pooled features, and the layer4 map for spatial analyses. */
export interface ResNetBackbone extends Backbone {
  /** The network on the device, for analyses that need gradients or maps (feature inversion). */
  readonly net: TfResNet;
  /** layer4 output, row-major N×h×w×D, with its shape. */
  embedMap(batch: PixelBatch): Promise<{ data: Float32Array; shape: [number, number, number, number] }>;
}

function pixelTensor(batch: PixelBatch): tf.Tensor4D {
  return tf.tensor4d(batch.data, [batch.n, batch.size, batch.size, 3]);
}

async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/**
 * Builds a backbone from an already-read model (e.g. converted in the browser and kept in memory). Each route
 * builds its copy of the network on first use: the CPU route (src/engine/cpu-route) on CPU backends, the tfjs
 * graph on GPU backends and for what needs gradients (feature inversion reads `net`).
 */
export function backboneFromLabModel(card: ModelCard, model: LabModel): ResNetBackbone {
  const config = resnetConfigOf(model.json);
  if (card.featureSize !== featureSizeOf(config)) {
    throw new Error(
      `${card.id}: card says featureSize ${card.featureSize}, weights give ${featureSizeOf(config)}`,
    );
  }
  const norm = { mean: card.mean, std: card.std };
  let tfNet: TfResNet | null = null;
  let cpu: Promise<GemmResNet | null> | null = null;
  const tfjsNet = () => {
    tfNet ??= new TfResNet(config, model.tensors);
    return tfNet;
  };
  const cpuNet = () =>
    wantsCpuRoute()
      ? (cpu ??= buildOnCpuRoute(card.id, (engine) => GemmResNet.create(engine, config, model.tensors)))
      : Promise.resolve(null);
  return {
    card,
    get net() {
      return tfjsNet();
    },
    async embed(batch) {
      checkPixels(batch);
      const fast = await cpuNet();
      if (fast) return fast.embed(batch, norm);
      const net = tfjsNet();
      const pooled = tf.tidy(() => net.forward(pixelTensor(batch), norm).pooled);
      return readAndDispose(pooled);
    },
    async embedMap(batch) {
      checkPixels(batch);
      const fast = await cpuNet();
      if (fast) return fast.embedMap(batch, norm);
      const net = tfjsNet();
      const map = tf.tidy(() => net.forward(pixelTensor(batch), norm, true).map as tf.Tensor4D);
      const shape = map.shape as [number, number, number, number];
      return { data: await readAndDispose(map), shape };
    },
    dispose() {
      tfNet?.dispose();
      tfNet = null;
      const built = cpu;
      cpu = null;
      void built?.then((net) => net?.dispose()).catch(() => {});
    },
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
