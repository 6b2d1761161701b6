// A Backbone from a model already in TensorFlow.js format (model.json + binary weight shards): a Keras
// LayersModel or a converted GraphModel. The card's `embeddingNode` names the layer (layers) or node (graph)
// whose output is the feature; everything after it (the model's own classifier head) is never run.

import {
  io,
  type LayersModel,
  model as layersModel,
  loadGraphModel,
  loadLayersModel,
  type SymbolicTensor,
} from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { sha256Hex } from '../../core/hash.ts';
import type { ModelCard, PixelBatch } from '../../core/types.ts';
import type { Backbone, ModelFileReader } from '../types.ts';

interface WeightsGroup {
  paths: string[];
  weights: io.WeightsManifestEntry[];
}

interface TfjsModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: unknown;
  weightsManifest: WeightsGroup[];
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
}

export const TFJS_MODEL_JSON = 'model.json';

function parseTfjsModelJson(text: string): TfjsModelJson {
  const x = JSON.parse(text) as Partial<TfjsModelJson> | null;
  if (!x || typeof x !== 'object' || !x.modelTopology || !Array.isArray(x.weightsManifest)) {
    throw new Error(
      `${TFJS_MODEL_JSON}: not a TensorFlow.js model (needs modelTopology and weightsManifest)`,
    );
  }
  return x as TfjsModelJson;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** The model's files as tfjs artefacts, plus the sha256 over its shards (in manifest order). */
export async function readTfjsArtifacts(
  read: ModelFileReader,
): Promise<{ artifacts: io.ModelArtifacts; weightsHash: string }> {
  const json = parseTfjsModelJson(new TextDecoder().decode(await read(TFJS_MODEL_JSON)));
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  const weights = concat(await Promise.all(paths.map((p) => read(p))));
  const artifacts: io.ModelArtifacts = {
    modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    signature: json.signature as io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata as io.ModelArtifacts['userDefinedMetadata'],
    modelInitializer: json.modelInitializer as io.ModelArtifacts['modelInitializer'],
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    // A standalone copy: tfjs keeps slicing this buffer, so it must not alias a larger one.
    weightData: weights.slice().buffer,
  };
  return { artifacts, weightsHash: await sha256Hex(weights) };
}

/** A function from the normalised NHWC input to the embedding tensor, and how to free the model. */
interface Embedder {
  run(x: tf.Tensor4D): tf.Tensor;
  dispose(): void;
}

async function layersEmbedder(artifacts: io.ModelArtifacts, layerName: string): Promise<Embedder> {
  const full: LayersModel = await loadLayersModel(io.fromMemory(artifacts));
  const layer = full.layers.find((l) => l.name === layerName);
  if (!layer) {
    full.dispose();
    throw new Error(
      `embedding layer '${layerName}' is not in the model (it has ${full.layers.length} layers)`,
    );
  }
  // Shares the weights with `full`: only the part up to the embedding layer is ever executed.
  const cut = layersModel({ inputs: full.inputs, outputs: layer.output as SymbolicTensor });
  return { run: (x) => cut.predict(x) as tf.Tensor, dispose: () => full.dispose() };
}

async function graphEmbedder(artifacts: io.ModelArtifacts, node: string): Promise<Embedder> {
  const graph = await loadGraphModel(io.fromMemory(artifacts));
  return { run: (x) => graph.execute(x, node) as tf.Tensor, dispose: () => graph.dispose() };
}

/** N×D features: a spatial map (N×h×w×D) is global-average-pooled, anything else flattened per image. */
function toFeatures(out: tf.Tensor, n: number): tf.Tensor2D {
  if (out.rank === 4) return tf.mean(out, [1, 2]) as tf.Tensor2D;
  return tf.reshape(out, [n, -1]);
}

function normalised(batch: PixelBatch, card: ModelCard): tf.Tensor4D {
  const x = tf.tensor4d(batch.data, [batch.n, batch.size, batch.size, 3]);
  if (!card.mean || !card.std) return x;
  return tf.div(tf.sub(x, tf.tensor1d(card.mean)), tf.tensor1d(card.std));
}

/** Loads a 'tfjs-layers' or 'tfjs-graph' model folder through `read`; shards must hash to card.weightsHash. */
export async function loadTfjsBackbone(card: ModelCard, read: ModelFileReader): Promise<Backbone> {
  if (card.format !== 'tfjs-layers' && card.format !== 'tfjs-graph') {
    throw new Error(
      `${card.id}: loadTfjsBackbone reads 'tfjs-layers' or 'tfjs-graph' models, not '${card.format}'`,
    );
  }
  if (!card.embeddingNode) throw new Error(`${card.id}: the card names no embeddingNode`);
  const { artifacts, weightsHash } = await readTfjsArtifacts(read);
  if (weightsHash !== card.weightsHash) {
    throw new Error(
      `${card.id}: weights hash mismatch: card says ${card.weightsHash}, shards hash to ${weightsHash}`,
    );
  }
  const embedder =
    card.format === 'tfjs-layers'
      ? await layersEmbedder(artifacts, card.embeddingNode)
      : await graphEmbedder(artifacts, card.embeddingNode);
  return {
    card,
    async embed(batch) {
      if (batch.size !== card.inputSize) {
        throw new Error(
          `${card.id}: expects ${card.inputSize}×${card.inputSize} inputs, got ${batch.size}×${batch.size}`,
        );
      }
      const features = tf.tidy(() => toFeatures(embedder.run(normalised(batch, card)), batch.n));
      try {
        if (features.shape[1] !== card.featureSize) {
          throw new Error(
            `${card.id}: card says featureSize ${card.featureSize}, the model gives ${features.shape[1]}`,
          );
        }
        return (await features.data()) as Float32Array;
      } finally {
        features.dispose();
      }
    },
    dispose: () => embedder.dispose(),
  };
}
