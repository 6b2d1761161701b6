// A minimal, defensive ZIP reader for PyTorch ≥ 1.6 checkpoints (`<name>/data.pkl` + `<name>/data/<N>`).
// torch writes STORED entries, so reading is mostly slicing; DEFLATE is inflated in small pushes with
// a hard output cap, so a zip bomb (lying or honest) is refused after at most one chunk of excess work.

import { Inflate } from 'fflate';
import type { ReadBudget } from './budget.ts';
import { ByteReader } from './byte-reader.ts';
import { CheckpointTooLargeError, CorruptCheckpointError, UnsupportedCheckpointError } from './errors.ts';

export interface ZipLimits {
  /** Largest uncompressed entry (default 2 GiB). */
  maxEntryBytes: number;
  /** Largest sum of uncompressed entries (default 4 GiB). */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of a DEFLATE entry (default 1000). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: 2 ** 31,
  maxTotalBytes: 2 ** 32,
  maxRatio: 1000,
};

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
  /** Where the entry's (compressed) data starts, from its local header. */
  dataOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const STORED = 0;
const DEFLATE = 8;

export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  );
}

function corrupt(message: string): never {
  throw new CorruptCheckpointError(`zip: ${message}`);
}

function findEndOfCentralDirectory(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIG) return at;
  }
  return corrupt('no end-of-central-directory record (truncated file?)');
}

interface Directory {
  count: number;
  size: number;
  offset: number;
}

function readZip64Directory(bytes: Uint8Array, eocd: number): Directory {
  if (eocd < 20) corrupt('zip64 locator missing');
  const locator = new ByteReader(bytes, 'zip64 locator', eocd - 20);
  if (locator.u32() !== ZIP64_LOCATOR_SIG) corrupt('zip64 locator missing');
  locator.u32();
  const record = new ByteReader(bytes, 'zip64 directory', locator.u64());
  if (record.u32() !== ZIP64_EOCD_SIG) corrupt('zip64 end record missing');
  record.take(20); // size of record, versions, disk numbers
  record.u64(); // entries on this disk
  const count = record.u64();
  const size = record.u64();
  return { count, size, offset: record.u64() };
}

function readDirectoryLocation(bytes: Uint8Array): Directory {
  const eocd = findEndOfCentralDirectory(bytes);
  const r = new ByteReader(bytes, 'zip end record', eocd + 4);
  r.u16(); // disk
  r.u16(); // disk with directory
  r.u16(); // entries on this disk
  const count = r.u16();
  const size = r.u32();
  const offset = r.u32();
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff)
    return readZip64Directory(bytes, eocd);
  return { count, size, offset };
}

function applyZip64Extra(entry: ZipEntry, extra: Uint8Array): void {
  const r = new ByteReader(extra, 'zip64 extra field');
  while (r.remaining >= 4) {
    const id = r.u16();
    const field = new ByteReader(r.take(r.u16()), 'zip64 extra field');
    if (id !== 0x0001) continue;
    // Only the fields whose 32-bit slots overflowed are present, in this order.
    if (entry.size === 0xffffffff) entry.size = field.u64();
    if (entry.compressedSize === 0xffffffff) entry.compressedSize = field.u64();
    if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = field.u64();
  }
}

function readCentralEntry(r: ByteReader): ZipEntry {
  if (r.u32() !== CENTRAL_SIG) corrupt('bad central directory entry');
  r.take(4); // versions
  const flags = r.u16();
  if (flags & 1) throw new UnsupportedCheckpointError('zip: encrypted entries are not supported');
  const method = r.u16();
  r.take(4); // time, date
  const crc32 = r.u32();
  const compressedSize = r.u32();
  const size = r.u32();
  const nameLength = r.u16();
  const extraLength = r.u16();
  const commentLength = r.u16();
  r.take(8); // disk, internal attrs, external attrs
  const localHeaderOffset = r.u32();
  const name = new TextDecoder().decode(r.take(nameLength));
  const entry: ZipEntry = { name, method, compressedSize, size, crc32, localHeaderOffset, dataOffset: -1 };
  applyZip64Extra(entry, r.take(extraLength));
  r.take(commentLength);
  return entry;
}

export interface ReadEntryOptions {
  /** The size the caller's own metadata declares (a storage's numel × itemSize): the entry must match it. */
  expectedSize?: number;
  /** Charged for a DEFLATE entry's output before it is allocated. */
  budget?: ReadBudget;
}

export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  ) {
    const dir = readDirectoryLocation(bytes);
    if (dir.offset + dir.size > bytes.length)
      corrupt('central directory lies past the end (truncated file?)');
    if (dir.count > dir.size / 46) corrupt('central directory count exceeds its size');
    const r = new ByteReader(bytes.subarray(dir.offset, dir.offset + dir.size), 'zip central directory');
    let total = 0;
    for (let i = 0; i < dir.count; i++) {
      const entry = readCentralEntry(r);
      this.checkDeclaredSize(entry);
      total += entry.size;
      if (total > limits.maxTotalBytes) {
        throw new CheckpointTooLargeError(`zip: entries declare over ${limits.maxTotalBytes} bytes in total`);
      }
      if (this.entries.has(entry.name)) corrupt(`${entry.name}: listed twice in the central directory`);
      entry.dataOffset = this.locateData(entry);
      this.entries.set(entry.name, entry);
    }
    this.refuseOverlaps();
  }

  /**
   * Every entry must own its bytes: entries whose data ranges overlap (or repeat) let a small file stand
   * for any number of large ones, so they are refused before anything is read.
   */
  private refuseOverlaps(): void {
    const ranges = [...this.entries.values()]
      .filter((e) => e.compressedSize > 0)
      .sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    for (let i = 1; i < ranges.length; i++) {
      const prev = ranges[i - 1];
      if (ranges[i].localHeaderOffset < prev.dataOffset + prev.compressedSize) {
        corrupt(`${ranges[i].name} overlaps the bytes of ${prev.name}`);
      }
    }
  }

  private checkDeclaredSize(entry: ZipEntry): void {
    if (entry.size > this.limits.maxEntryBytes) {
      throw new CheckpointTooLargeError(
        `zip: ${entry.name} declares ${entry.size} bytes, over the ${this.limits.maxEntryBytes}-byte cap`,
      );
    }
    if (entry.method === DEFLATE && entry.size > Math.max(1, entry.compressedSize) * this.limits.maxRatio) {
      throw new CheckpointTooLargeError(
        `zip: ${entry.name} would expand ${entry.compressedSize} → ${entry.size} bytes (over ${this.limits.maxRatio}×): zip bomb?`,
      );
    }
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * The entry's bytes: a view for STORED, a fresh array for DEFLATE (inflated in pushes that stop at the
   * declared size, after the size was checked against `expectedSize` and charged to the budget). CRC-checked.
   */
  read(name: string, opts: ReadEntryOptions = {}): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) corrupt(`no entry ${name}`);
    if (opts.expectedSize !== undefined && entry.size !== opts.expectedSize) {
      corrupt(`${name} holds ${entry.size} bytes, its metadata declares ${opts.expectedSize}`);
    }
    const raw = this.bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
    let data: Uint8Array;
    if (entry.method === STORED) {
      if (entry.compressedSize !== entry.size) corrupt(`${name}: stored sizes disagree`);
      data = raw;
    } else if (entry.method === DEFLATE) {
      opts.budget?.allocate(entry.size, `zip entry ${name}`);
      data = inflateCapped(raw, entry.size, name);
    } else {
      throw new UnsupportedCheckpointError(`zip: ${name} uses compression method ${entry.method}`);
    }
    if (crc32(data) !== entry.crc32) corrupt(`${name}: CRC mismatch (corrupted file)`);
    return data;
  }

  private locateData(entry: ZipEntry): number {
    const r = new ByteReader(this.bytes, `zip local header of ${entry.name}`, entry.localHeaderOffset);
    if (r.u32() !== LOCAL_SIG) corrupt(`${entry.name}: bad local header`);
    r.take(22);
    const nameLength = r.u16();
    const extraLength = r.u16();
    r.take(nameLength + extraLength);
    if (entry.compressedSize > r.remaining)
      corrupt(`${entry.name}: data runs past the end (truncated file?)`);
    return r.pos;
  }
}

/** Inflates in 4 KiB pushes and stops as soon as the output passes the declared size. */
function inflateCapped(raw: Uint8Array, declared: number, name: string): Uint8Array {
  const out = new Uint8Array(declared);
  let written = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    if (written + chunk.length > declared) {
      throw new CheckpointTooLargeError(
        `zip: ${name} inflates past its declared ${declared} bytes: zip bomb?`,
      );
    }
    out.set(chunk, written);
    written += chunk.length;
    if (final) ended = true;
  });
  const step = 4096;
  try {
    for (let at = 0; at < raw.length; at += step) {
      inflater.push(raw.subarray(at, Math.min(at + step, raw.length)), at + step >= raw.length);
    }
    if (raw.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof CheckpointTooLargeError) throw error;
    corrupt(`${name}: bad DEFLATE data (${(error as Error).message})`);
  }
  if (!ended || written !== declared) corrupt(`${name}: inflated to ${written} of ${declared} bytes`);
  return out;
}

let crcTables: Uint32Array[] | null = null;

/** Eight 256-entry tables for slicing-by-8: eight bytes per step, about 4× the bytewise speed. */
function makeCrcTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) tables[t][n] = (tables[t - 1][n] >>> 8) ^ tables[0][tables[t - 1][n] & 0xff];
  }
  return tables;
}

export function crc32(data: Uint8Array): number {
  crcTables ??= makeCrcTables();
  const [t0, t1, t2, t3, t4, t5, t6, t7] = crcTables;
  let c = 0xffffffff;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  for (; i < end8; i += 8) {
    const a = c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    c =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[data[i + 4]] ^
      t2[data[i + 5]] ^
      t1[data[i + 6]] ^
      t0[data[i + 7]];
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
