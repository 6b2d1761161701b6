// The ViT matcher of the layout search: finds a Vision Transformer in the timm (DINO, DINOv2, MAE, DeiT),
// torchvision or OpenAI CLIP layout under any key prefix (`module.`, `backbone.`, `teacher.backbone.`, …).
// The mapping keeps each kept key's name below the prefix: the ViT converter (src/engine/vit/) matches the
// layout again on those names, so the search only has to say where the backbone sits.

import {
  type ArchitectureMatcher,
  elementCount,
  type KeyShapes,
  type LayoutMatch,
  type MatchConstraint,
} from './architectures.ts';
import { MAX_KEY_LENGTH } from './resnet-matcher.ts';
import { matchVit, type VitLayout, vitArchitectureName } from './vit-keys.ts';

/** The patch embedding of each layout: where one is found, the text before it is a candidate prefix. */
const PATCH_KEYS = ['patch_embed.proj.weight', 'conv_proj.weight', 'visual.conv1.weight', 'conv1.weight'];
const LAYOUTS: readonly VitLayout[] = ['timm', 'torchvision', 'clip'];
/** A checkpoint has one or two backbones (teacher and student, base and momentum): a few prefixes suffice. */
const MAX_PREFIXES = 8;

function candidatePrefixes(keys: KeyShapes, constraint: MatchConstraint): string[] {
  const found = new Set<string>();
  for (const key of keys.keys()) {
    if (key.length > MAX_KEY_LENGTH || key.includes('/')) continue;
    for (const patch of PATCH_KEYS) {
      if (!key.endsWith(patch)) continue;
      const prefix = key.slice(0, key.length - patch.length);
      if (prefix === '' || prefix.endsWith('.')) found.add(prefix);
    }
    if (found.size >= MAX_PREFIXES) break;
  }
  const allowed = constraint.prefixes;
  return [...found].filter((p) => !allowed || allowed.includes(p));
}

function matchAt(keys: KeyShapes, prefix: string, layout: VitLayout | undefined): LayoutMatch | null {
  const below = new Map<string, readonly number[]>();
  for (const [key, shape] of keys) {
    if (key.startsWith(prefix) && !key.includes('/')) below.set(key.slice(prefix.length), shape);
  }
  const m = matchVit(below, layout);
  // Only a whole ViT: a few ViT-like names (a partial file, another transformer) are not one, and the
  // refusal's list of key groups serves the user better than a half-mapped backbone.
  if (!m || m.params.length === 0 || m.missing.length > 0) return null;
  const mapping = new Map<string, string>();
  let parameters = 0;
  for (const p of m.params) {
    mapping.set(p.source, prefix + p.source);
    parameters += elementCount(p.shape);
  }
  return {
    kind: 'vit',
    architecture: vitArchitectureName(m.config),
    naming: m.config.layout,
    prefix,
    mapping,
    parameters,
    missing: m.missing,
    mismatched: [],
  };
}

export const vitMatcher: ArchitectureMatcher = {
  kind: 'vit',
  namings: LAYOUTS,
  match(keys, constraint) {
    const layout = LAYOUTS.find((l) => l === constraint.naming);
    if (constraint.naming && !layout) return [];
    // --arch resnet50 asks for a ResNet; only a ViT name (vit_b_16, ...) or none lets this matcher answer.
    if (constraint.arch && !constraint.arch.startsWith('vit')) return [];
    return candidatePrefixes(keys, constraint).flatMap((prefix) => matchAt(keys, prefix, layout) ?? []);
  },
};
