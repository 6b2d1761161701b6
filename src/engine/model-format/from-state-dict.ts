// torchvision-named state dict → the lab's model files: infer the config, fold BatchNorm, write shards + card.

import { inferResNetConfig } from '../../convert/resnet-keys.ts';
import type { StateDict } from '../../convert/types.ts';
import type { ResNetConfig } from '../resnet/config.ts';
import { foldResNet } from '../resnet/fold.ts';
import type { CardInput } from './types.ts';
import { type LabModelFiles, type WriteOptions, writeLabModel } from './write.ts';

export interface FromStateDictOptions extends WriteOptions {
  /** Defaults to the config inferred from the state dict's shapes. */
  config?: ResNetConfig;
}

export async function labModelFromStateDict(
  sd: StateDict,
  cardInput: CardInput,
  opts: FromStateDictOptions = {},
): Promise<LabModelFiles & { config: ResNetConfig }> {
  const config = opts.config ?? inferResNetConfig(sd);
  const files = await writeLabModel(foldResNet(sd, config), config, cardInput, opts);
  return { ...files, config };
}
