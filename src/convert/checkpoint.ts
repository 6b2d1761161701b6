// The converter's entry point: any supported checkpoint file → a backbone state dict in its builder's names.
// Detect the format, find the backbone's container, prefix and architecture, decode only the kept tensors.

import { type BudgetLimits, DEFAULT_BUDGET, ReadBudget } from './budget.ts';
import {
  CheckpointError,
  CheckpointTooLargeError,
  CorruptCheckpointError,
  UnsupportedCheckpointError,
} from './errors.ts';
import { containerLabel, type FoundLayout, findLayout } from './layout-search.ts';
import { isLegacyTorch, readTorchLegacy } from './legacy.ts';
import { unpickle } from './pickle.ts';
import { recordFields } from './pickle-globals.ts';
import { profileOf } from './profiles.ts';
import { NdArray, PyDict, PyObject, type PyValue, TorchTensor } from './py-values.ts';
import { indexSafetensors, isSafetensors } from './safetensors.ts';
import { materialisedBytes, ndarrayToEntry, tensorToEntry } from './tensors.ts';
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

/** The whole file as '/'-joined tensor paths: the layout search looks at every container at once. */
function readAllSources(bytes: Uint8Array, format: CheckpointFormat, budget: ReadBudget): Sources {
  const top =
    format === 'zip'
      ? readTorchZip(bytes, undefined, budget)
      : format === 'legacy'
        ? readTorchLegacy(bytes, budget)
        : format === 'pickle'
          ? unpickle(bytes, { what: 'pickle', budget }).value
          : null;
  const sources: Sources = new Map();
  if (top === null) {
    for (const [name, tensor] of indexSafetensors(bytes)) {
      sources.set(name, { shape: tensor.shape, load: () => tensor.load(budget) });
    }
  } else for (const [path, src] of flattenAll(top, budget)) sources.set(path, src);
  if (sources.size === 0) throw new CheckpointError('the checkpoint holds no tensors');
  return sources;
}

function loadMapped(sources: Sources, found: FoundLayout, budget: ReadBudget): StateDict {
  const stateDict: StateDict = new Map();
  const base = found.container === '' ? '' : `${found.container}/`;
  checkMaterialisedSize(
    [...found.match.mapping].map(([, key]) => [base + key, sources.get(base + key) as SourceTensor]),
    budget,
  );
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
  const budget = new ReadBudget(opts.budget ?? DEFAULT_BUDGET);
  const sources = readAllSources(bytes, format, budget);
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
  const stateDict = loadMapped(sources, found, budget);
  return { stateDict, report: reportOf(format, found, stateDict.size) };
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
