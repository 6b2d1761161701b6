// A checkpoint's tensors in any ViT layout → the lab's ViT model files (model.json with the VitConfig,
// shards, card). Only reshapes: every layout already stores PyTorch's [out, in] linears and [D, 3, p, p] conv.

import { CheckpointError } from '../../convert/errors.ts';
import type { StateDict } from '../../convert/types.ts';
import {
  matchVit,
  NAMED_VITS,
  type VitConfig,
  type VitLayout,
  type VitMatch,
} from '../../convert/vit-keys.ts';
import type { CardInput } from '../model-format/types.ts';
import { type LabModelFiles, type WriteOptions, writeModelFiles } from '../model-format/write.ts';
import type { NamedTensor } from '../resnet/fold.ts';
import { type VitFeature, vitFeatureSize } from './build.ts';

/** [rows, cols] → [cols, rows], in float32 (values unchanged). */
function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** [D, 3, p, p] (PyTorch conv) → [p·p·3, D], rows ordered (row, column, channel) as the builder cuts patches. */
function patchKernel(data: Float32Array, shape: number[]): Float32Array {
  const [d, c, p] = shape;
  const out = new Float32Array(data.length);
  for (let o = 0; o < d; o++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < p; y++)
        for (let x = 0; x < p; x++)
          out[((y * p + x) * c + ch) * d + o] = data[((o * c + ch) * p + y) * p + x];
  return out;
}

const LINEAR = /^blocks\.\d+\.(qkv|proj|fc1|fc2)\.weight$/;

/**
 * One matched tensor in the lab's layout: linear weights [out, in] become kernels [in, out] and the patch
 * conv a [p·p·3, D] kernel, so the builder multiplies without transposeB (tfjs-wasm 4.22's fused matMul
 * gets transposeB + bias wrong) and cuts patches with one reshape.
 */
export function labTensor(target: string, shape: number[], data: Float32Array): NamedTensor {
  if (target === 'patch.weight') {
    const [d, c, p] = shape;
    return { name: 'patch.kernel', shape: [p * p * c, d], data: patchKernel(data, shape) };
  }
  if (LINEAR.test(target)) {
    const [out, inn] = shape;
    return {
      name: target.replace(/weight$/, 'kernel'),
      shape: [inn, out],
      data: transpose2d(data, out, inn),
    };
  }
  return { name: target, shape, data };
}

/** The match's tensors under lab names and layouts, in execution order. */
export function vitLabTensors(tensors: StateDict, match: VitMatch): NamedTensor[] {
  return match.params.map(({ source, target, shape }) => {
    const entry = tensors.get(source);
    if (!entry) throw new CheckpointError(`checkpoint lacks '${source}' (for ${target})`);
    return labTensor(target, shape, entry.data);
  });
}

/** Profile names that ask for a ViT layout (family names map to the layout they publish in). */
export const VIT_PROFILES: Readonly<Record<string, VitLayout | 'any'>> = {
  vit: 'any',
  'vit-timm': 'timm',
  'vit-torchvision': 'torchvision',
  'vit-clip': 'clip',
  timm: 'timm',
  dino: 'timm',
  dinov2: 'timm',
  mae: 'timm',
  deit: 'timm',
  clip: 'clip',
};

/** Whether a convert request is for a ViT: a vit_* arch or a ViT profile. */
export function isVitRequest(arch: string | undefined, profile: string | undefined): boolean {
  return (arch !== undefined && arch in NAMED_VITS) || (profile !== undefined && profile in VIT_PROFILES);
}

/**
 * Matches the tensors against the ViT layouts (restricted by the profile) and checks a named --arch.
 * Throws a CheckpointError that names what is missing when the checkpoint is not a complete ViT.
 */
export function matchVitCheckpoint(tensors: StateDict, profile?: string, arch?: string): VitMatch {
  const layout = profile ? VIT_PROFILES[profile] : undefined;
  const shapes = new Map([...tensors].map(([k, e]) => [k, e.shape]));
  const match = matchVit(shapes, layout === 'any' ? undefined : layout);
  if (!match) {
    const sample = [...tensors.keys()].slice(0, 8).join(', ');
    throw new CheckpointError(
      `no Vision Transformer in ${layout && layout !== 'any' ? `the ${layout} layout` : 'the timm, torchvision or CLIP layouts'} among these keys (${sample}${tensors.size > 8 ? ', …' : ''})`,
    );
  }
  if (match.missing.length > 0) {
    const shown = match.missing.slice(0, 8).join(', ');
    throw new CheckpointError(
      `the ${match.config.layout}-layout ViT lacks ${match.missing.length} tensors (${shown}${match.missing.length > 8 ? ', …' : ''})`,
    );
  }
  if (arch && arch in NAMED_VITS) {
    const named = NAMED_VITS[arch];
    const c = match.config;
    if (named.width !== c.width || named.depth !== c.depth || named.patch !== c.patchSize) {
      throw new CheckpointError(
        `--arch ${arch} does not match the checkpoint: width ${c.width}, depth ${c.depth}, patch ${c.patchSize}`,
      );
    }
    match.config = { ...c, heads: named.heads };
  }
  return match;
}

/** A readable name: torchvision's when the size is standard, else e.g. 'vit-w384-d12-p14-r4'. */
export { vitArchitectureName } from '../../convert/vit-keys.ts';

export function writeVitModel(
  tensors: NamedTensor[],
  config: VitConfig,
  feature: VitFeature,
  cardInput: CardInput,
  opts: WriteOptions = {},
): Promise<LabModelFiles> {
  return writeModelFiles(
    tensors,
    { format: 'lab-vit', config },
    vitFeatureSize(config, feature),
    { ...cardInput, featureLayer: feature },
    opts,
  );
}
