// A checkpoint file's bytes → the lab's model files, in one platform-agnostic call (used by `tlab convert`,
// `tlab models fetch` and the browser's .pth drop).

import { readCheckpoint } from '../../convert/checkpoint.ts';
import { type InferredFamily, inferFamily } from '../../convert/infer-family.ts';
import { inferResNetConfig, NAMED_RESNETS } from '../../convert/resnet-keys.ts';
import { sha256Hex } from '../../core/hash.ts';
import type { ModelCard } from '../../core/types.ts';
import type { ResNetConfig } from '../resnet/config.ts';
import { isVitRequest } from '../vit/convert.ts';
import { convertVitCheckpoint, convertVitTensors } from '../vit/convert-checkpoint.ts';
import { FEATURE_LAYER, IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from './card.ts';
import type { ConvertOptions, ConvertResult, Normalisation } from './convert-types.ts';
import { labModelFromStateDict } from './from-state-dict.ts';
import type { CardInput } from './types.ts';

export type { ConvertOptions, ConvertResult, Normalisation } from './convert-types.ts';

function sameConfig(a: ResNetConfig, b: ResNetConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The torchvision name of a config, if it is one. */
export function namedArchOf(config: ResNetConfig): string | null {
  return Object.entries(NAMED_RESNETS).find(([, c]) => sameConfig(c, config))?.[0] ?? null;
}

function meanStd(n: Normalisation | undefined): Pick<CardInput, 'mean' | 'std'> {
  if (n === 'none') return { mean: null, std: null };
  if (n === undefined || n === 'imagenet') return { mean: IMAGENET_MEAN, std: IMAGENET_STD };
  return { mean: n.mean, std: n.std };
}

function architectureName(config: ResNetConfig, requested: string | undefined): string {
  const named = namedArchOf(config);
  if (requested && requested in NAMED_RESNETS && requested !== named) {
    throw new Error(
      `--arch ${requested} does not match the checkpoint, whose weights describe ${named ?? `a custom ResNet ${JSON.stringify(config)}`}`,
    );
  }
  return requested ?? named ?? describeCustom(config);
}

/** A readable name for a layout torchvision has no name for, e.g. the zoo's 'resnet-basic-1111-w16'. */
export function describeCustom(config: ResNetConfig): string {
  return `resnet-${config.block}-${config.layers.join('')}-w${config.widths[0]}`;
}

/**
 * Whatever backbone the layout search finds (a ResNet or a ViT, any container, any prefix); a named ViT
 * profile (vit-timm, clip, ...) reads the container's tensors directly in that layout. The search has a ViT
 * matcher (src/convert/vit-matcher.ts), so no second read of the file is needed when it finds nothing.
 */
export async function convertCheckpoint(bytes: Uint8Array, opts: ConvertOptions): Promise<ConvertResult> {
  const profile = opts.profile ?? 'auto';
  if (profile !== 'auto' && isVitRequest(undefined, profile)) return convertVitCheckpoint(bytes, opts);
  return convertSearched(bytes, opts);
}

/** The layout search's backbone (any container, any prefix), to the converter of its kind. */
async function convertSearched(bytes: Uint8Array, opts: ConvertOptions): Promise<ConvertResult> {
  // torchvision ResNet names and ViT names constrain the search; any other --arch is just the card's label.
  const namedArch =
    opts.arch && (opts.arch in NAMED_RESNETS || isVitRequest(opts.arch, undefined)) ? opts.arch : undefined;
  const { stateDict, report } = readCheckpoint(bytes, {
    profile: opts.profile ?? 'auto',
    container: opts.container,
    prefix: opts.prefix,
    arch: namedArch,
  });
  if (report.kind === 'vit') {
    // The layout search found a ViT (any container, any prefix): its tensors, under their names below the
    // prefix, go to the ViT converter, which reads the layout's details (registers, projection, ...) from them.
    return convertVitTensors(stateDict, report, {
      ...opts,
      checkpointSha256: opts.checkpointSha256 ?? (await sha256Hex(bytes)),
    });
  }
  if (report.kind !== 'resnet') {
    throw new Error(`found a ${report.architecture} (${report.kind}); this build converts ResNets and ViTs`);
  }
  if (report.missing.length > 0) {
    const shown = report.missing.slice(0, 8).join(', ');
    throw new Error(
      `checkpoint lacks ${report.missing.length} expected tensors (${shown}${report.missing.length > 8 ? ', …' : ''}); profile '${report.profile}'`,
    );
  }
  const config = inferResNetConfig(stateDict);
  const family: InferredFamily = opts.family
    ? { family: opts.family, from: 'given' }
    : inferFamily(opts.fileName ?? '', report);
  const inputSize = opts.inputSize ?? 224;
  const cardInput: CardInput = {
    id: opts.id,
    name: opts.name ?? opts.id,
    architecture: architectureName(config, opts.arch),
    family: family.family,
    inputSize,
    preprocessing: protocolPreprocessing(inputSize),
    ...meanStd(opts.normalisation),
    featureLayer: FEATURE_LAYER,
    source:
      typeof opts.source === 'function' ? opts.source(report) : (opts.source ?? 'converted by tlab convert'),
    licence: opts.licence ?? 'unknown',
    imagenetTop1: opts.imagenetTop1 ?? null,
    checkpointSha256: opts.checkpointSha256 ?? (await sha256Hex(bytes)),
    ...(opts.description ? { description: opts.description } : {}),
    ...withoutComputed(opts.cardOverrides),
  };
  const { files, card } = await labModelFromStateDict(stateDict, cardInput, {
    float16: opts.float16,
    config,
  });
  return { files, card, report, config, family };
}

function withoutComputed(o: Partial<ModelCard> | undefined): Partial<ModelCard> {
  if (!o) return {};
  const { weightsHash: _h, format: _f, featureSize: _s, ...rest } = o;
  return rest;
}
