// `--profile auto`: where in a checkpoint is the backbone? Every nested container (state_dict, model,
// teacher, classy_state_dict/base_model/model/trunk, …) and every key prefix is read by every architecture
// matcher; the layout that maps the most parameters with the right shapes wins. Shapes only: nothing is
// decoded until the winner is known. A refusal lists where the tensors are and what would work.

import type { ArchitectureMatcher, KeyShapes, LayoutMatch, MatchConstraint } from './architectures.ts';
import { CheckpointError, CheckpointTooLargeError } from './errors.ts';
import { formatKeyGroup, keyGroups } from './key-groups.ts';
import { ARCHITECTURE_MATCHERS } from './matchers.ts';
import { findProfile, type KeyProfile, profileNames } from './profiles.ts';

/** How a caller narrows the search; every field absent = `auto`. */
export interface LayoutRequest {
  /** A profile or alias name, or 'auto' (default). */
  profile?: string;
  /** A container path ('state_dict', 'teacher', 'classy_state_dict/base_model/model/trunk'; '(top)' or ''). */
  container?: string;
  /** The exact key prefix ('' for none). */
  prefix?: string;
  /** A named architecture the tensors must fit. */
  arch?: string;
}

export interface FoundLayout {
  /** '' for the top level. */
  container: string;
  match: LayoutMatch;
  /** Keys of the container (relative to it) that are not kept; bookkeeping counters are not listed. */
  dropped: string[];
  /** Tensors of the file outside the chosen container (optimizer state, other networks' dicts…). */
  outside: number;
  /** Other layouts found at least half as large, best first: the overrides that would choose them. */
  alternatives: Array<{ container: string; prefix: string; architecture: string; parameters: number }>;
}

/** Nothing in the checkpoint forms a known architecture (under the requested constraints). */
export class LayoutNotFoundError extends CheckpointError {
  override name = 'LayoutNotFoundError';
}

/** Tokens in a container or prefix that mark the copy of a network nobody evaluates. */
const SECONDARY = /(^|[./])(student|encoder_k|key_encoder|momentum[a-z_]*|target[a-z_]*)(?=$|[./])/i;
/** A layout at least this share of the best one's size is listed as an alternative. */
const ALTERNATIVE_SHARE = 0.5;

export function containerLabel(container: string): string {
  return container === '' ? '(top)' : container;
}

function normaliseContainer(c: string | undefined): string | undefined {
  if (c === undefined) return undefined;
  return c === '(top)' || c === '/' ? '' : c.replace(/^\/+|\/+$/g, '');
}

function isBookkeeping(key: string): boolean {
  return key.endsWith('num_batches_tracked');
}

/** More tensors than any real checkpoint holds (a ViT-g training checkpoint has a few thousand). */
export const MAX_SEARCH_TENSORS = 200_000;
/** Longest tensor path split into containers, and the deepest container (the readers nest at most 24). */
const MAX_PATH_CHARS = 2048;
const MAX_CONTAINER_DEPTH = 24;

/** Every container path ('' = top) with its keys relative to it; deeper dicts keep '/' in the key. */
export function containersOf(shapes: KeyShapes): Map<string, Map<string, readonly number[]>> {
  if (shapes.size > MAX_SEARCH_TENSORS) {
    throw new CheckpointTooLargeError(
      `${shapes.size} tensors: more than the ${MAX_SEARCH_TENSORS} the layout search reads`,
    );
  }
  const out = new Map<string, Map<string, readonly number[]>>([['', new Map()]]);
  for (const [key, shape] of shapes) {
    if (isBookkeeping(key)) continue;
    // Real paths are short and a few dicts deep; a hostile key of a million '/' must not become a million
    // containers (each a copy of the key), so long keys stay in the top container and depth is capped.
    const splittable = key.length <= MAX_PATH_CHARS;
    for (let slash = -1, depth = 0; ; depth++) {
      const container = slash === -1 ? '' : key.slice(0, slash);
      let keys = out.get(container);
      if (!keys) out.set(container, (keys = new Map()));
      keys.set(key.slice(slash + 1), shape);
      slash = splittable && depth < MAX_CONTAINER_DEPTH ? key.indexOf('/', slash + 1) : -1;
      if (slash === -1) break;
    }
  }
  return out;
}

interface Candidate {
  container: string;
  match: LayoutMatch;
}

function isSecondary(c: Candidate): boolean {
  return SECONDARY.test(c.container) || SECONDARY.test(c.match.prefix);
}

function depth(container: string): number {
  return container === '' ? 0 : container.split('/').length;
}

/** Most parameters; then the network people evaluate (teacher, query, online); then the tightest container. */
function compare(a: Candidate, b: Candidate): number {
  return (
    b.match.parameters - a.match.parameters ||
    Number(isSecondary(a)) - Number(isSecondary(b)) ||
    depth(b.container) - depth(a.container) ||
    a.match.prefix.length - b.match.prefix.length
  );
}

function constraintOf(req: LayoutRequest, profile: KeyProfile | null): MatchConstraint {
  const prefixes = req.prefix !== undefined ? [req.prefix] : profile?.prefixes;
  return {
    ...(profile ? { naming: profile.naming } : {}),
    ...(prefixes ? { prefixes } : {}),
    ...(req.arch ? { arch: req.arch } : {}),
  };
}

function resolveProfile(name: string | undefined): KeyProfile | null {
  if (name === undefined || name === 'auto') return null;
  const profile = findProfile(name);
  if (!profile)
    throw new CheckpointError(`unknown profile '${name}' (known: auto, ${profileNames().join(', ')})`);
  return profile;
}

function candidates(
  containers: Map<string, Map<string, readonly number[]>>,
  constraint: MatchConstraint,
  only: string | undefined,
  matchers: readonly ArchitectureMatcher[],
): Candidate[] {
  const out: Candidate[] = [];
  for (const [container, keys] of containers) {
    if (only !== undefined && container !== only) continue;
    for (const matcher of matchers) {
      for (const match of matcher.match(keys, constraint)) out.push({ container, match });
    }
  }
  return out.sort(compare);
}

function firstTensor(c: Candidate): string {
  const first = c.match.mapping.values().next().value ?? '';
  return c.container === '' ? first : `${c.container}/${first}`;
}

/** The same tensors seen from an enclosing container (Haiku paths): not an alternative. */
function sameTensors(a: Candidate, b: Candidate): boolean {
  return a.match.parameters === b.match.parameters && firstTensor(a) === firstTensor(b);
}

function dropped(keys: Map<string, readonly number[]>, match: LayoutMatch): string[] {
  const kept = new Set(match.mapping.values());
  return [...keys.keys()].filter((k) => !kept.has(k));
}

/** The override flags that select a candidate (what a user would type). */
export function overrideFlags(container: string, prefix: string): string {
  const c = container === '' ? "'(top)'" : container;
  return `--container ${c} --prefix ${prefix === '' ? "''" : prefix}`;
}

function describeRequest(req: LayoutRequest, profile: KeyProfile | null): string {
  const parts: string[] = [];
  if (profile) parts.push(`profile '${req.profile}'`);
  if (req.container !== undefined)
    parts.push(`container '${containerLabel(normaliseContainer(req.container) ?? '')}'`);
  if (req.prefix !== undefined) parts.push(`prefix '${req.prefix}'`);
  if (req.arch) parts.push(`architecture '${req.arch}'`);
  return parts.length ? parts.join(', ') : 'auto';
}

function refusal(
  shapes: KeyShapes,
  req: LayoutRequest,
  profile: KeyProfile | null,
  unconstrained: Candidate | null,
  matchers: readonly ArchitectureMatcher[],
): LayoutNotFoundError {
  const kinds = matchers.map((m) => `${m.kind} (${m.namings.join(', ')} names)`).join('; ');
  const what = profile
    ? `profile '${profile.name}' recognised no ResNet backbone key`
    : 'no known backbone found';
  const lines = [
    `${what} in this checkpoint (searched with ${describeRequest(req, profile)}; known layouts: ${kinds})`,
    'largest key groups (container › prefix: tensors):',
    ...keyGroups(shapes.keys()).map((g) => `  ${formatKeyGroup(g)}`),
  ];
  if (unconstrained) {
    const { container, match } = unconstrained;
    lines.push(
      `auto finds a ${match.architecture} (${match.naming} names) in container ${containerLabel(container)} ` +
        `under prefix '${match.prefix}'; this command would convert it:`,
      `  npx tlab convert <checkpoint> ${overrideFlags(container, match.prefix)}`,
    );
  } else {
    lines.push(
      'none of these groups has the key names of a known architecture below any prefix (a ResNet needs ' +
        'conv1.weight, bn1.*, layer1.0.conv1.weight, … after the prefix); if yours is a torchvision ResNet ' +
        'under other names, rename its keys, then run e.g.',
      `  npx tlab convert <checkpoint> ${overrideFlags('', '')}`,
    );
  }
  return new LayoutNotFoundError(lines.join('\n'));
}

/**
 * Finds the backbone: the container and prefix whose keys, read by one of the registered architectures,
 * map the most parameters with the right shapes. Throws LayoutNotFoundError (with key groups and a command
 * that would work, when one would) if there is none.
 */
export function findLayout(
  shapes: KeyShapes,
  req: LayoutRequest = {},
  matchers: readonly ArchitectureMatcher[] = ARCHITECTURE_MATCHERS,
): FoundLayout {
  const profile = resolveProfile(req.profile);
  const containers = containersOf(shapes);
  const only = normaliseContainer(req.container);
  const found = candidates(containers, constraintOf(req, profile), only, matchers);
  const best = found[0];
  const constrained = profile !== null || only !== undefined || req.prefix !== undefined;
  if (!best) {
    const free = constrained ? (candidates(containers, {}, undefined, matchers)[0] ?? null) : null;
    throw refusal(shapes, req, profile, free, matchers);
  }
  const keys = containers.get(best.container) as Map<string, readonly number[]>;
  const inContainer = new Set([...keys.keys()]);
  // Under an override, the alternatives are what the free search finds: the user sees what they overrode.
  const others = constrained
    ? candidates(containers, req.arch ? { arch: req.arch } : {}, undefined, matchers)
    : found.slice(1);
  return {
    container: best.container,
    match: best.match,
    dropped: dropped(keys, best.match),
    outside: [...shapes.keys()].filter((k) => !isBookkeeping(k)).length - inContainer.size,
    alternatives: others
      .filter((c) => c.match.parameters >= ALTERNATIVE_SHARE * best.match.parameters && !sameTensors(c, best))
      .slice(0, 4)
      .map((c) => ({
        container: c.container,
        prefix: c.match.prefix,
        architecture: c.match.architecture,
        parameters: c.match.parameters,
      })),
  };
}
