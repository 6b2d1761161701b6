// A checkpoint dropped on the model picker → the lab's model files, in memory for the session.
// Runs in the worker: reading and folding a ResNet-50 checkpoint takes seconds and ~200 MB.

import { type ConvertReport, readCheckpoint } from '../convert/checkpoint.ts';
import { inferResNetConfig, type ResNetConfig } from '../convert/resnet-keys.ts';
import { sha256Hex } from '../core/hash.ts';
import type { ModelCard, Progress } from '../core/types.ts';
import {
  FEATURE_LAYER,
  IMAGENET_MEAN,
  IMAGENET_STD,
  protocolPreprocessing,
} from '../engine/model-format/card.ts';
import { labModelFromStateDict } from '../engine/model-format/from-state-dict.ts';

export interface ConvertOptions {
  /** Display name; defaults to the file name. */
  name?: string;
  /** Pre-training family ('supervised', 'simclr', 'moco', …); recorded in results. */
  family?: string;
  /** Key-layout profile of the converter, or 'auto' to detect it. */
  profile?: string;
  /** ImageNet mean/std normalisation, or none (SimCLR's checkpoints take [0,1] RGB). */
  normalisation: 'imagenet' | 'none';
  inputSize?: number;
  float16?: boolean;
}

export interface ConvertedModel {
  card: ModelCard;
  files: Map<string, Uint8Array>;
  report: ConvertReport;
}

const KNOWN: [string, ResNetConfig['block'], string][] = [
  ['resnet18', 'basic', '2,2,2,2'],
  ['resnet34', 'basic', '3,4,6,3'],
  ['resnet50', 'bottleneck', '3,4,6,3'],
  ['resnet101', 'bottleneck', '3,4,23,3'],
  ['resnet152', 'bottleneck', '3,8,36,3'],
];

/** torchvision's name when the depth matches one, else a description of the layout. */
export function architectureName(config: ResNetConfig): string {
  const layers = config.layers.join(',');
  const known = KNOWN.find(([, block, l]) => block === config.block && l === layers);
  const standardWidths = config.widths.join(',') === '64,128,256,512';
  if (known && standardWidths) return known[0];
  if (known && config.block === 'bottleneck' && config.widths[0] === 128) return `wide_${known[0]}_2`;
  return `resnet-${config.block}-${layers.replaceAll(',', '')}-w${config.widths[0]}`;
}

export async function convertDroppedCheckpoint(
  fileName: string,
  bytes: Uint8Array,
  opts: ConvertOptions,
  onProgress: (p: Progress) => void,
): Promise<ConvertedModel> {
  const step = (done: number, detail: string) =>
    onProgress({
      stage: `Converting ${fileName}`,
      done,
      total: 3,
      ratePerSecond: null,
      etaSeconds: null,
      detail,
    });
  step(0, 'reading the checkpoint');
  const checkpointSha256 = await sha256Hex(bytes);
  const { stateDict, report } = readCheckpoint(bytes, { profile: opts.profile ?? 'auto' });
  step(1, 'folding BatchNorm into the convolutions');
  const config = inferResNetConfig(stateDict);
  const inputSize = opts.inputSize ?? 224;
  const imagenet = opts.normalisation === 'imagenet';
  const { files, card } = await labModelFromStateDict(
    stateDict,
    {
      id: `dropped-${checkpointSha256.slice(0, 12)}`,
      name: opts.name || fileName,
      architecture: architectureName(config),
      family: opts.family || 'unknown',
      inputSize,
      preprocessing: protocolPreprocessing(inputSize),
      mean: imagenet ? IMAGENET_MEAN : null,
      std: imagenet ? IMAGENET_STD : null,
      featureLayer: FEATURE_LAYER,
      source: `dropped file ${fileName} (converted in this browser; profile ${report.profile})`,
      licence: 'unknown (dropped by the user)',
      imagenetTop1: null,
      checkpointSha256,
      description: `Converted here from ${fileName}: ${report.tensors} tensors, ${report.dropped.length} dropped`,
    },
    { config, float16: opts.float16 },
  );
  step(3, 'done');
  return { card, files, report };
}
