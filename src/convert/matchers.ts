// The registry of architectures the layout search recognises, in the order it prefers on an exact tie.
// To add an architecture: write an ArchitectureMatcher (see architectures.ts and resnet-matcher.ts) and list it.

import type { ArchitectureMatcher } from './architectures.ts';
import { resnetMatcher } from './resnet-matcher.ts';
import { vitMatcher } from './vit-matcher.ts';

// A ViT's state dict comes back under its names below the prefix (report.kind === 'vit'), for the ViT
// converter (src/engine/vit/convert-checkpoint.ts) to consume.
export const ARCHITECTURE_MATCHERS: readonly ArchitectureMatcher[] = [resnetMatcher, vitMatcher];
