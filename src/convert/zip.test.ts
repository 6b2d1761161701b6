import { deflateSync, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from './checkpoint.ts';
import {
  CheckpointError,
  CheckpointTooLargeError,
  CorruptCheckpointError,
  UnsupportedCheckpointError,
} from './errors.ts';
import { readSafetensors, writeSafetensors } from './safetensors.ts';
import { pythonTorchUnavailable, readFixture } from './test-fixtures.ts';
import type { StateDict } from './types.ts';
import { crc32, ZipArchive } from './zip.ts';

interface RawEntry {
  name: string;
  method: 0 | 8;
  data: Uint8Array;
  /** What the headers claim; defaults to the truth. */
  declaredSize?: number;
  crc?: number;
}

/** A hand-made zip, so tests can write headers that lie (fflate only writes honest ones). */
function makeZip(entries: RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const size = e.declaredSize ?? e.data.length;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(8, e.method, true);
    local.setUint32(14, e.crc ?? 0, true);
    local.setUint32(18, e.data.length, true);
    local.setUint32(22, size, true);
    local.setUint16(26, name.length, true);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(10, e.method, true);
    dir.setUint32(16, e.crc ?? 0, true);
    dir.setUint32(20, e.data.length, true);
    dir.setUint32(24, size, true);
    dir.setUint16(28, name.length, true);
    dir.setUint32(42, offset, true);
    parts.push(new Uint8Array(local.buffer), name, e.data);
    central.push(new Uint8Array(dir.buffer), name);
    offset += 30 + name.length + e.data.length;
  }
  const dirSize = central.reduce((a, p) => a + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, dirSize, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('zip reader', () => {
  it('reads stored and deflated entries and checks their CRC', () => {
    const text = new TextEncoder().encode('hello checkpoint '.repeat(100));
    const zip = makeZip([
      { name: 'a/stored', method: 0, data: text, crc: crc32(text) },
      { name: 'a/deflated', method: 8, data: deflateSync(text), declaredSize: text.length, crc: crc32(text) },
      { name: 'a/bad-crc', method: 0, data: text, crc: crc32(text) ^ 1 },
    ]);
    const archive = new ZipArchive(zip);
    expect(archive.names).toEqual(['a/stored', 'a/deflated', 'a/bad-crc']);
    expect(archive.read('a/stored')).toEqual(text);
    expect(archive.read('a/deflated')).toEqual(text);
    expect(() => archive.read('a/bad-crc')).toThrow(/CRC mismatch/);
  });

  // 16 MiB of zeros deflate to about 16 KiB: DEFLATE's best case, just over 1000×.
  const zeros = new Uint8Array(16 << 20);
  const packed = deflateSync(zeros, { level: 9 });

  it('refuses an honest zip bomb by its compression ratio before inflating', () => {
    expect(zeros.length / packed.length).toBeGreaterThan(1000);
    const zip = makeZip([{ name: 'bomb/data.pkl', method: 8, data: packed, crc: crc32(zeros) }]);
    expect(() => readCheckpoint(zip)).toThrow(CheckpointTooLargeError);
    expect(() => readCheckpoint(zip)).toThrow(/zip bomb/);
  });

  it('stops a lying zip bomb as soon as it inflates past its declared size', () => {
    const zip = makeZip([{ name: 'bomb/data.pkl', method: 8, data: packed, declaredSize: 1000 }]);
    expect(() => readCheckpoint(zip)).toThrow(/inflates past its declared 1000 bytes/);
  });

  it('refuses entries that declare more than the size cap', () => {
    const zip = makeZip([
      { name: 'x/data.pkl', method: 0, data: new Uint8Array(8), declaredSize: 0xfffffff0 },
    ]);
    expect(() => new ZipArchive(zip)).toThrow(CheckpointTooLargeError);
  });

  it('refuses non-zip tails and a zip without data.pkl', () => {
    expect(() => new ZipArchive(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]))).toThrow(CorruptCheckpointError);
    const zip = makeZip([{ name: 'x/other', method: 0, data: new Uint8Array(0) }]);
    expect(() => readCheckpoint(zip)).toThrow(/no data\.pkl/);
  });
});

const skip = pythonTorchUnavailable();
if (skip) console.warn(`SKIPPING truncation tests on PyTorch-made files: ${skip}`);

function sameBits(a: StateDict, b: StateDict): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || Buffer.compare(Buffer.from(v.data.buffer), Buffer.from(w.data.buffer)) !== 0) return false;
  }
  return true;
}

describe.skipIf(skip !== null)('truncated and recompressed torch files', () => {
  it.each(['tiny-moco.zip.pth', 'tiny-moco.legacy.pth', 'resnet18-tv.zip.pth', 'resnet18-tv.legacy.pth'])(
    '%s cut at 12 points fails with a CheckpointError each time',
    (file) => {
      const bytes = readFixture(file);
      const cuts = [0, 1, 2, 10, 64, 200, 1000, 0.25, 0.5, 0.75, 0.999].map((f) =>
        f < 1 ? Math.floor(bytes.length * f) : f,
      );
      cuts.push(bytes.length - 1);
      for (const cut of cuts) {
        const attempt = () => readCheckpoint(bytes.subarray(0, cut));
        expect(attempt, `cut at ${cut}`).toThrow(CheckpointError);
      }
    },
  );

  it('honours the byteorder record of torch ≥ 2.1 files', () => {
    const entries = unzipSync(readFixture('tiny-tv.zip.pth'));
    const prefix = Object.keys(entries)[0].split('/')[0];
    const withOrder = (order: string) =>
      zipSync({ ...entries, [`${prefix}/byteorder`]: new TextEncoder().encode(order) }, { level: 0 });
    expect(readCheckpoint(withOrder('little')).report.tensors).toBe(65);
    expect(() => readCheckpoint(withOrder('big'))).toThrow(UnsupportedCheckpointError);
  });

  it('reads a torch zip whose entries were recompressed with DEFLATE', () => {
    const original = readFixture('tiny-moco.zip.pth');
    const deflated = zipSync(unzipSync(original), { level: 6 });
    expect(deflated.length).toBeLessThan(original.length);
    expect(sameBits(readCheckpoint(deflated).stateDict, readCheckpoint(original).stateDict)).toBe(true);
  });
});

describe('safetensors', () => {
  const tensors: StateDict = new Map([
    [
      'conv1.weight',
      { shape: [2, 1, 1, 2], data: Float32Array.from([1, -2, 3.5, Number.NaN]), dtype: 'float32' },
    ],
    ['bn1.bias', { shape: [3], data: Float32Array.from([0.1, 0.2, 0.3]), dtype: 'float32' }],
    ['empty', { shape: [0, 4], data: new Float32Array(0), dtype: 'float32' }],
  ]);

  it('round-trips tensors, order and metadata; the data starts 8-byte aligned', () => {
    const bytes = writeSafetensors(tensors, { format: 'pt', source: 'test' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt', source: 'test' });
    expect([...back.tensors.keys()]).toEqual(['conv1.weight', 'bn1.bias', 'empty']);
    expect(sameBits(back.tensors, tensors)).toBe(true);
  });

  function withHeader(header: string, data = new Uint8Array(16)): Uint8Array {
    const json = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  }

  it.each([
    ['offsets past the data', '{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}'],
    ['a byte range that disagrees with the shape', '{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}'],
    ['reversed offsets', '{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}'],
    ['a header that is not JSON', '{"a":'],
    ['a negative dimension', '{"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}'],
  ])('refuses %s', (_, header) => {
    expect(() => readSafetensors(withHeader(header))).toThrow(CorruptCheckpointError);
  });

  it('refuses a header length beyond the file and unsupported dtypes', () => {
    const bytes = withHeader('{}');
    new DataView(bytes.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => readSafetensors(bytes)).toThrow(CheckpointError);
    expect(() =>
      readSafetensors(withHeader('{"a":{"dtype":"U32","shape":[4],"data_offsets":[0,16]}}')),
    ).toThrow(/unsupported dtype U32/);
  });
});
