// The shape of a torchvision-layout ResNet, as data. The type is the converter's (src/convert/resnet-keys.ts
// infers it from a state dict), so both sides describe a network the same way.

import type { ResNetConfig } from '../../convert/resnet-keys.ts';

export type { ResNetConfig };

/** Length of the pooled layer4 feature vector. */
export function featureSizeOf(config: ResNetConfig): number {
  return config.widths[3] * config.expansion;
}

/** Names of the convolutions of one residual block, in execution order (torchvision names). */
export function blockConvNames(config: ResNetConfig): string[] {
  return config.block === 'bottleneck' ? ['conv1', 'conv2', 'conv3'] : ['conv1', 'conv2'];
}

/** Prefix of block `b` of stage `s` (0-based stage): 'layer1.0', 'layer3.5', ... */
export function blockPrefix(stage: number, block: number): string {
  return `layer${stage + 1}.${block}`;
}

/** Checks a config is usable before anything is built from it; the message names the bad field. */
export function assertValidConfig(config: ResNetConfig): void {
  const positiveInts = (xs: number[]) => xs.every((x) => Number.isInteger(x) && x > 0);
  if (config.block !== 'basic' && config.block !== 'bottleneck') {
    throw new Error(`ResNet config: unknown block type '${String(config.block)}'`);
  }
  if (config.layers?.length !== 4 || !positiveInts(config.layers)) {
    throw new Error(
      `ResNet config: layers must be 4 positive integers, got ${JSON.stringify(config.layers)}`,
    );
  }
  if (config.widths?.length !== 4 || !positiveInts(config.widths)) {
    throw new Error(
      `ResNet config: widths must be 4 positive integers, got ${JSON.stringify(config.widths)}`,
    );
  }
  if (!positiveInts([config.stemWidth, config.expansion])) {
    throw new Error('ResNet config: stemWidth and expansion must be positive integers');
  }
}
