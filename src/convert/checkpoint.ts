// The converter's entry point: any supported checkpoint file → a torchvision-named ResNet state dict.
// Detect the format, unwrap the container, pick a key-layout profile, decode only the kept tensors.

import { CheckpointError, CorruptCheckpointError, UnsupportedCheckpointError } from './errors.ts';
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
import { isSafetensors, readSafetensors } from './safetensors.ts';
import { ndarrayToEntry, tensorToEntry } from './tensors.ts';
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
}

/** A tensor found in the container, decoded only if kept. */
interface SourceTensor {
  shape: number[];
  load(): TensorEntry;
}

type Sources = Map<string, SourceTensor>;

const CONTAINER_KEYS = ['state_dict', 'model', 'resnet', 'experiment_state'];
const MAX_DEPTH = 24;

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

function source(value: TorchTensor | NdArray): SourceTensor {
  if (value instanceof TorchTensor) return { shape: value.shape, load: () => tensorToEntry(value) };
  return { shape: value.shape, load: () => ndarrayToEntry(value) };
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

/** Flattens nested dicts into '/'-joined paths (Haiku trees); a flat state dict keeps its keys. */
function flatten(value: PyValue, path: string, out: Sources, depth: number, seen: Set<object>): void {
  if (value instanceof TorchTensor || value instanceof NdArray) {
    if (!out.has(path)) out.set(path, source(value));
    return;
  }
  const kids = children(value);
  if (!kids || depth > MAX_DEPTH || seen.has(value as object)) return;
  seen.add(value as object);
  for (const [key, child] of kids) flatten(child, path === '' ? key : `${path}/${key}`, out, depth + 1, seen);
  seen.delete(value as object);
}

function hasTensors(value: PyValue): boolean {
  const found: Sources = new Map();
  flatten(value, '', found, 0, new Set());
  return found.size > 0;
}

function unwrap(top: PyValue): { container: string; sources: Sources } {
  let container = '(top)';
  let chosen = top;
  const kids = children(top);
  if (kids) {
    const hit = CONTAINER_KEYS.map((k) => kids.find(([name]) => name === k)).find(
      (kv) => kv && hasTensors(kv[1]),
    );
    if (hit) [container, chosen] = hit;
  }
  const sources: Sources = new Map();
  flatten(chosen, '', sources, 0, new Set());
  if (sources.size === 0) throw new CheckpointError('the checkpoint holds no tensors');
  return { container, sources };
}

function readSources(bytes: Uint8Array, format: CheckpointFormat): { container: string; sources: Sources } {
  switch (format) {
    case 'zip':
      return unwrap(readTorchZip(bytes));
    case 'legacy':
      return unwrap(readTorchLegacy(bytes));
    case 'pickle':
      return unwrap(unpickle(bytes, { what: 'pickle' }).value);
    case 'safetensors': {
      const sources: Sources = new Map();
      for (const [name, entry] of readSafetensors(bytes).tensors) {
        sources.set(name, { shape: entry.shape, load: () => entry });
      }
      return { container: '(top)', sources };
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

function applyProfile(profile: KeyProfile, sources: Sources): Mapped {
  const stateDict: StateDict = new Map();
  const dropped: string[] = [];
  let renamed = 0;
  for (const [key, src] of sources) {
    if (isBookkeeping(key)) continue;
    const target = profile.mapKey(key);
    if (!target || stateDict.has(target)) {
      dropped.push(key);
      continue;
    }
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
  const { container, sources } = readSources(bytes, format);
  const profile = chooseProfile(opts.profile ?? 'auto', [...sources.keys()]);
  const mapped = applyProfile(profile, sources);
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
export function readRawTensors(bytes: Uint8Array): {
  format: CheckpointFormat;
  container: string;
  tensors: StateDict;
} {
  const format = detectFormat(bytes);
  const { container, sources } = readSources(bytes, format);
  const tensors: StateDict = new Map();
  for (const [key, src] of sources) tensors.set(key, src.load());
  return { format, container, tensors };
}
