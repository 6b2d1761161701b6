// The registry of architectures the layout search recognises, in the order it prefers on an exact tie.
// To add an architecture: write an ArchitectureMatcher (see architectures.ts and resnet-matcher.ts) and list it.

import type { ArchitectureMatcher } from './architectures.ts';
import { resnetMatcher } from './resnet-matcher.ts';

export const ARCHITECTURE_MATCHERS: readonly ArchitectureMatcher[] = [
  resnetMatcher,
  // LEAD: register the ViT matcher here (from src/convert/vit-*.ts, kind 'vit'); readCheckpoint then
  // returns its state dict with report.kind === 'vit' for the ViT builder to consume.
];
