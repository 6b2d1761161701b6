// The torchvision ResNet key set: what a converted checkpoint must contain, with shapes.
// Named architectures and "narrow" custom ResNets of the same layout share one generator,
// so the tfjs ResNet builder and the converter agree on a single description (ResNetConfig).

import { CheckpointError } from './errors.ts';

/** Anything keyed by tensor name with shapes: a StateDict, or shapes alone (the layout search decodes nothing). */
export type ShapeMap = ReadonlyMap<string, { readonly shape: readonly number[] }>;

export interface ResNetConfig {
  block: 'basic' | 'bottleneck';
  layers: [number, number, number, number];
  /** Output channels of the 7×7 stem convolution. */
  stemWidth: number;
  /** Inner width of each stage's blocks (out-channels of a block's conv1). */
  widths: [number, number, number, number];
  /** A block's output channels = widths[stage] × expansion (1 basic, 4 bottleneck, 2 wide_resnet50_2). */
  expansion: number;
}

export class ResNetConfigError extends CheckpointError {
  override name = 'ResNetConfigError';
}

const STANDARD_WIDTHS: [number, number, number, number] = [64, 128, 256, 512];

export const NAMED_RESNETS: Readonly<Record<string, ResNetConfig>> = {
  resnet18: { block: 'basic', layers: [2, 2, 2, 2], stemWidth: 64, widths: STANDARD_WIDTHS, expansion: 1 },
  resnet34: { block: 'basic', layers: [3, 4, 6, 3], stemWidth: 64, widths: STANDARD_WIDTHS, expansion: 1 },
  resnet50: {
    block: 'bottleneck',
    layers: [3, 4, 6, 3],
    stemWidth: 64,
    widths: STANDARD_WIDTHS,
    expansion: 4,
  },
  resnet101: {
    block: 'bottleneck',
    layers: [3, 4, 23, 3],
    stemWidth: 64,
    widths: STANDARD_WIDTHS,
    expansion: 4,
  },
  resnet152: {
    block: 'bottleneck',
    layers: [3, 8, 36, 3],
    stemWidth: 64,
    widths: STANDARD_WIDTHS,
    expansion: 4,
  },
  // torchvision's wide variant doubles the inner width but keeps the 4× planes output: 128 → 256.
  wide_resnet50_2: {
    block: 'bottleneck',
    layers: [3, 4, 6, 3],
    stemWidth: 64,
    widths: [128, 256, 512, 1024],
    expansion: 2,
  },
};

export function resnetConfigForArch(arch: string): ResNetConfig {
  const config = NAMED_RESNETS[arch];
  if (!config) {
    throw new ResNetConfigError(
      `unknown architecture '${arch}' (known: ${Object.keys(NAMED_RESNETS).join(', ')})`,
    );
  }
  return config;
}

/** Output channels of every block of a stage. */
export function stageOutChannels(config: ResNetConfig, stage: number): number {
  return config.widths[stage] * config.expansion;
}

/** Whether block 0 of a stage needs a projection shortcut (torchvision's rule: stride 2 or channel change). */
export function stageHasDownsample(config: ResNetConfig, stage: number): boolean {
  const inChannels = stage === 0 ? config.stemWidth : stageOutChannels(config, stage - 1);
  return stage > 0 || inChannels !== stageOutChannels(config, stage);
}

function addBatchNorm(keys: Map<string, number[]>, prefix: string, channels: number): void {
  for (const p of ['weight', 'bias', 'running_mean', 'running_var']) keys.set(`${prefix}.${p}`, [channels]);
}

function addBlock(
  keys: Map<string, number[]>,
  config: ResNetConfig,
  prefix: string,
  inChannels: number,
  stage: number,
): void {
  const width = config.widths[stage];
  const out = stageOutChannels(config, stage);
  if (config.block === 'basic') {
    keys.set(`${prefix}.conv1.weight`, [width, inChannels, 3, 3]);
    addBatchNorm(keys, `${prefix}.bn1`, width);
    keys.set(`${prefix}.conv2.weight`, [out, width, 3, 3]);
    addBatchNorm(keys, `${prefix}.bn2`, out);
  } else {
    keys.set(`${prefix}.conv1.weight`, [width, inChannels, 1, 1]);
    addBatchNorm(keys, `${prefix}.bn1`, width);
    keys.set(`${prefix}.conv2.weight`, [width, width, 3, 3]);
    addBatchNorm(keys, `${prefix}.bn2`, width);
    keys.set(`${prefix}.conv3.weight`, [out, width, 1, 1]);
    addBatchNorm(keys, `${prefix}.bn3`, out);
  }
}

/** Every backbone key (no `fc`, no `num_batches_tracked`) with its PyTorch shape, in torchvision order. */
export function expectedResNetKeys(config: ResNetConfig): Map<string, number[]> {
  const keys = new Map<string, number[]>();
  keys.set('conv1.weight', [config.stemWidth, 3, 7, 7]);
  addBatchNorm(keys, 'bn1', config.stemWidth);
  let inChannels = config.stemWidth;
  for (let stage = 0; stage < 4; stage++) {
    for (let b = 0; b < config.layers[stage]; b++) {
      const prefix = `layer${stage + 1}.${b}`;
      addBlock(keys, config, prefix, inChannels, stage);
      if (b === 0 && stageHasDownsample(config, stage)) {
        keys.set(`${prefix}.downsample.0.weight`, [stageOutChannels(config, stage), inChannels, 1, 1]);
        addBatchNorm(keys, `${prefix}.downsample.1`, stageOutChannels(config, stage));
      }
      inChannels = stageOutChannels(config, stage);
    }
  }
  return keys;
}

/** Feature size of the pooled layer4 output. */
export function featureSize(config: ResNetConfig): number {
  return stageOutChannels(config, 3);
}

function requireShape(sd: ShapeMap, key: string): readonly number[] {
  const entry = sd.get(key);
  if (!entry) throw new ResNetConfigError(`not a torchvision-layout ResNet: '${key}' is missing`);
  return entry.shape;
}

function countBlocks(sd: ShapeMap, stage: number): number {
  const pattern = new RegExp(`^layer${stage + 1}\\.(\\d+)\\.conv1\\.weight$`);
  let count = 0;
  for (const key of sd.keys()) {
    const m = pattern.exec(key);
    if (m) count = Math.max(count, Number(m[1]) + 1);
  }
  if (count === 0)
    throw new ResNetConfigError(`not a torchvision-layout ResNet: no blocks in layer${stage + 1}`);
  return count;
}

/** Reads block type, block counts and widths off a torchvision-named state dict. */
export function inferResNetConfig(sd: ShapeMap): ResNetConfig {
  const stem = requireShape(sd, 'conv1.weight');
  const block = sd.has('layer1.0.conv3.weight') ? 'bottleneck' : 'basic';
  const lastConv = block === 'bottleneck' ? 'conv3' : 'conv2';
  const layers = [0, 1, 2, 3].map((s) => countBlocks(sd, s)) as ResNetConfig['layers'];
  const widths = [0, 1, 2, 3].map(
    (s) => requireShape(sd, `layer${s + 1}.0.conv1.weight`)[0],
  ) as ResNetConfig['widths'];
  const outs = [0, 1, 2, 3].map((s) => requireShape(sd, `layer${s + 1}.0.${lastConv}.weight`)[0]);
  const expansion = outs[0] / widths[0];
  outs.forEach((out, s) => {
    if (out !== widths[s] * expansion) {
      throw new ResNetConfigError(
        `inconsistent expansion: layer${s + 1} has width ${widths[s]} and output ${out}, layer1 expands ×${expansion}`,
      );
    }
  });
  return { block, layers, stemWidth: stem[0], widths, expansion };
}

/** Every key whose shape differs from the expected one, as readable lines; empty when the dict fits. */
export function shapeMismatches(sd: ShapeMap, expected: Map<string, number[]>): string[] {
  const problems: string[] = [];
  for (const [key, shape] of expected) {
    const entry = sd.get(key);
    if (entry && entry.shape.join('x') !== shape.join('x')) {
      problems.push(`${key}: got [${entry.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }
  return problems;
}
