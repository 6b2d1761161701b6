// The architectures the layout search can recognise. Each matcher looks at the keys and shapes of one
// container (decoding nothing) and proposes layouts: under which key prefix its backbone sits, which source
// key becomes which of its own parameter names, and how many parameters map with the right shapes.
// The search (layout-search.ts) runs every matcher over every container and keeps the largest match.

import type { TensorEntry } from './types.ts';

/** Keys of one container, relative to it ('/' joins deeper dicts), with their stored shapes. */
export type KeyShapes = ReadonlyMap<string, readonly number[]>;

/** What a caller pins (from --profile, --prefix, --arch); absent fields are searched. */
export interface MatchConstraint {
  /** The naming scheme after the prefix (e.g. 'torchvision', 'simclr-v2', 'haiku'). */
  naming?: string;
  /** Acceptable prefixes; absent: any. */
  prefixes?: readonly string[];
  /** A named architecture the tensors must fit (e.g. 'resnet50'); absent: inferred from the shapes. */
  arch?: string;
}

export interface LayoutMatch {
  /** Which builder consumes the result: 'resnet' (and 'vit' once its matcher is registered). */
  kind: string;
  /** The architecture the shapes describe: 'resnet50', or a descriptive name for a custom one. */
  architecture: string;
  /** Naming scheme of the keys after the prefix. */
  naming: string;
  /** The prefix stripped from every kept key ('' for none). */
  prefix: string;
  /** Target parameter name → source key (relative to the container), in the builder's order. */
  mapping: Map<string, string>;
  /** Elements of the tensors that map with the right shapes: the score the search maximises. */
  parameters: number;
  /** Expected target names the container lacks. */
  missing: string[];
  /** Source keys that name a target parameter but have the wrong shape, as readable lines. */
  mismatched: string[];
  /** Puts a decoded tensor into the builder's layout (e.g. Haiku HWIO → OIHW); identity when absent. */
  convert?(target: string, entry: TensorEntry): TensorEntry;
}

export interface ArchitectureMatcher {
  kind: string;
  /** The naming schemes it knows, for messages and --profile checks. */
  namings: readonly string[];
  /** Candidate layouts among the container's keys; empty when none of its names appear. */
  match(keys: KeyShapes, constraint: MatchConstraint): LayoutMatch[];
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}
