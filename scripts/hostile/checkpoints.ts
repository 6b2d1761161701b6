// Hostile checkpoints: pickles, torch zips and safetensors files that attack the readers' work and memory.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deflate, zipSync } from 'fflate';
import { crc32 } from '../../src/convert/zip.ts';
import { PickleWriter } from './pickle.ts';
import type { HostileCase } from './types.ts';

const RESNET18_KEYS: string[] = (() => {
  const keys = ['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var'];
  for (let l = 1; l <= 4; l++) {
    for (let b = 0; b < 2; b++) {
      for (let c = 1; c <= 2; c++) {
        keys.push(`layer${l}.${b}.conv${c}.weight`);
        for (const p of ['weight', 'bias', 'running_mean', 'running_var'])
          keys.push(`layer${l}.${b}.bn${c}.${p}`);
      }
    }
  }
  return keys;
})();

interface TensorSpec {
  name: string;
  storage: string;
  numel: number;
  shape: number[];
}

/** data.pkl of a torch zip: {name: _rebuild_tensor_v2(storage, 0, shape, stride, False, OrderedDict())}. */
function statePickle(tensors: TensorSpec[]): Uint8Array {
  const w = new PickleWriter().proto(2).emptyDict();
  for (const t of tensors) {
    const stride = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    w.str(t.name).global('torch._utils', '_rebuild_tensor_v2').mark();
    w.mark()
      .str('storage')
      .global('torch', 'FloatStorage')
      .str(t.storage)
      .str('cpu')
      .int(t.numel)
      .tuple()
      .binpersid();
    w.int(0).mark();
    for (const d of t.shape) w.int(d);
    w.tuple().mark();
    for (const s of stride) w.int(s);
    w.tuple().none().global('collections', 'OrderedDict').emptyTuple().reduce();
    w.tuple().reduce().setitem();
  }
  return w.stop().bytes();
}

/** Streams `total` zero bytes through a DEFLATE compressor in 1 MiB pushes (bounded memory). */
function deflatedZeros(total: number): Uint8Array {
  return deflatedSparse(total, 0);
}

/** Zeros with a 1 every `gap` bytes (none when 0), DEFLATE-compressed in 1 MiB pushes. */
function deflatedSparse(total: number, gap: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const d = new Deflate({ level: 6 }, (chunk) => parts.push(chunk));
  const block = new Uint8Array(2 ** 20);
  if (gap > 0) for (let i = 0; i < block.length; i += gap) block[i] = 1;
  for (let done = 0; done < total; done += block.length)
    d.push(block.subarray(0, Math.min(block.length, total - done)), done + block.length >= total);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const u32le = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const setU32 = (b: Uint8Array, at: number, v: number) =>
  new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);

/** Offsets of central-directory records (signature PK\1\2). */
function centralRecords(zip: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) if (u32le(zip, i) === 0x02014b50) out.push(i);
  return out;
}

function localRecords(zip: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) if (u32le(zip, i) === 0x04034b50) out.push(i);
  return out;
}

/** A raw DEFLATE-entry zip whose entry `name` holds `raw` deflate data but declares `size` bytes. */
function zipWithRawDeflate(
  files: Record<string, Uint8Array>,
  name: string,
  raw: Uint8Array,
  size: number,
  crc?: number,
): Uint8Array {
  // Build with a placeholder stored entry of raw's length, then turn it into a deflate entry in place.
  const zip = zipSync({ ...files, [name]: raw }, { level: 0 });
  const names = Object.keys({ ...files, [name]: raw });
  const index = names.indexOf(name);
  const local = localRecords(zip)[index];
  const central = centralRecords(zip)[index];
  for (const [at, methodAt, sizeAt] of [
    [local, 8, 22],
    [central, 10, 24],
  ] as const) {
    zip[at + methodAt] = 8;
    zip[at + methodAt + 1] = 0;
    setU32(zip, at + sizeAt, size);
    if (crc !== undefined) setU32(zip, at + sizeAt - 8, crc);
  }
  return zip;
}

function pickleDag(depth: number, width: number, record = false): Uint8Array {
  // Level 0 is a dict holding one numpy scalar; level k is a dict (or a record whose state is one) of
  // `width` keys all pointing at level k−1 (memo-shared): width^depth paths to the one scalar.
  const w = new PickleWriter().proto(2).emptyDict().str('w').numpyScalar().setitem().put(0);
  for (let k = 1; k <= depth; k++) {
    if (record) w.global('argparse', 'Namespace').emptyTuple().reduce();
    w.emptyDict().mark();
    for (let i = 0; i < width; i++) w.str(`k${i}`).get(k - 1);
    w.setitems();
    if (record) w.build();
    w.put(k);
  }
  return w.stop().bytes();
}

/** The headline pickle: dicts sharing their children, 4 per level, 20 levels (4^20 key paths). */
export function sharedChildrenPickle(): Uint8Array {
  return pickleDag(20, 4);
}

export function checkpointCases(dir: string): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (id: string, what: string, bytes: Uint8Array, mentions: string[], ext = '.pth') => {
    const file = join(dir, `${id}${ext}`);
    writeFileSync(file, bytes);
    cases.push({
      id,
      kind: 'checkpoint',
      what,
      argv: ['convert', file, '--out', join(dir, `${id}.out`)],
      outcome: 'error',
      mentions: [`${id}${ext}`, ...mentions],
    });
  };

  add(
    'dag-4x20',
    'dicts sharing their children, 4 per level, 20 levels (4^20 paths)',
    pickleDag(20, 4),
    ['CheckpointTooLargeError', 'work budget'],
    '.pkl',
  );
  add(
    'dag-2x24',
    'dicts sharing their children, 2 per level, 24 levels',
    pickleDag(24, 2),
    ['CheckpointTooLargeError'],
    '.pkl',
  );
  add(
    'dag-4x60',
    'dicts sharing their children, 4 per level, 60 levels (deeper than any tree is walked)',
    pickleDag(60, 4),
    ['CheckpointError', 'no tensors'],
    '.pkl',
  );
  add(
    'dag-records',
    'argparse records whose states share their children, 4 per level, 20 levels',
    pickleDag(20, 4, true),
    ['CheckpointTooLargeError'],
    '.pkl',
  );
  add(
    'dag-16x8',
    'dicts sharing their children, 16 per level, 8 levels',
    pickleDag(8, 16),
    ['CheckpointTooLargeError'],
    '.pkl',
  );

  {
    // A 100,000-item list passed to OrderedDict 100,000 times: 10^10 steps of argument walking.
    const w = new PickleWriter().proto(2).int(0).int(0).tuple2().put(2).emptyList().put(0).mark();
    for (let i = 0; i < 100_000; i++) w.get(2);
    w.appends();
    w.emptyList().put(1).mark();
    for (let i = 0; i < 100_000; i++) w.global('collections', 'OrderedDict').get(0).tuple1().reduce();
    w.appends().stop();
    add(
      'call-amplify',
      'one 100,000-item list passed to 100,000 calls',
      w.bytes(),
      ['CheckpointTooLargeError', 'work budget'],
      '.pkl',
    );
  }
  {
    // Tuple keys nested 8 deep, each level repeating the one below 50 times: 50^8 characters as text.
    const w = new PickleWriter().proto(2).int(1).put(0);
    for (let k = 1; k <= 8; k++) {
      w.mark();
      for (let i = 0; i < 50; i++) w.get(k - 1);
      w.tuple().put(k);
    }
    w.emptyDict().get(8).int(0).setitem().stop();
    add(
      'tuple-key',
      'a dict key of shared tuples nested 8 deep (50^8 characters as text)',
      w.bytes(),
      ['CheckpointError', 'no tensors'],
      '.pkl',
    );
  }
  add(
    'os-system',
    'a pickle calling os.system',
    new PickleWriter()
      .proto(2)
      .global('os', 'system')
      .str('touch /tmp/pwned')
      .tuple1()
      .reduce()
      .stop()
      .bytes(),
    ['UnsafePickleError', 'os.system'],
    '.pkl',
  );
  add(
    'eval',
    'a pickle calling builtins.eval',
    new PickleWriter().proto(2).global('builtins', 'eval').str('1+1').tuple1().reduce().stop().bytes(),
    ['UnsafePickleError', 'eval'],
    '.pkl',
  );
  add(
    'posix-system',
    'a pickle calling posix.system',
    new PickleWriter().proto(2).global('posix', 'system').str('id').tuple1().reduce().stop().bytes(),
    ['UnsafePickleError'],
    '.pkl',
  );
  add(
    'subprocess',
    'a pickle building subprocess.Popen',
    new PickleWriter().proto(2).global('subprocess', 'Popen').str('id').tuple1().reduce().stop().bytes(),
    ['UnsafePickleError'],
    '.pkl',
  );
  {
    const key = `\u001b[31m${'A'.repeat(20 * 2 ** 20)}`;
    add(
      'escape-key',
      'a 20 MB key starting with a terminal escape code',
      new PickleWriter().proto(2).emptyDict().str(key).global('os', 'system').setitem().stop().bytes(),
      ['UnsafePickleError'],
      '.pkl',
    );
  }
  add(
    'lying-length',
    'a string declaring 4 GB that the file does not hold',
    new PickleWriter().proto(2).strHeader(0xfffffff0).stop().bytes(),
    ['CorruptCheckpointError', 'truncated'],
    '.pkl',
  );
  add(
    'truncated-pickle',
    'a pickle cut in the middle',
    statePickle([{ name: 'conv1.weight', storage: '0', numel: 4, shape: [4] }]).subarray(0, 60),
    ['CorruptCheckpointError'],
    '.pkl',
  );
  add('empty', 'an empty file', new Uint8Array(0), ['UnsupportedCheckpointError', 'empty']);
  add(
    'random',
    'random bytes',
    Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24),
    ['CheckpointError'],
  );
  {
    const w = new PickleWriter().proto(2).emptyDict().str('w').numpyScalar().setitem().put(0);
    for (let i = 0; i < 10; i++)
      w.emptyDict()
        .str(`${'k'.repeat(60_000)}${i}`)
        .get(i)
        .setitem()
        .put(i + 1);
    add(
      'long-path',
      'keys of 60,000 characters nested 10 deep',
      w.stop().bytes(),
      ['CorruptCheckpointError', 'key path'],
      '.pkl',
    );
  }
  {
    const w = new PickleWriter()
      .proto(2)
      .emptyDict()
      .str('conv1.weight')
      .global('torch._utils', '_rebuild_tensor_v2')
      .mark();
    w.mark()
      .str('storage')
      .global('torch', 'FloatStorage')
      .str('0')
      .str('cpu')
      .int(2 ** 31 - 1)
      .tuple()
      .binpersid();
    w.int(0)
      .mark()
      .int(2 ** 31 - 1)
      .tuple()
      .mark()
      .int(1)
      .tuple()
      .tuple()
      .reduce()
      .setitem()
      .stop();
    const zip = zipSync(
      { 'archive/data.pkl': w.bytes(), 'archive/data/0': new Uint8Array(16) },
      { level: 0 },
    );
    add('storage-size-lie', 'a storage declaring 2^31 elements over 16 bytes of data', zip, [
      'CorruptCheckpointError',
      'archive/data/0',
    ]);
  }
  {
    // One 64 MiB storage under every ResNet-18 key, compressed just under the 1000× ratio cap (~100 KB).
    const numel = 2 ** 24;
    let gap = 2 ** 16;
    let data = deflatedSparse(numel * 4, gap);
    while ((numel * 4) / data.length > 900 && gap > 64) data = deflatedSparse(numel * 4, (gap >>= 1));
    const whole = new Uint8Array(numel * 4);
    for (let i = 0; i < whole.length; i += gap) whole[i] = 1;
    const tensors = RESNET18_KEYS.map((name) => ({ name, storage: '0', numel, shape: [4096, 4096] }));
    const zip = zipWithRawDeflate(
      { 'archive/data.pkl': statePickle(tensors) },
      'archive/data/0',
      data,
      numel * 4,
      crc32(whole),
    );
    // Every key is 4096×4096, which no ResNet layer is: the layout search (shapes only, nothing decoded)
    // refuses it before a byte is materialised. The memory budget itself is exercised by the cases below and
    // by src/convert's budget tests.
    add('shared-storage', 'one 64 MiB storage reused under 85 keys (5.4 GB as tensors)', zip, [
      'LayoutNotFoundError',
      'no known backbone',
    ]);
  }
  {
    // Two entries declaring ~2 GiB each, within the 1000× ratio cap (2.2 MB of compressed data each).
    // 1.5 GiB each: 3 GiB in all stays under the zip's 4 GiB total, so the memory budget is what refuses it.
    const numel = 3 * 2 ** 27;
    const raw = Uint8Array.from({ length: 2_200_000 }, (_, i) => (i * 2654435761) >>> 24);
    const pkl = statePickle([
      { name: 'conv1.weight', storage: '0', numel, shape: [numel] },
      { name: 'bn1.weight', storage: '1', numel, shape: [numel] },
    ]);
    let zip = zipWithRawDeflate(
      { 'archive/data.pkl': pkl, 'archive/data/1': raw },
      'archive/data/0',
      raw,
      numel * 4,
    );
    const central = centralRecords(zip)[1];
    const local = localRecords(zip)[1];
    zip[local + 8] = 8;
    zip[central + 10] = 8;
    setU32(zip, local + 22, numel * 4);
    setU32(zip, central + 24, numel * 4);
    zip = zip.slice();
    add('two-big-entries', 'two DEFLATE entries declaring 1.5 GiB each, within the ratio cap', zip, [
      'CheckpointTooLargeError',
      'memory budget',
    ]);
  }
  {
    // Declares 1 MiB, inflates to 64 MiB.
    const numel = 2 ** 18;
    const zip = zipWithRawDeflate(
      { 'archive/data.pkl': statePickle([{ name: 'conv1.weight', storage: '0', numel, shape: [numel] }]) },
      'archive/data/0',
      deflatedZeros(64 * 2 ** 20),
      numel * 4,
    );
    add('inflate-past', 'an entry declaring 1 MiB whose data inflates to 64 MiB', zip, [
      'CheckpointTooLargeError',
      'archive/data/0',
    ]);
  }
  {
    const pkl = statePickle([
      { name: 'conv1.weight', storage: '0', numel: 4, shape: [4] },
      { name: 'bn1.weight', storage: '1', numel: 4, shape: [4] },
    ]);
    const zip = zipSync(
      { 'archive/data.pkl': pkl, 'archive/data/0': new Uint8Array(16), 'archive/data/1': new Uint8Array(16) },
      { level: 0 },
    );
    const overlap = zip.slice();
    const centrals = centralRecords(overlap);
    setU32(overlap, centrals[2] + 42, u32le(overlap, centrals[1] + 42));
    add('zip-overlap', 'two zip entries pointing at the same bytes', overlap, [
      'CorruptCheckpointError',
      'overlaps',
    ]);
    const dup = zip.slice();
    for (const at of [...centralRecords(dup).slice(2), ...localRecords(dup).slice(2)]) {
      const nameAt = at + (u32le(dup, at) === 0x02014b50 ? 46 : 30);
      dup[nameAt + 'archive/data/'.length] = '0'.charCodeAt(0);
    }
    add('zip-duplicate', 'a zip listing the same entry name twice', dup, [
      'CorruptCheckpointError',
      'listed twice',
    ]);
    add('zip-truncated', 'a torch zip cut short', zip.subarray(0, zip.length - 30), [
      'CorruptCheckpointError',
    ]);
  }
  {
    // safetensors: 2,000 tensors over one 4 MiB region.
    const header: Record<string, unknown> = {};
    for (let i = 0; i < 2000; i++)
      header[`layer1.0.conv1.weight.${i}`] = {
        dtype: 'F32',
        shape: [2 ** 20],
        data_offsets: [0, 4 * 2 ** 20],
      };
    add(
      'st-overlap',
      'a safetensors header listing one 4 MiB region 2,000 times',
      safetensors(header, 4 * 2 ** 20),
      ['CorruptCheckpointError', 'overlaps'],
      '.safetensors',
    );
    add(
      'st-huge-shape',
      'a safetensors tensor of shape [2^20, 2^20]',
      safetensors({ 'conv1.weight': { dtype: 'F32', shape: [2 ** 20, 2 ** 20], data_offsets: [0, 16] } }, 16),
      ['CheckpointTooLargeError', 'exceeds'],
      '.safetensors',
    );
    add(
      'st-outside',
      'a safetensors tensor past the end of the data',
      safetensors({ 'conv1.weight': { dtype: 'F32', shape: [4], data_offsets: [0, 4096] } }, 16),
      ['CorruptCheckpointError', 'conv1.weight'],
      '.safetensors',
    );
    add(
      'st-dtype',
      'a safetensors tensor of an unknown dtype',
      safetensors({ 'conv1.weight': { dtype: 'X99', shape: [4], data_offsets: [0, 16] } }, 16),
      ['UnsupportedCheckpointError', 'conv1.weight'],
      '.safetensors',
    );
    const big = new Uint8Array(8 + 17 * 2 ** 20);
    new DataView(big.buffer).setBigUint64(0, BigInt(17 * 2 ** 20), true);
    big[8] = 0x7b;
    add(
      'st-big-header',
      'a safetensors header of 17 MiB',
      big,
      ['CheckpointTooLargeError', 'header'],
      '.safetensors',
    );
  }
  add(
    'legacy-junk',
    'a legacy torch magic number followed by junk',
    Uint8Array.from([0x80, 0x02, 0x8a, 0x0a, 1, 2, 3, 4, 5]),
    ['CorruptCheckpointError'],
  );
  return cases;
}

function safetensors(header: Record<string, unknown>, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}
