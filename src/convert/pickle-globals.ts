// The allow-list of the restricted unpickler. A pickle may name only these globals; each one is
// implemented here in TypeScript as a pure data constructor. Nothing is looked up dynamically, so a
// hostile pickle can at worst be refused (UnsafePickleError) — it can never reach real code.

import { CorruptCheckpointError, UnsafePickleError } from './errors.ts';
import {
  NdArray,
  type NumpyDType,
  NumpyDTypeValue,
  PyBytes,
  PyDict,
  PyGlobal,
  PyLongText,
  PyObject,
  PySet,
  PyTuple,
  type PyValue,
  type StorageType,
  sequenceItems,
  TorchStorage,
  TorchTensor,
} from './py-values.ts';
import type { DType } from './types.ts';

export type PyCallable = (args: PyValue[]) => PyValue;

/** torch storage classes by name; valid under `torch` and `torch.cuda` (GPU-saved legacy files). */
export const STORAGE_TYPES: Readonly<Record<string, StorageType>> = {
  FloatStorage: { dtype: 'float32', itemSize: 4 },
  HalfStorage: { dtype: 'float16', itemSize: 2 },
  BFloat16Storage: { dtype: 'bfloat16', itemSize: 2 },
  DoubleStorage: { dtype: 'float64', itemSize: 8 },
  LongStorage: { dtype: 'int64', itemSize: 8 },
  IntStorage: { dtype: 'int32', itemSize: 4 },
  CharStorage: { dtype: 'int8', itemSize: 1 },
  ByteStorage: { dtype: 'uint8', itemSize: 1 },
  BoolStorage: { dtype: 'bool', itemSize: 1 },
};

/** Record classes rebuilt as inert PyObjects, with their positional field names. */
const RECORD_CLASSES: Readonly<Record<string, string[]>> = {
  'argparse.Namespace': [],
  // BYOL's checkpoint (deepmind-research/byol): a NamedTuple of Haiku parameter trees.
  'byol.byol_experiment._ByolExperimentState': [
    'online_params',
    'target_params',
    'online_state',
    'target_state',
    'opt_state',
  ],
};

/**
 * Mapping wrappers rebuilt as their first argument's entries. Haiku's FlatMapping is listed because BYOL's
 * parameter trees may be pickled as one; its exact pickled form is an assumption (no real file was at hand).
 */
const MAPPING_CLASSES = new Set([
  'haiku._src.data_structures.FlatMapping',
  'haiku._src.data_structures.FlatMap',
]);

/** Globals that may appear only as arguments (types, dtypes), never be called. */
const MARKERS = new Set([
  'torch.Tensor',
  'torch.nn.parameter.Parameter',
  'numpy.ndarray',
  ...['float32', 'float16', 'bfloat16', 'float64', 'int64', 'int32', 'int8', 'uint8', 'bool'].map(
    (t) => `torch.${t}`,
  ),
]);

const MODULE_ALIASES: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  'numpy._core.multiarray': 'numpy.core.multiarray',
  'numpy._core.numeric': 'numpy.core.numeric',
};

export function canonicalModule(module: string): string {
  return MODULE_ALIASES[module] ?? module;
}

function isStorageGlobal(module: string, name: string): boolean {
  return (module === 'torch' || module === 'torch.cuda') && Object.hasOwn(STORAGE_TYPES, name);
}

/** Resolves a GLOBAL / STACK_GLOBAL against the allow-list, or refuses it by name. */
export function resolveGlobal(rawModule: string, name: string): PyGlobal {
  const module = canonicalModule(rawModule);
  const qualified = `${module}.${name}`;
  const allowed =
    isStorageGlobal(module, name) ||
    Object.hasOwn(CALLABLES, qualified) ||
    Object.hasOwn(RECORD_CLASSES, qualified) ||
    MAPPING_CLASSES.has(qualified) ||
    MARKERS.has(qualified);
  if (!allowed) throw new UnsafePickleError(`refused global ${rawModule}.${name}`);
  return new PyGlobal(module, name);
}

export function storageTypeOf(value: PyValue): StorageType {
  if (value instanceof PyGlobal && isStorageGlobal(value.module, value.name))
    return STORAGE_TYPES[value.name];
  throw new CorruptCheckpointError(`persistent id names ${String(value)} where a torch storage type belongs`);
}

/** Calls an allow-listed global (REDUCE / NEWOBJ); anything else is refused. */
export function callGlobal(callee: PyValue, args: PyValue[]): PyValue {
  if (!(callee instanceof PyGlobal)) {
    throw new UnsafePickleError(`refused call of a non-global (${typeof callee})`);
  }
  const fn = CALLABLES[callee.qualified];
  if (fn) return fn(args);
  const fields = RECORD_CLASSES[callee.qualified];
  if (fields) return new PyObject(callee.qualified, args);
  if (MAPPING_CLASSES.has(callee.qualified)) return args[0] instanceof PyDict ? args[0] : orderedDict(args);
  throw new UnsafePickleError(`refused call of global ${callee.qualified}`);
}

// --- argument checks ------------------------------------------------------------------------------------

function fail(what: string): never {
  throw new CorruptCheckpointError(`malformed pickle: ${what}`);
}

function intArg(value: PyValue, what: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (
    typeof value === 'bigint' &&
    value >= BigInt(Number.MIN_SAFE_INTEGER) &&
    value <= BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    return Number(value);
  }
  return fail(`${what} is not an integer`);
}

function intList(value: PyValue, what: string): number[] {
  const items = sequenceItems(value);
  if (!items) return fail(`${what} is not a tuple`);
  return items.map((v) => intArg(v, what));
}

function bytesArg(value: PyValue, what: string): Uint8Array {
  if (value instanceof PyBytes) return value.bytes;
  return fail(`${what} is not bytes`);
}

// --- torch ------------------------------------------------------------------------------------------------

function rebuildTensor(args: PyValue[]): TorchTensor {
  const [storage, offsetArg, sizeArg, strideArg] = args;
  if (!(storage instanceof TorchStorage)) return fail('tensor without a storage');
  const offset = intArg(offsetArg, 'storage offset');
  const shape = intList(sizeArg, 'tensor size');
  const stride = intList(strideArg, 'tensor stride');
  if (shape.length !== stride.length) fail('size and stride differ in length');
  if (offset < 0 || shape.some((d) => d < 0) || stride.some((s) => s < 0)) fail('negative size or stride');
  const empty = shape.some((d) => d === 0);
  const lastIndex = shape.reduce((acc, d, i) => acc + (d - 1) * stride[i], offset);
  if (!empty && lastIndex >= storage.numel) {
    fail(`tensor reaches element ${lastIndex} of a ${storage.numel}-element storage`);
  }
  return new TorchTensor(storage, offset, shape, stride);
}

function firstTensor(args: PyValue[]): TorchTensor {
  if (args[0] instanceof TorchTensor) return args[0];
  return fail('parameter without tensor data');
}

function rebuildFromType(args: PyValue[]): PyValue {
  const [fn, , fnArgs] = args;
  if (!(fn instanceof PyGlobal)) return fail('_rebuild_from_type_v2 without a function');
  const items = sequenceItems(fnArgs);
  if (!items) return fail('_rebuild_from_type_v2 without arguments');
  return callGlobal(fn, items);
}

// --- numpy ------------------------------------------------------------------------------------------------

const NUMPY_KINDS: Readonly<Record<string, DType>> = {
  f4: 'float32',
  f2: 'float16',
  f8: 'float64',
  i8: 'int64',
  i4: 'int32',
  i1: 'int8',
  u1: 'uint8',
  b1: 'bool',
};

/** A numpy dtype from its string code ('f4', '<f4', 'float32'…); unknown kinds load but cannot convert. */
export function numpyDType(code: string): NumpyDType {
  const named: Record<string, string> = {
    float32: 'f4',
    float16: 'f2',
    float64: 'f8',
    int64: 'i8',
    int32: 'i4',
  };
  const match = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(named[code] ?? code);
  if (!match) return { code, dtype: null, itemSize: 0, littleEndian: true };
  const [, endian, kind, size] = match;
  return {
    code: `${kind}${size}`,
    dtype: NUMPY_KINDS[`${kind}${size}`] ?? null,
    itemSize: Number(size),
    littleEndian: endian !== '>',
  };
}

function dtypeArg(value: PyValue): NumpyDType {
  if (value instanceof NumpyDTypeValue) return value.value;
  return fail('numpy array without a dtype');
}

function checkArrayBytes(dtype: NumpyDType, shape: number[], data: Uint8Array): void {
  if (shape.some((d) => d < 0)) fail('negative numpy dimension');
  const count = shape.reduce((a, d) => a * d, 1);
  if (dtype.itemSize > 0 && count * dtype.itemSize !== data.length) {
    fail(`numpy array of ${count} × ${dtype.itemSize} bytes holds ${data.length} bytes`);
  }
}

function reconstructArray(): NdArray {
  return new NdArray(numpyDType('f4'), [0], false, new Uint8Array(0));
}

/** BUILD on a numpy array: state = (version, shape, dtype, is_fortran, rawdata). */
export function setArrayState(array: NdArray, state: PyValue): void {
  const items = sequenceItems(state);
  if (!items || items.length < 5) fail('numpy array state');
  const [, shapeArg, dtypeValue, fortranArg, raw] = items;
  const shape = intList(shapeArg, 'numpy shape');
  const dtype = dtypeArg(dtypeValue);
  const data = raw instanceof PyBytes ? raw.bytes : fail('numpy object arrays are not supported');
  checkArrayBytes(dtype, shape, data);
  array.shape = shape;
  array.dtype = dtype;
  array.fortran = fortranArg === true || fortranArg === 1;
  array.data = data;
}

/** BUILD on a numpy dtype: state = (version, endian, …); only the byte order matters to us. */
export function setDTypeState(value: NumpyDTypeValue, state: PyValue): void {
  const items = sequenceItems(state);
  if (!items || items.length < 2 || typeof items[1] !== 'string') fail('numpy dtype state');
  value.value = { ...value.value, littleEndian: items[1] !== '>' };
}

function fromBuffer(args: PyValue[]): NdArray {
  const [buffer, dtypeValue, shapeArg, order] = args;
  const dtype = dtypeArg(dtypeValue);
  const shape = intList(shapeArg, 'numpy shape');
  const data = bytesArg(buffer, 'numpy buffer');
  checkArrayBytes(dtype, shape, data);
  return new NdArray(dtype, shape, order === 'F', data);
}

function numpyScalar(args: PyValue[]): PyValue {
  const dtype = dtypeArg(args[0]);
  const data = bytesArg(args[1], 'numpy scalar');
  checkArrayBytes(dtype, [], data);
  return new NdArray(dtype, [], false, data);
}

// --- builtins -------------------------------------------------------------------------------------------

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 255) fail('latin-1 text holds a character above U+00FF');
    out[i] = code;
  }
  return out;
}

/** UTF-8 → latin-1 in one pass over the bytes; null if a character is above U+00FF. */
function utf8ToLatin1(utf8: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(utf8.length);
  let n = 0;
  for (let i = 0; i < utf8.length; i++) {
    const b = utf8[i];
    if (b < 0x80) {
      out[n++] = b;
    } else if ((b === 0xc2 || b === 0xc3) && i + 1 < utf8.length && (utf8[i + 1] & 0xc0) === 0x80) {
      out[n++] = ((b & 0x1f) << 6) | (utf8[i + 1] & 0x3f);
      i++;
    } else {
      return null;
    }
  }
  return out.subarray(0, n);
}

function codecsEncode(args: PyValue[]): PyBytes {
  const [text, encoding] = args;
  if (encoding !== 'latin1' && encoding !== 'latin-1') {
    throw new UnsafePickleError(`refused _codecs.encode with encoding ${String(encoding)}`);
  }
  if (text instanceof PyLongText) {
    return new PyBytes(utf8ToLatin1(text.utf8) ?? fail('latin-1 text holds a character above U+00FF'));
  }
  if (typeof text !== 'string') return fail('_codecs.encode of a non-string');
  return new PyBytes(latin1Bytes(text));
}

function orderedDict(args: PyValue[]): PyDict {
  const dict = new PyDict();
  const pairs = args.length > 0 ? sequenceItems(args[0]) : [];
  if (!pairs) return fail('OrderedDict argument');
  for (const pair of pairs) {
    const kv = sequenceItems(pair);
    if (kv?.length !== 2) fail('OrderedDict item');
    dict.set(kv[0], kv[1]);
  }
  return dict;
}

function setOf(args: PyValue[]): PySet {
  const items = args.length > 0 ? sequenceItems(args[0]) : [];
  if (!items) return fail('set argument');
  return new PySet(items);
}

const CALLABLES: Readonly<Record<string, PyCallable>> = {
  'torch._utils._rebuild_tensor': rebuildTensor,
  'torch._utils._rebuild_tensor_v2': rebuildTensor,
  'torch._utils._rebuild_parameter': firstTensor,
  'torch._utils._rebuild_parameter_with_state': firstTensor,
  'torch._tensor._rebuild_from_type_v2': rebuildFromType,
  'torch.Size': (args) => new PyTuple(intList(args[0] ?? new PyTuple([]), 'torch.Size')),
  'torch.device': (args) => String(args[0]),
  'collections.OrderedDict': orderedDict,
  'builtins.set': setOf,
  'builtins.frozenset': setOf,
  'builtins.slice': (args) => new PyTuple(args),
  '_codecs.encode': codecsEncode,
  'numpy.core.multiarray._reconstruct': reconstructArray,
  'numpy.core.multiarray.scalar': numpyScalar,
  'numpy.core.numeric._frombuffer': fromBuffer,
  'numpy.dtype': (args) => new NumpyDTypeValue(numpyDType(typeof args[0] === 'string' ? args[0] : '?')),
};

/** Field names of a record class, for turning a PyObject into named entries. */
export function recordFields(className: string): string[] {
  return RECORD_CLASSES[className] ?? [];
}
