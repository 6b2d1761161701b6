// Extracts the three photo-trained CNNs bundled in npm nsfwjs (MIT): MobileNetV2 and InceptionV3 (Keras
// LayersModels) and MobileNetV2 1.4 (a GraphModel), each into models/<id>/ as plain model.json + weight
// shards + card.json, for the lab's generic tfjs import (src/engine/tfjs-import/), and lists their ids under
// "imported" in models/catalog.json (shown in the picker, not selected by default). The package is fetched
// with `npm pack` into a scratch folder, never into the repo. nsfwjs ships each model as UMD JS modules:
// model.min.js exports the model.json object and each shard module exports its weights as a base64 string.
//
//   node --import tsx scripts/zoo/import-nsfwjs.ts [models]

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { sha256Hex } from '../../src/core/hash.ts';
import type { ModelCard } from '../../src/core/types.ts';
import { protocolPreprocessing } from '../../src/engine/model-format/card.ts';
import { withImported } from './cards.ts';

export const NSFWJS_VERSION = '4.4.0';
const SCRATCH = join(process.env.TMPDIR ?? '/tmp', 'tlab-nsfwjs-scratch');
const TARBALL = `nsfwjs-${NSFWJS_VERSION}.tgz`;

interface WeightsGroup {
  paths: string[];
  weights: unknown[];
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error}`);
}

/** Unpacks nsfwjs@NSFWJS_VERSION in the scratch folder; returns the tarball path and the package folder. */
export async function unpackNsfwjs(): Promise<{ tarball: string; dir: string }> {
  await mkdir(SCRATCH, { recursive: true });
  const tarball = join(SCRATCH, TARBALL);
  if (!existsSync(tarball)) run('npm', ['pack', '--silent', `nsfwjs@${NSFWJS_VERSION}`], SCRATCH);
  const dir = join(SCRATCH, 'package');
  if (!existsSync(join(dir, 'package.json'))) run('tar', ['xzf', TARBALL], SCRATCH);
  return { tarball, dir };
}

/** One of the three CNNs nsfwjs ships, and how the lab cuts it into a feature extractor. */
interface NsfwjsModel {
  id: string;
  /** Folder under the package's dist/models/. */
  folder: string;
  name: string;
  format: 'tfjs-layers' | 'tfjs-graph';
  architecture: string;
  inputSize: number;
  embeddingNode: string;
  featureSize: number;
  /** What the feature is, for the card. */
  feature: string;
  /** How nsfwjs built it, for the card. */
  origin: string;
}

const TRAINED_ON =
  'Trained on photos: nsfwjs (Infinite Red) fine-tuned it as a 5-class content classifier of web images ' +
  '(drawing, hentai, neutral, porn, sexy), starting from ImageNet weights, so its features are photo features ' +
  '(not clean ImageNet features: the last training task was that 5-way one). Suits colour photos; for small ' +
  'grey images (digits, Fashion-MNIST) the zoo ResNet-10s are the better-matched start.';

export const NSFWJS_MODELS: readonly NsfwjsModel[] = [
  {
    id: 'nsfwjs-mobilenetv2',
    folder: 'mobilenet_v2',
    name: 'MobileNetV2 (nsfwjs, photos)',
    format: 'tfjs-layers',
    architecture: 'mobilenetv2',
    inputSize: 224,
    embeddingNode: 'flatten_1',
    featureSize: 1280,
    feature: 'the 1,280-d output of global average pooling (layer flatten_1), before the dense head',
    origin: 'Keras MobileNetV2 (α = 1.0) initialised from ImageNet',
  },
  {
    id: 'nsfwjs-mobilenetv2-mid',
    folder: 'mobilenet_v2_mid',
    name: 'MobileNetV2 1.4 (nsfwjs, photos)',
    format: 'tfjs-graph',
    architecture: 'mobilenetv2-1.4',
    inputSize: 224,
    embeddingNode:
      'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/' +
      'StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze',
    featureSize: 1792,
    feature: 'the 1,792-d pooled feature vector of the TF-Hub backbone (node feature_vector/SpatialSqueeze)',
    origin:
      'TF-Hub MobileNetV2 (width 1.4, ImageNet) inside a Keras model, converted to a tfjs GraphModel; the hub ' +
      'layer maps the [0,1] input to [-1,1] itself; whether the backbone was frozen during fine-tuning is not stated',
  },
  {
    id: 'nsfwjs-inceptionv3',
    folder: 'inception_v3',
    name: 'InceptionV3 (nsfwjs, photos)',
    format: 'tfjs-layers',
    architecture: 'inceptionv3',
    inputSize: 299,
    embeddingNode: 'flatten_1',
    featureSize: 2048,
    feature: 'the 2,048-d output of global average pooling (layer flatten_1), before the dense head',
    origin: 'Keras InceptionV3 initialised from ImageNet',
  },
];

function card(m: NsfwjsModel, weightsHash: string, checkpointSha256: string): ModelCard {
  return {
    id: m.id,
    name: m.name,
    format: m.format,
    architecture: m.architecture,
    family: 'supervised',
    inputSize: m.inputSize,
    preprocessing: protocolPreprocessing(m.inputSize),
    mean: null, // nsfwjs feeds [0,1] RGB straight into every model
    std: null,
    featureLayer: m.embeddingNode.split('/').slice(-2).join('/'),
    featureSize: m.featureSize,
    source: `npm nsfwjs@${NSFWJS_VERSION} dist/models/${m.folder} (Infinite Red, https://github.com/infinitered/nsfwjs)`,
    licence: 'MIT',
    imagenetTop1: null,
    checkpointSha256,
    weightsHash,
    embeddingNode: m.embeddingNode,
    description:
      `${TRAINED_ON} ${m.origin}. Feature: ${m.feature}. Weights are uint8-quantised as shipped. ` +
      'checkpointSha256 is the npm tarball.',
  };
}

/** The model's weight shards, decoded from the package's base64 JS modules, in manifest order. */
function shards(require: NodeRequire, modelDir: string, group: WeightsGroup): Array<[string, Uint8Array]> {
  return group.paths.map((path) => {
    const base64 = require(join(modelDir, `${path}.min.js`)) as string;
    return [`${path}.bin`, new Uint8Array(Buffer.from(base64, 'base64'))];
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export async function importNsfwjsModel(m: NsfwjsModel, outDir: string): Promise<ModelCard> {
  const { tarball, dir } = await unpackNsfwjs();
  const require = createRequire(join(dir, 'package.json'));
  const modelDir = join(dir, 'dist/models', m.folder);
  const json = require(join(modelDir, 'model.min.js')) as {
    format?: string;
    modelTopology: unknown;
    weightsManifest: WeightsGroup[];
  };
  if (json.weightsManifest.length !== 1) {
    throw new Error(
      `unexpected nsfwjs weights manifest for ${m.folder}: ${json.weightsManifest.length} groups`,
    );
  }
  const files = shards(require, modelDir, json.weightsManifest[0]);
  const modelJson = {
    format: json.format ?? (m.format === 'tfjs-graph' ? 'graph-model' : 'layers-model'),
    generatedBy: `nsfwjs ${NSFWJS_VERSION}`,
    convertedBy: 'scripts/zoo/import-nsfwjs.ts',
    modelTopology: json.modelTopology,
    weightsManifest: [{ paths: files.map(([name]) => name), weights: json.weightsManifest[0].weights }],
  };
  const weightsHash = await sha256Hex(concat(files.map(([, bytes]) => bytes)));
  const result = card(m, weightsHash, await sha256Hex(new Uint8Array(await readFile(tarball))));
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'model.json'), JSON.stringify(modelJson));
  for (const [name, bytes] of files) await writeFile(join(outDir, name), bytes);
  await writeFile(join(outDir, 'card.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** Imports all three into `modelsDir/<id>/` and lists them under "imported" in the catalog. */
export async function importNsfwjs(modelsDir: string): Promise<ModelCard[]> {
  const cards: ModelCard[] = [];
  for (const m of NSFWJS_MODELS) cards.push(await importNsfwjsModel(m, join(modelsDir, m.id)));
  const catalogPath = join(modelsDir, 'catalog.json');
  if (existsSync(catalogPath)) {
    await writeFile(
      catalogPath,
      withImported(
        await readFile(catalogPath, 'utf8'),
        cards.map((c) => c.id),
      ),
    );
  }
  return cards;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const modelsDir = resolve(process.argv[2] ?? 'models');
  for (const c of await importNsfwjs(modelsDir)) {
    console.log(
      `${join(modelsDir, c.id)}: ${c.format} ${c.architecture}, ${c.inputSize} px, ${c.featureSize}-d, weights ${c.weightsHash.slice(0, 12)}…`,
    );
  }
}
