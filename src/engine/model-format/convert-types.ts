// The options and result of a checkpoint conversion, apart from the converters themselves: the ResNet path
// (convert-checkpoint.ts) and the ViT path (src/engine/vit/) both use them, and neither imports the other's
// module for a type (no import circle).

import type { ConvertReport } from '../../convert/checkpoint.ts';
import type { InferredFamily } from '../../convert/infer-family.ts';
import type { VitConfig } from '../../convert/vit-keys.ts';
import type { ModelCard } from '../../core/types.ts';
import type { ResNetConfig } from '../resnet/config.ts';
import type { VitFeature } from '../vit/build.ts';

export type Normalisation =
  | 'imagenet'
  | 'none'
  | { mean: [number, number, number]; std: [number, number, number] };

export interface ConvertOptions {
  id: string;
  /** A torchvision name (resnet18 … wide_resnet50_2) is checked against the weights; other names are labels. */
  arch?: string;
  profile?: string;
  /** Only this container path / key prefix (overrides of the layout search; see src/convert/layout-search.ts). */
  container?: string;
  prefix?: string;
  /** The checkpoint's file name: the family is inferred from it (then from the layout) when none is given. */
  fileName?: string;
  float16?: boolean;
  name?: string;
  family?: string;
  normalisation?: Normalisation;
  inputSize?: number;
  /** Where the weights came from; a function can mention what the reader found (e.g. the detected profile). */
  source?: string | ((report: ConvertReport) => string);
  licence?: string;
  imagenetTop1?: number | null;
  description?: string;
  /** The checkpoint's sha256 when the caller already has it (saves hashing a large file twice). */
  checkpointSha256?: string;
  /** Extra card fields laid over the generated card (weightsHash, format and featureSize stay computed). */
  cardOverrides?: Partial<ModelCard>;
  /** ViTs: the feature the card emits (default 'cls': class token after the final norm). */
  feature?: VitFeature;
  /** ViTs: 'protocol' (default: the paper's, as for every backbone) or 'family' (the family's own). */
  preprocessing?: 'protocol' | 'family';
}

export interface ConvertResult {
  files: Map<string, Uint8Array>;
  card: ModelCard;
  report: ConvertReport;
  config: ResNetConfig | VitConfig;
  /** The family on the card and where it came from ('given', 'file name', 'layout (…)'). */
  family: InferredFamily;
}
