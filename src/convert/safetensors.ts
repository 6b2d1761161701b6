// safetensors: u64 header length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__?}, raw data.
// The reader checks every offset against the buffer; the writer emits float32 (what a StateDict holds).

import type { ReadBudget } from './budget.ts';
import { ByteReader, decodeUtf8 } from './byte-reader.ts';
import { CheckpointTooLargeError, CorruptCheckpointError, UnsupportedCheckpointError } from './errors.ts';
import { decodeToFloat32, elementCount, itemSize } from './tensors.ts';
import type { DType, StateDict, TensorEntry } from './types.ts';

const DTYPES: Readonly<Record<string, DType>> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

/**
 * Headers above this are refused before parsing (the format's own readers allow 100 MB; parsing that much
 * JSON of tiny objects takes gigabytes). A ResNet's header is ~30 KB, a large language model's a few MB.
 */
const MAX_HEADER_BYTES = 16 * 2 ** 20;
/** More tensors than any checkpoint has; each costs a little bookkeeping. */
const MAX_TENSORS = 200_000;

export interface SafetensorsFile {
  tensors: StateDict;
  metadata: Record<string, string>;
}

function corrupt(message: string): never {
  throw new CorruptCheckpointError(`safetensors: ${message}`);
}

/** A cheap sniff: a plausible header length followed by '{'. */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  return n > 1n && n <= BigInt(Math.min(100_000_000, bytes.length - 8)) && bytes[8] === 0x7b;
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  const r = new ByteReader(bytes, 'safetensors header');
  const n = r.u64();
  if (n > MAX_HEADER_BYTES) throw new CheckpointTooLargeError(`safetensors: header of ${n} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(decodeUtf8(r.take(n)));
  } catch (error) {
    if (error instanceof CorruptCheckpointError) throw error;
    corrupt('header is not valid JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    corrupt('header is not an object');
  return { header: header as Record<string, unknown>, dataStart: 8 + n };
}

function isIntArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v >= 0);
}

function readMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object') corrupt('__metadata__ is not an object');
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, String(v)]));
}

/** A tensor of the file, decoded only when loaded. */
export interface SafetensorsTensor {
  shape: number[];
  dtype: DType;
  load(budget?: ReadBudget): TensorEntry;
}

interface Span {
  name: string;
  begin: number;
  end: number;
}

/**
 * Each tensor must own its bytes: headers whose ranges overlap (one region listed under 2,000 names) let a
 * small file stand for an enormous one, so they are refused before anything is decoded.
 */
function refuseOverlaps(spans: Span[]): void {
  const sorted = spans.filter((s) => s.end > s.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].begin < sorted[i - 1].end) {
      corrupt(`${sorted[i].name} overlaps the bytes of ${sorted[i - 1].name}`);
    }
  }
}

/** Reads and checks the header; tensors are decoded lazily, each charged to the budget first. */
export function indexSafetensors(bytes: Uint8Array): Map<string, SafetensorsTensor> {
  const { header, dataStart } = parseHeader(bytes);
  const data = bytes.subarray(dataStart);
  const tensors = new Map<string, SafetensorsTensor>();
  const spans: Span[] = [];
  const names = Object.keys(header);
  if (names.length > MAX_TENSORS) throw new CheckpointTooLargeError(`safetensors: ${names.length} tensors`);
  for (const name of names) {
    if (name === '__metadata__') continue;
    const { dtype: code, shape, data_offsets: offsets } = (header[name] ?? {}) as Record<string, unknown>;
    const dtype = typeof code === 'string' ? DTYPES[code] : undefined;
    if (!dtype)
      throw new UnsupportedCheckpointError(`safetensors: ${name} has unsupported dtype ${String(code)}`);
    if (!isIntArray(shape) || !isIntArray(offsets) || offsets.length !== 2)
      corrupt(`${name}: bad shape or offsets`);
    const [begin, end] = offsets;
    if (begin > end || end > data.length)
      corrupt(`${name}: offsets [${begin}, ${end}] outside ${data.length} data bytes`);
    if (end - begin !== elementCount(shape) * itemSize(dtype))
      corrupt(`${name}: byte range does not match its shape`);
    spans.push({ name, begin, end });
    const load = (budget?: ReadBudget): TensorEntry => {
      budget?.allocate((end - begin) * (4 / itemSize(dtype)), `safetensors tensor ${name}`);
      return { shape: [...shape], data: decodeToFloat32(data.subarray(begin, end), dtype), dtype };
    };
    tensors.set(name, { shape: [...shape], dtype, load });
  }
  refuseOverlaps(spans);
  return tensors;
}

export function readSafetensors(bytes: Uint8Array, budget?: ReadBudget): SafetensorsFile {
  const tensors: StateDict = new Map();
  for (const [name, tensor] of indexSafetensors(bytes)) tensors.set(name, tensor.load(budget));
  const { header } = parseHeader(bytes);
  return { tensors, metadata: readMetadata(header.__metadata__) };
}

/** Serialises float32 tensors (in the map's order) with optional string metadata. */
export function writeSafetensors(tensors: StateDict, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, entry] of tensors) {
    if (entry.data.length !== elementCount(entry.shape)) {
      throw new CorruptCheckpointError(
        `safetensors writer: ${name} has ${entry.data.length} values for its shape`,
      );
    }
    header[name] = {
      dtype: 'F32',
      shape: entry.shape,
      data_offsets: [offset, offset + entry.data.byteLength],
    };
    offset += entry.data.byteLength;
  }
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let json = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces so the data starts 8-byte aligned (the format's recommendation).
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const grown = new Uint8Array(padded).fill(0x20);
    grown.set(json);
    json = grown;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const entry of tensors.values()) {
    out.set(new Uint8Array(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength), at);
    at += entry.data.byteLength;
  }
  return out;
}
