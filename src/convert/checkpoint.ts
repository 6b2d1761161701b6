// The converter's entry point: any supported checkpoint file → a torchvision-named ResNet state dict.
// Detect the format, unwrap the container, pick a key-layout profile, decode only the kept tensors.

import { type BudgetLimits, DEFAULT_BUDGET, ReadBudget } from './budget.ts';
import {
  CheckpointError,
  CheckpointTooLargeError,
  CorruptCheckpointError,
  UnsupportedCheckpointError,
} from './errors.ts';
import { isLegacyTorch, readTorchLegacy } from './legacy.ts';
import { unpickle } from './pickle.ts';
import { recordFields } from './pickle-globals.ts';
import { findProfile, type KeyProfile, PROFILES, profileNames } from './profiles.ts';
import { NdArray, PyDict, PyObject, type PyValue, TorchTensor } from './py-values.ts';
import {
  expectedResNetKeys,
  inferResNetConfig,
  type ResNetConfig,
  resnetConfigForArch,
  shapeMismatches,
} from './resnet-keys.ts';
import { indexSafetensors, isSafetensors } from './safetensors.ts';
import { materialisedBytes, ndarrayToEntry, tensorToEntry } from './tensors.ts';
import { readTorchZip } from './torch-zip.ts';
import type { StateDict, TensorEntry } from './types.ts';
import { isZip } from './zip.ts';

export type CheckpointFormat = 'zip' | 'legacy' | 'safetensors' | 'pickle';

export interface ConvertReport {
  format: CheckpointFormat;
  /** Where the state dict sat: 'state_dict', 'model', 'resnet', 'experiment_state' or '(top)'. */
  container: string;
  profile: string;
  /** Source keys not kept (heads, projections, momentum encoders…); num_batches_tracked is not listed. */
  dropped: string[];
  /** Expected torchvision keys the checkpoint lacks. */
  missing: string[];
  renamed: number;
  tensors: number;
}

export interface ReadCheckpointOptions {
  /** A profile or alias name (see profileNames()), or 'auto' (default): the one that maps the most keys. */
  profile?: string | 'auto';
  /** A named architecture (resnet50, …) to check against; by default it is inferred from the tensors. */
  arch?: string;
  /** Work and memory budget of the read (defaults: DEFAULT_BUDGET). */
  budget?: BudgetLimits;
}

/** A tensor found in the container, decoded only if kept. */
interface SourceTensor {
  shape: number[];
  load(): TensorEntry;
}

type Sources = Map<string, SourceTensor>;

const CONTAINER_KEYS = ['state_dict', 'model', 'resnet', 'experiment_state'];
const MAX_DEPTH = 24;
/** No real key path is this long; a hostile one could otherwise grow with every level. */
const MAX_PATH_CHARS = 4096;

function isTar(bytes: Uint8Array): boolean {
  return bytes.length > 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar';
}

export function detectFormat(bytes: Uint8Array): CheckpointFormat {
  if (isZip(bytes)) return 'zip';
  if (isLegacyTorch(bytes)) return 'legacy';
  if (isSafetensors(bytes)) return 'safetensors';
  if (bytes.length === 0) throw new UnsupportedCheckpointError('empty checkpoint file');
  if (isTar(bytes)) {
    throw new UnsupportedCheckpointError(
      'tar-format torch file (PyTorch ≤ 0.1): re-save it with a newer PyTorch',
    );
  }
  // Anything else is tried as a pickle (protocols 0–1 have no header); junk fails on its first opcode.
  return 'pickle';
}

function source(value: TorchTensor | NdArray, budget: ReadBudget): SourceTensor {
  if (value instanceof TorchTensor) return { shape: value.shape, load: () => tensorToEntry(value, budget) };
  return { shape: value.shape, load: () => ndarrayToEntry(value, budget) };
}

/** Named children of a dict or an allow-listed record (NamedTuple fields, or its BUILD state). */
function children(value: PyValue): Array<[string, PyValue]> | null {
  if (value instanceof PyDict) return [...value.entries].map(([k, v]) => [String(k), v]);
  if (value instanceof PyObject) {
    const fields = recordFields(value.className);
    if (fields.length > 0) return value.args.map((v, i) => [fields[i] ?? String(i), v]);
    // Only a dict state: a record whose state points back at itself must not recurse.
    return value.state instanceof PyDict ? children(value.state) : null;
  }
  return null;
}

type Leaf = TorchTensor | NdArray;

interface Walk {
  /** Each container's flattened (relative path, tensor) list, computed once however many parents share it. */
  memo: Map<object, Array<[string, Leaf]>>;
  /** Containers on the current path: a cycle ends there. */
  onPath: Set<object>;
  budget: ReadBudget;
}

/**
 * Flattens nested dicts into '/'-joined paths (Haiku trees); a flat state dict keeps its keys. Each container
 * is walked once (memo by identity); every path it contributes is charged to the budget, so a graph of
 * shared children (4^depth paths from a 1.7 KB pickle) ends in a typed error instead of a hang.
 */
function collect(value: PyValue, depth: number, walk: Walk): Array<[string, Leaf]> {
  if (value instanceof TorchTensor || value instanceof NdArray) return [['', value]];
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || walk.onPath.has(value)) return [];
  const known = walk.memo.get(value);
  if (known) return known;
  const kids = children(value);
  if (!kids) return [];
  walk.onPath.add(value);
  const list: Array<[string, Leaf]> = [];
  for (const [key, child] of kids) {
    for (const [rel, leaf] of collect(child, depth + 1, walk)) {
      const path = rel === '' ? key : `${key}/${rel}`;
      if (path.length > MAX_PATH_CHARS) {
        throw new CorruptCheckpointError(`key path of over ${MAX_PATH_CHARS} characters: ${path}`);
      }
      walk.budget.visit(path);
      walk.budget.allocate(2 * path.length, 'key paths');
      list.push([path, leaf]);
    }
  }
  walk.onPath.delete(value);
  walk.memo.set(value, list);
  return list;
}

function flattenAll(value: PyValue, budget: ReadBudget): Sources {
  const out: Sources = new Map();
  for (const [path, leaf] of collect(value, 0, { memo: new Map(), onPath: new Set(), budget })) {
    if (!out.has(path)) out.set(path, source(leaf, budget));
  }
  return out;
}

function unwrap(top: PyValue, budget: ReadBudget): { container: string; sources: Sources } {
  let container = '(top)';
  let chosen = top;
  const kids = children(top);
  if (kids) {
    for (const name of CONTAINER_KEYS) {
      const hit = kids.find(([key]) => key === name);
      if (hit && flattenAll(hit[1], budget).size > 0) {
        [container, chosen] = hit;
        break;
      }
    }
  }
  const sources = flattenAll(chosen, budget);
  if (sources.size === 0) throw new CheckpointError('the checkpoint holds no tensors');
  return { container, sources };
}

function readSources(
  bytes: Uint8Array,
  format: CheckpointFormat,
  budget: ReadBudget,
): { container: string; sources: Sources } {
  switch (format) {
    case 'zip':
      return unwrap(readTorchZip(bytes, undefined, budget), budget);
    case 'legacy':
      return unwrap(readTorchLegacy(bytes, budget), budget);
    case 'pickle':
      return unwrap(unpickle(bytes, { what: 'pickle', budget }).value, budget);
    case 'safetensors': {
      const sources: Sources = new Map();
      for (const [name, tensor] of indexSafetensors(bytes)) {
        sources.set(name, { shape: tensor.shape, load: () => tensor.load(budget) });
      }
      return { container: '(top)', sources };
    }
  }
}

/**
 * The memory budget, computed from declared shapes before anything is materialised: the float32 copies of
 * every tensor about to be loaded must fit, whatever storage they share.
 */
function checkMaterialisedSize(keys: Iterable<[string, SourceTensor]>, budget: ReadBudget): void {
  let total = 0;
  for (const [key, src] of keys) {
    total += materialisedBytes(src.shape);
    if (total > budget.limits.maxBytes) {
      throw new CheckpointTooLargeError(
        `tensors up to ${key} declare ${total} bytes as float32, over the ${budget.limits.maxBytes}-byte memory budget`,
      );
    }
  }
}

function isBookkeeping(key: string): boolean {
  return key.endsWith('num_batches_tracked');
}

/** How many distinct backbone keys a profile reaches. */
function score(profile: KeyProfile, keys: string[]): number {
  const hit = new Set<string>();
  for (const key of keys) {
    const mapped = profile.mapKey(key);
    if (mapped) hit.add(mapped);
  }
  return hit.size;
}

function chooseProfile(requested: string, keys: string[]): KeyProfile {
  if (requested !== 'auto') {
    const profile = findProfile(requested);
    if (!profile) {
      throw new CheckpointError(`unknown profile '${requested}' (known: auto, ${profileNames().join(', ')})`);
    }
    return profile;
  }
  let best = PROFILES[0];
  let bestScore = -1;
  for (const profile of PROFILES) {
    const s = score(profile, keys);
    if (s > bestScore) [best, bestScore] = [profile, s];
  }
  return best;
}

interface Mapped {
  stateDict: StateDict;
  dropped: string[];
  renamed: number;
}

function applyProfile(profile: KeyProfile, sources: Sources, budget: ReadBudget): Mapped {
  const stateDict: StateDict = new Map();
  const dropped: string[] = [];
  let renamed = 0;
  const kept: Array<[string, SourceTensor, string]> = [];
  const targets = new Set<string>();
  for (const [key, src] of sources) {
    if (isBookkeeping(key)) continue;
    const target = profile.mapKey(key);
    if (!target || targets.has(target)) {
      dropped.push(key);
      continue;
    }
    targets.add(target);
    kept.push([key, src, target]);
  }
  checkMaterialisedSize(
    kept.map(([key, src]) => [key, src]),
    budget,
  );
  for (const [key, src, target] of kept) {
    const entry = src.load();
    stateDict.set(target, profile.convert ? profile.convert(target, entry) : entry);
    if (target !== key) renamed++;
  }
  return { stateDict, dropped, renamed };
}

function configFor(stateDict: StateDict, arch: string | undefined): ResNetConfig {
  return arch ? resnetConfigForArch(arch) : inferResNetConfig(stateDict);
}

/** Keeps only expected keys (in torchvision order), checks shapes, lists what is missing. */
function fitToArchitecture(
  mapped: Mapped,
  arch: string | undefined,
): { stateDict: StateDict; missing: string[] } {
  const expected = expectedResNetKeys(configFor(mapped.stateDict, arch));
  const problems = shapeMismatches(mapped.stateDict, expected);
  if (problems.length > 0) {
    throw new CorruptCheckpointError(
      `tensor shapes do not fit the architecture: ${problems.slice(0, 5).join('; ')}`,
    );
  }
  const ordered: StateDict = new Map();
  const missing: string[] = [];
  for (const key of expected.keys()) {
    const entry = mapped.stateDict.get(key);
    if (entry) ordered.set(key, entry);
    else missing.push(key);
  }
  for (const key of mapped.stateDict.keys()) if (!expected.has(key)) mapped.dropped.push(key);
  return { stateDict: ordered, missing };
}

/**
 * Reads a checkpoint (PyTorch zip or legacy, safetensors, or a Haiku-style pickle) and returns the ResNet
 * backbone in torchvision names and PyTorch layouts. Throws CheckpointError subclasses on bad input.
 */
export function readCheckpoint(
  bytes: Uint8Array,
  opts: ReadCheckpointOptions = {},
): { stateDict: StateDict; report: ConvertReport } {
  const format = detectFormat(bytes);
  const budget = new ReadBudget(opts.budget ?? DEFAULT_BUDGET);
  const { container, sources } = readSources(bytes, format, budget);
  const profile = chooseProfile(opts.profile ?? 'auto', [...sources.keys()]);
  const mapped = applyProfile(profile, sources, budget);
  if (mapped.stateDict.size === 0) {
    throw new CheckpointError(
      `profile '${profile.name}' recognised no ResNet backbone key in this checkpoint`,
    );
  }
  const { stateDict, missing } = fitToArchitecture(mapped, opts.arch);
  const report: ConvertReport = {
    format,
    container,
    profile: profile.name,
    dropped: mapped.dropped,
    missing,
    renamed: mapped.renamed,
    tensors: stateDict.size,
  };
  return { stateDict, report };
}

/**
 * Every tensor of a checkpoint's container under its source key, decoded, with no profile applied:
 * for inspecting files that are not ResNets, and for tests that reach below the key mapping.
 */
export function readRawTensors(
  bytes: Uint8Array,
  limits: BudgetLimits = DEFAULT_BUDGET,
): {
  format: CheckpointFormat;
  container: string;
  tensors: StateDict;
} {
  const format = detectFormat(bytes);
  const budget = new ReadBudget(limits);
  const { container, sources } = readSources(bytes, format, budget);
  checkMaterialisedSize(sources, budget);
  const tensors: StateDict = new Map();
  for (const [key, src] of sources) tensors.set(key, src.load());
  return { format, container, tensors };
}
