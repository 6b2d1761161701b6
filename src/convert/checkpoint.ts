// The converter's entry point: any supported checkpoint file → a backbone state dict in its builder's names.
// Detect the format, find the backbone's container, prefix and architecture, decode only the kept tensors.

import { CheckpointError, CorruptCheckpointError, UnsupportedCheckpointError } from './errors.ts';
import { containerLabel, type FoundLayout, findLayout } from './layout-search.ts';
import { isLegacyTorch, readTorchLegacy } from './legacy.ts';
import { unpickle } from './pickle.ts';
import { recordFields } from './pickle-globals.ts';
import { profileOf } from './profiles.ts';
import { NdArray, PyDict, PyObject, type PyValue, TorchTensor } from './py-values.ts';
import { isSafetensors, readSafetensors } from './safetensors.ts';
import { ndarrayToEntry, tensorToEntry } from './tensors.ts';
import { readTorchZip } from './torch-zip.ts';
import type { StateDict, TensorEntry } from './types.ts';
import { isZip } from './zip.ts';

export type CheckpointFormat = 'zip' | 'legacy' | 'safetensors' | 'pickle';

export interface ConvertReport {
  format: CheckpointFormat;
  /** Where the backbone sat: '(top)', 'state_dict', 'teacher', 'classy_state_dict/base_model/model/trunk'… */
  container: string;
  /** The key prefix stripped from the backbone's keys ('' for none). */
  prefix: string;
  /** Which builder takes the state dict: 'resnet' (or another registered architecture's kind). */
  kind: string;
  /** What the shapes describe: 'resnet50', or e.g. 'resnet-basic-1111-w2' for a custom width. */
  architecture: string;
  /** Naming scheme after the prefix: 'torchvision', 'simclr-v2', 'haiku'. */
  naming: string;
  /** The named profile this layout is (moco, swav, …), or 'auto' when no named profile describes it. */
  profile: string;
  /** Keys of the container not kept (heads, projections, momentum encoders…); num_batches_tracked not listed. */
  dropped: string[];
  /** Expected keys the checkpoint lacks. */
  missing: string[];
  renamed: number;
  tensors: number;
  /** Tensors outside the chosen container (optimizer state, other dicts), ignored. */
  outside: number;
  /** Other backbones found at least half as large (a student or momentum copy, …): what --container/--prefix would pick. */
  alternatives: Array<{ container: string; prefix: string; architecture: string; parameters: number }>;
}

export interface ReadCheckpointOptions {
  /** A profile or alias name (see profileNames()), or 'auto' (default): search every container and prefix. */
  profile?: string | 'auto';
  /** Only this container path ('(top)' for the top level); default: every container. */
  container?: string;
  /** Only this key prefix ('' for none); default: every prefix. */
  prefix?: string;
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

/** The whole file as '/'-joined tensor paths: the layout search looks at every container at once. */
function readAllSources(bytes: Uint8Array, format: CheckpointFormat): Sources {
  const sources: Sources = new Map();
  const top =
    format === 'zip'
      ? readTorchZip(bytes)
      : format === 'legacy'
        ? readTorchLegacy(bytes)
        : format === 'pickle'
          ? unpickle(bytes, { what: 'pickle' }).value
          : null;
  if (top === null) {
    for (const [name, entry] of readSafetensors(bytes).tensors) {
      sources.set(name, { shape: entry.shape, load: () => entry });
    }
  } else flatten(top, '', sources, 0, new Set());
  if (sources.size === 0) throw new CheckpointError('the checkpoint holds no tensors');
  return sources;
}

function loadMapped(sources: Sources, found: FoundLayout): StateDict {
  const stateDict: StateDict = new Map();
  const base = found.container === '' ? '' : `${found.container}/`;
  for (const [target, key] of found.match.mapping) {
    const entry = (sources.get(base + key) as SourceTensor).load();
    stateDict.set(target, found.match.convert ? found.match.convert(target, entry) : entry);
  }
  return stateDict;
}

function reportOf(format: CheckpointFormat, found: FoundLayout, tensors: number): ConvertReport {
  const { match } = found;
  let renamed = 0;
  for (const [target, key] of match.mapping) if (target !== key) renamed++;
  return {
    format,
    container: containerLabel(found.container),
    prefix: match.prefix,
    kind: match.kind,
    architecture: match.architecture,
    naming: match.naming,
    profile: profileOf(match.naming, match.prefix)?.name ?? 'auto',
    dropped: found.dropped,
    missing: match.missing,
    renamed,
    tensors,
    outside: found.outside,
    alternatives: found.alternatives.map((a) => ({ ...a, container: containerLabel(a.container) })),
  };
}

/**
 * Reads a checkpoint (PyTorch zip or legacy, safetensors, or a Haiku-style pickle), finds the backbone in
 * it (any container, any prefix, any registered architecture; see layout-search.ts) and returns it in the
 * architecture's own names and PyTorch layouts. Throws CheckpointError subclasses on bad input, and
 * LayoutNotFoundError (listing the key groups and a command that would work) when no backbone is found.
 */
export function readCheckpoint(
  bytes: Uint8Array,
  opts: ReadCheckpointOptions = {},
): { stateDict: StateDict; report: ConvertReport } {
  const format = detectFormat(bytes);
  const sources = readAllSources(bytes, format);
  const shapes = new Map([...sources].map(([key, src]) => [key, src.shape] as const));
  const found = findLayout(shapes, {
    profile: opts.profile,
    container: opts.container,
    prefix: opts.prefix,
    arch: opts.arch,
  });
  if (found.match.mismatched.length > 0) {
    throw new CorruptCheckpointError(
      `tensor shapes do not fit the architecture: ${found.match.mismatched.slice(0, 5).join('; ')}`,
    );
  }
  const stateDict = loadMapped(sources, found);
  return { stateDict, report: reportOf(format, found, stateDict.size) };
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
