// Test-only: the PyTorch attentive-diffusion reference (scripts/fixtures/diffusion_reference.py), made on
// demand into .cache/fixtures/diffusion/ (gitignored), and its narrow random ResNet in the lab's format.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OccluderFill } from '../../core/diffusion/settings.ts';
import type { ModelCard } from '../../core/types.ts';
import { FEATURE_LAYER, IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from '../model-format/card.ts';
import { labModelFromStateDict } from '../model-format/from-state-dict.ts';
import { readSafetensorsF32 } from '../resnet/test-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPT = join(ROOT, 'scripts/fixtures/diffusion_reference.py');
const DIR = join(ROOT, '.cache/fixtures/diffusion');
const PYTHON = '/usr/bin/python3';

export { torchMissingReason } from '../resnet/test-fixtures.ts';

function runPython(args: string[]): void {
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`diffusion_reference.py ${args.join(' ')} failed:\n${r.stderr}`);
}

function ensureWeights(): string {
  const weights = join(DIR, 'weights.safetensors');
  if (!existsSync(weights)) {
    mkdirSync(DIR, { recursive: true });
    runPython(['make-model', '--seed', '0', '--out', DIR]);
  }
  return weights;
}

export interface ReferenceCase {
  crop: number;
  occluder: number;
  stride: number;
  fill: OccluderFill;
  pixelSeed: number;
}

export interface DiffusionReference {
  /** side×side×3 HWC in [0,1]. */
  pixels: Float32Array;
  map: Float32Array;
  changes: Float32Array;
  /** % of the reference map above its mean, from its exact count. */
  diffusion: number;
  /** min |map − mean(map)| of the reference: how robust its count above the mean is. */
  meanMargin: number;
}

export function torchDiffusion(c: ReferenceCase): DiffusionReference {
  const weights = ensureWeights();
  const out = join(
    DIR,
    `ref-v2-c${c.crop}-o${c.occluder}-s${c.stride}-${c.fill}-p${c.pixelSeed}.safetensors`,
  );
  if (!existsSync(out)) {
    runPython([
      'reference',
      ...['--weights', weights, '--crop', String(c.crop), '--occluder', String(c.occluder)],
      ...['--stride', String(c.stride), '--fill', c.fill, '--pixel-seed', String(c.pixelSeed), '--out', out],
    ]);
  }
  const sd = readSafetensorsF32(readFileSync(out));
  const get = (k: string) => {
    const t = sd.get(k);
    if (!t) throw new Error(`${out} lacks ${k}`);
    return t.data;
  };
  return {
    pixels: get('pixels'),
    map: get('map'),
    changes: get('changes'),
    diffusion: (100 * get('above')[0]) / get('map').length,
    meanMargin: get('meanMargin')[0],
  };
}

/** The reference's narrow random ResNet converted by the lab's own path, with a card for `crop`-pixel input. */
export async function referenceModel(
  crop: number,
): Promise<{ card: ModelCard; files: Map<string, Uint8Array> }> {
  const sd = readSafetensorsF32(readFileSync(ensureWeights()));
  return labModelFromStateDict(sd, {
    id: 'diffusion-parity',
    name: 'diffusion parity (random narrow ResNet)',
    architecture: 'resnet-tiny',
    family: 'random',
    inputSize: crop,
    preprocessing: protocolPreprocessing(crop),
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    featureLayer: FEATURE_LAYER,
    source: 'scripts/fixtures/diffusion_reference.py',
    licence: 'MIT',
    imagenetTop1: null,
    checkpointSha256: null,
  });
}
