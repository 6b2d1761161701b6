// `tlab convert` for Vision Transformers: checkpoint bytes → lab-vit model files with a card.

import { type ConvertReport, readRawTensors } from '../../convert/checkpoint.ts';
import { type InferredFamily, inferFamily } from '../../convert/infer-family.ts';
import type { StateDict } from '../../convert/types.ts';
import { vitArchitectureName } from '../../convert/vit-keys.ts';
import { sha256Hex } from '../../core/hash.ts';
import type { ModelCard } from '../../core/types.ts';
import { IMAGENET_MEAN, IMAGENET_STD, protocolPreprocessing } from '../model-format/card.ts';
import type { ConvertOptions, ConvertResult } from '../model-format/convert-types.ts';
import type { CardInput } from '../model-format/types.ts';
import { familyProtocol } from './card.ts';
import { matchVitCheckpoint, VIT_PROFILES, vitLabTensors, writeVitModel } from './convert.ts';

function normalisation(opts: ConvertOptions): Pick<CardInput, 'mean' | 'std'> {
  const n = opts.normalisation;
  if (n === 'none') return { mean: null, std: null };
  if (n === undefined || n === 'imagenet') return { mean: IMAGENET_MEAN, std: IMAGENET_STD };
  return { mean: n.mean, std: n.std };
}

function withoutComputed(o: Partial<ModelCard> | undefined): Partial<ModelCard> {
  if (!o) return {};
  const { weightsHash: _h, format: _f, featureSize: _s, sizes: _z, ...rest } = o;
  return rest;
}

export async function convertVitCheckpoint(bytes: Uint8Array, opts: ConvertOptions): Promise<ConvertResult> {
  const { format, container, tensors } = readRawTensors(bytes);
  return convertVitTensors(
    tensors,
    { format, container },
    {
      ...opts,
      checkpointSha256: opts.checkpointSha256 ?? (await sha256Hex(bytes)),
    },
  );
}

/**
 * The same from tensors already read and unwrapped (e.g. by the automatic layout search, after it stripped a
 * container and prefix): `where` goes into the report.
 */
export async function convertVitTensors(
  tensors: StateDict,
  where: Pick<ConvertReport, 'format' | 'container'> & Partial<ConvertReport>,
  opts: ConvertOptions,
): Promise<ConvertResult> {
  const profile = opts.profile === undefined || opts.profile === 'auto' ? undefined : opts.profile;
  const match = matchVitCheckpoint(
    tensors,
    profile && profile in VIT_PROFILES ? profile : undefined,
    opts.arch,
  );
  const config = match.config;
  const report: ConvertReport = {
    prefix: '',
    outside: 0,
    alternatives: [],
    ...where,
    kind: 'vit',
    architecture: vitArchitectureName(config),
    naming: config.layout,
    profile: `vit-${config.layout}`,
    dropped: [...(where.dropped ?? []), ...match.dropped],
    missing: [],
    renamed: match.params.filter((p) => p.source !== p.target).length,
    tensors: match.params.length,
  };
  const inferred: InferredFamily = opts.family
    ? { family: opts.family, from: 'given' }
    : inferFamily(opts.fileName ?? '', { ...report, profile: 'auto' }); // 'vit-clip' names a layout, not a family
  const family: InferredFamily =
    inferred.family === 'unlabelled' && config.layout === 'clip'
      ? { family: 'clip', from: "layout (OpenAI CLIP's visual tower)" }
      : inferred;
  const protocol = familyProtocol(family.family, config.layout);
  const inputSize = opts.inputSize ?? 224;
  const own = opts.preprocessing === 'family';
  const cardInput: CardInput = {
    id: opts.id,
    name: opts.name ?? opts.id,
    architecture: opts.arch ?? vitArchitectureName(config),
    family: family.family,
    inputSize: own ? protocol.preprocessing.linear.crop : inputSize,
    preprocessing: own ? protocol.preprocessing : protocolPreprocessing(inputSize),
    ...(own ? { mean: protocol.mean, std: protocol.std } : normalisation(opts)),
    familyProtocol: protocol,
    featureLayer: opts.feature ?? 'cls',
    source:
      typeof opts.source === 'function' ? opts.source(report) : (opts.source ?? 'converted by tlab convert'),
    licence: opts.licence ?? 'unknown',
    imagenetTop1: opts.imagenetTop1 ?? null,
    checkpointSha256: opts.checkpointSha256 ?? null,
    ...(opts.description ? { description: opts.description } : {}),
    ...withoutComputed(opts.cardOverrides),
  };
  const { files, card } = await writeVitModel(
    vitLabTensors(tensors, match),
    config,
    opts.feature ?? 'cls',
    cardInput,
    { float16: opts.float16 },
  );
  return { files, card, report, config, family };
}
