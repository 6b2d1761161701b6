// Extracts nsfwjs's bundled MobileNetV2 (a Keras LayersModel in tfjs format, MIT) into models/nsfwjs-mobilenetv2/
// as plain model.json + group1-shard1of1.bin + card.json, for the lab's generic tfjs import
// (src/engine/tfjs-import/). The package is fetched with `npm pack` into a scratch folder, never into the repo.
// nsfwjs ships the model as UMD JS modules: model.min.js exports the model.json object and the shard module
// exports the weights as one base64 string.
//
//   node --import tsx scripts/zoo/import-nsfwjs.ts [models/nsfwjs-mobilenetv2]

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { sha256Hex } from '../../src/core/hash.ts';
import type { ModelCard } from '../../src/core/types.ts';
import { protocolPreprocessing } from '../../src/engine/model-format/card.ts';

export const NSFWJS_VERSION = '4.4.0';
const SCRATCH = join(process.env.TMPDIR ?? '/tmp', 'tlab-nsfwjs-scratch');
const TARBALL = `nsfwjs-${NSFWJS_VERSION}.tgz`;
const SHARD = 'group1-shard1of1';

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

function card(weightsHash: string, checkpointSha256: string): ModelCard {
  return {
    id: 'nsfwjs-mobilenetv2',
    name: 'MobileNetV2 (nsfwjs, ImageNet → content moderation)',
    format: 'tfjs-layers',
    architecture: 'mobilenetv2',
    family: 'supervised',
    inputSize: 224,
    preprocessing: protocolPreprocessing(224),
    mean: null, // nsfwjs feeds [0,1] RGB straight into the model
    std: null,
    featureLayer: 'flatten_1',
    featureSize: 1280,
    source: `npm nsfwjs@${NSFWJS_VERSION} dist/models/mobilenet_v2 (Infinite Red, https://github.com/infinitered/nsfwjs)`,
    licence: 'MIT',
    imagenetTop1: null,
    checkpointSha256,
    weightsHash,
    embeddingNode: 'flatten_1',
    description:
      'Keras MobileNetV2 (α = 1.0) initialised from ImageNet, then fine-tuned by Infinite Red as a 5-way ' +
      'content-moderation classifier (drawing, hentai, neutral, porn, sexy). Feature: the 1,280-d output of ' +
      'global average pooling (layer flatten_1), before the dense head. Weights are uint8-quantised as shipped. ' +
      'checkpointSha256 is the npm tarball.',
  };
}

export async function importNsfwjs(outDir: string): Promise<ModelCard> {
  const { tarball, dir } = await unpackNsfwjs();
  const require = createRequire(join(dir, 'package.json'));
  const modelDir = join(dir, 'dist/models/mobilenet_v2');
  const json = require(join(modelDir, 'model.min.js')) as {
    modelTopology: unknown;
    weightsManifest: WeightsGroup[];
  };
  const base64 = require(join(modelDir, `${SHARD}.min.js`)) as string;
  if (json.weightsManifest.length !== 1 || json.weightsManifest[0].paths.join() !== SHARD) {
    throw new Error(
      `unexpected nsfwjs weights manifest: ${JSON.stringify(json.weightsManifest.map((g) => g.paths))}`,
    );
  }
  const weights = new Uint8Array(Buffer.from(base64, 'base64'));
  const modelJson = {
    format: 'layers-model',
    generatedBy: `nsfwjs ${NSFWJS_VERSION}`,
    convertedBy: 'scripts/zoo/import-nsfwjs.ts',
    modelTopology: json.modelTopology,
    weightsManifest: [{ paths: [`${SHARD}.bin`], weights: json.weightsManifest[0].weights }],
  };
  const result = card(await sha256Hex(weights), await sha256Hex(new Uint8Array(await readFile(tarball))));
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'model.json'), JSON.stringify(modelJson));
  await writeFile(join(outDir, `${SHARD}.bin`), weights);
  await writeFile(join(outDir, 'card.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = resolve(process.argv[2] ?? 'models/nsfwjs-mobilenetv2');
  const c = await importNsfwjs(out);
  console.log(
    `${out}: ${c.format} ${c.architecture}, ${c.featureSize}-d at '${c.embeddingNode}', weights ${c.weightsHash.slice(0, 12)}…`,
  );
}
