// The ResNet matcher of the layout search: finds torchvision-shaped ResNet backbones under any key prefix,
// in three naming schemes (torchvision's own names, SimCLR-v2's converted names, BYOL's Haiku paths).

import {
  type ArchitectureMatcher,
  elementCount,
  type KeyShapes,
  type LayoutMatch,
  type MatchConstraint,
} from './architectures.ts';
import { byolKey, haikuShapeToTorch, haikuToTorch, simclrV2Key, torchvisionKey } from './profiles.ts';
import {
  expectedResNetKeys,
  inferResNetConfig,
  NAMED_RESNETS,
  type ResNetConfig,
  resnetConfigForArch,
} from './resnet-keys.ts';

interface Naming {
  name: string;
  /** Whether the backbone may sit under a dotted prefix (Haiku paths carry their own module names). */
  prefixed: boolean;
  /** The torchvision name of a key below the prefix, or null. */
  mapKey(key: string): string | null;
  /** The PyTorch shape of a stored tensor, when the scheme stores it differently. */
  torchShape?(target: string, shape: readonly number[]): readonly number[];
  convert?: LayoutMatch['convert'];
}

const NAMINGS: readonly Naming[] = [
  { name: 'torchvision', prefixed: true, mapKey: torchvisionKey },
  { name: 'simclr-v2', prefixed: true, mapKey: simclrV2Key },
  { name: 'haiku', prefixed: false, mapKey: byolKey, torchShape: haikuShapeToTorch, convert: haikuToTorch },
];

/** Prefixes evaluated per container and scheme: the ones that reach the most distinct names. */
const PREFIXES_PER_CONTAINER = 8;
/** Fewer mapped names than a stem (conv1 + bn1) cannot be a ResNet; skip such prefixes outright. */
const MIN_NAMES = 5;

/** Real backbone keys are short (a prefix plus ~30 characters); longer ones are skipped, so a hostile file
 * of megabyte-long keys costs one length check each, not a split at every dot. */
export const MAX_KEY_LENGTH = 512;
/** Prefixes deeper than this many dots are not tried (releases nest at most a handful). */
const MAX_SPLITS = 16;

/** target → source key, grouped by the prefix that was stripped. */
type ByPrefix = Map<string, Map<string, string>>;

function add(groups: ByPrefix, prefix: string, target: string, key: string): void {
  let group = groups.get(prefix);
  if (!group) groups.set(prefix, (group = new Map()));
  if (!group.has(target)) group.set(target, key);
}

/** Every (prefix, torchvision name) reading of the container's keys under one scheme. */
function readings(keys: KeyShapes, naming: Naming): ByPrefix {
  const groups: ByPrefix = new Map();
  for (const key of keys.keys()) {
    if (key.length > MAX_KEY_LENGTH) continue;
    if (!naming.prefixed) {
      const target = naming.mapKey(key);
      if (target) add(groups, '', target, key);
      continue;
    }
    if (key.includes('/')) continue; // a deeper dict: the search visits it as its own container
    // Every split after a dot: 'module.encoder_q.layer1.0.conv1.weight' is tried at 0, 7, 17, 24, …
    for (let at = 0, splits = 0; at !== -1 && splits <= MAX_SPLITS; splits++) {
      const target = naming.mapKey(key.slice(at));
      if (target) add(groups, key.slice(0, at), target, key);
      const dot = key.indexOf('.', at);
      at = dot === -1 ? -1 : dot + 1;
    }
  }
  return groups;
}

function shapesOf(group: Map<string, string>, keys: KeyShapes, naming: Naming) {
  const shapes = new Map<string, { shape: readonly number[] }>();
  for (const [target, key] of group) {
    const stored = keys.get(key) ?? [];
    shapes.set(target, { shape: naming.torchShape ? naming.torchShape(target, stored) : stored });
  }
  return shapes;
}

function describeArchitecture(config: ResNetConfig, requested: string | undefined): string {
  if (requested) return requested;
  const named = Object.entries(NAMED_RESNETS).find(([, c]) => JSON.stringify(c) === JSON.stringify(config));
  return named?.[0] ?? `resnet-${config.block}-${config.layers.join('')}-w${config.widths[0]}`;
}

/** Scores one (scheme, prefix) reading against the architecture its shapes describe; null if none fits. */
function evaluate(
  group: Map<string, string>,
  keys: KeyShapes,
  naming: Naming,
  prefix: string,
  arch: string | undefined,
): LayoutMatch | null {
  const shapes = shapesOf(group, keys, naming);
  let config: ResNetConfig;
  try {
    config = arch ? resnetConfigForArch(arch) : inferResNetConfig(shapes);
  } catch {
    return null; // not enough of a ResNet under this prefix to say which one
  }
  const mapping = new Map<string, string>();
  const missing: string[] = [];
  const mismatched: string[] = [];
  let parameters = 0;
  for (const [target, want] of expectedResNetKeys(config)) {
    const got = shapes.get(target)?.shape;
    if (!got) missing.push(target);
    else if (got.join('x') !== want.join('x')) {
      mismatched.push(`${target}: got [${got.join(', ')}], expected [${want.join(', ')}]`);
    } else {
      mapping.set(target, group.get(target) as string);
      parameters += elementCount(want);
    }
  }
  return {
    kind: 'resnet',
    architecture: describeArchitecture(config, arch),
    naming: naming.name,
    prefix,
    mapping,
    parameters,
    missing,
    mismatched,
    ...(naming.convert ? { convert: naming.convert } : {}),
  };
}

function matchResNet(keys: KeyShapes, constraint: MatchConstraint): LayoutMatch[] {
  const out: LayoutMatch[] = [];
  for (const naming of NAMINGS) {
    if (constraint.naming && constraint.naming !== naming.name) continue;
    const groups = [...readings(keys, naming)]
      .filter(
        ([prefix, g]) =>
          g.size >= MIN_NAMES && (!constraint.prefixes || constraint.prefixes.includes(prefix)),
      )
      .sort((a, b) => b[1].size - a[1].size)
      .slice(0, PREFIXES_PER_CONTAINER);
    for (const [prefix, group] of groups) {
      const match = evaluate(group, keys, naming, prefix, constraint.arch);
      if (match && match.parameters > 0) out.push(match);
    }
  }
  return out;
}

/** A named torchvision architecture check only makes sense for this matcher; others ignore `arch`. */
export const resnetMatcher: ArchitectureMatcher = {
  kind: 'resnet',
  namings: NAMINGS.map((n) => n.name),
  match: matchResNet,
};
