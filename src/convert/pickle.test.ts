import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, readRawTensors } from './checkpoint.ts';
import { CorruptCheckpointError, UnsafePickleError, UnsupportedCheckpointError } from './errors.ts';
import { readNpy } from './numpy.ts';
import { unpickle } from './pickle.ts';
import { NdArray, type PyBytes, type PyDict, type PyTuple } from './py-values.ts';
import { ndarrayToEntry } from './tensors.ts';
import { PWNED_MARKER, pythonTorchUnavailable, readFixture } from './test-fixtures.ts';

/** Builds pickle bytes from text (latin-1) and byte-array parts. */
function pk(...parts: Array<string | number[]>): Uint8Array {
  const bytes: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') for (const ch of part) bytes.push(ch.charCodeAt(0));
    else bytes.push(...part);
  }
  return Uint8Array.from(bytes);
}

const shortUnicode = (s: string) => [0x8c, s.length, ...[...s].map((c) => c.charCodeAt(0))];

describe('restricted unpickler refuses code', () => {
  it.each([
    ['GLOBAL os system (protocol 0)', pk("cos\nsystem\n(S'touch /tmp/x'\ntR."), 'refused global os.system'],
    [
      'GLOBAL builtins eval (protocol 2)',
      pk([0x80, 2], 'cbuiltins\neval\n', ')R.'),
      'refused global builtins.eval',
    ],
    ['GLOBAL __builtin__ exec (Python 2)', pk('c__builtin__\nexec\n)R.'), 'refused global __builtin__.exec'],
    ['GLOBAL posix system', pk([0x80, 2], 'cposix\nsystem\n.'), 'refused global posix.system'],
    [
      'STACK_GLOBAL os system (protocol 4)',
      pk([0x80, 4], shortUnicode('os'), shortUnicode('system'), [0x93], ')R.'),
      'refused global os.system',
    ],
    [
      'STACK_GLOBAL through the memo',
      pk(
        [0x80, 4],
        shortUnicode('subprocess'),
        [0x94],
        shortUnicode('Popen'),
        [0x94, 0x68, 0, 0x68, 1, 0x93],
        '.',
      ),
      'refused global subprocess.Popen',
    ],
    [
      'an allow-listed module with a foreign name',
      pk([0x80, 2], 'ctorch._utils\n_load_global_deps\n.'),
      'refused global torch._utils._load_global_deps',
    ],
    ['numpy.load', pk([0x80, 2], 'cnumpy\nload\n.'), 'refused global numpy.load'],
    [
      'REDUCE of an allow-listed non-callable',
      pk([0x80, 2], 'ctorch\nFloatStorage\n)R.'),
      'refused call of global torch.FloatStorage',
    ],
    ['REDUCE of a non-global', pk([0x80, 2], shortUnicode('x'), ')R.'), 'refused call of a non-global'],
    ['INST opcode', pk('(ios\nsystem\n.'), 'refused opcode 0x69'],
    [
      '_codecs.encode with a codec other than latin-1',
      pk([0x80, 2], 'c_codecs\nencode\n', shortUnicode('x'), shortUnicode('rot13'), [0x86], 'R.'),
      'refused _codecs.encode with encoding rot13',
    ],
  ])('%s', (_, bytes, message) => {
    expect(() => unpickle(bytes)).toThrow(UnsafePickleError);
    expect(() => unpickle(bytes)).toThrow(message);
  });

  const skip = pythonTorchUnavailable();
  it.skipIf(skip !== null).each([
    ['evil-os-system-p0.pkl', 'refused global posix.system'],
    ['evil-os-system-p2.pkl', 'refused global posix.system'],
    ['evil-os-system-p4.pkl', 'refused global posix.system'],
    ['evil-eval-p2.pkl', 'refused global __builtin__.eval'], // protocol 2 writes Python 2 module names
    ['evil-eval-p4.pkl', 'refused global builtins.eval'],
    ['evil-getattr-p4.pkl', 'refused global builtins.getattr'],
    ['evil-zip.pth', 'refused global posix.system'],
  ])('python-made %s is refused (%s) and runs nothing', (file, message) => {
    // Python pickles os.system under its real module name, posix.
    expect(() => readCheckpoint(readFixture(file))).toThrow(message);
    expect(() => readCheckpoint(readFixture(file))).toThrow(UnsafePickleError);
    expect(existsSync(PWNED_MARKER)).toBe(false);
  });
});

describe('restricted unpickler reads data', () => {
  it('reads nested containers, memo references and integers of every width', () => {
    // {'a': [1, -2, 300, 2**40, None, True], 'b': ('x', 1.5), 'c': <memo 1, the same list>} (protocol 2).
    const good = pk(
      [0x80, 2, 0x7d, 0x71, 0, 0x28],
      shortUnicode('a'),
      [0x5d, 0x71, 1, 0x28, 0x4b, 1, 0x4a, 0xfe, 0xff, 0xff, 0xff, 0x4d, 0x2c, 0x01],
      [0x8a, 6, 0, 0, 0, 0, 0, 1, 0x4e, 0x88, 0x65],
      shortUnicode('b'),
      shortUnicode('x'),
      [0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x86, 0x75],
      shortUnicode('c'),
      [0x68, 1],
      [0x73],
      '.',
    );
    const value = unpickle(good).value as PyDict;
    expect(value.get('a')).toEqual([1, -2, 300, 2 ** 40, null, true]);
    expect((value.get('b') as PyTuple).items).toEqual(['x', 1.5]);
    expect(value.get('c')).toBe(value.get('a'));
  });

  it('decodes protocol-2 bytes (_codecs.encode of latin-1 text), long texts included', () => {
    const encode = (text: string) => {
      const utf8 = new TextEncoder().encode(text);
      const len = [
        utf8.length & 0xff,
        (utf8.length >> 8) & 0xff,
        (utf8.length >> 16) & 0xff,
        utf8.length >>> 24,
      ];
      return new Uint8Array([
        ...pk([0x80, 2], 'c_codecs\nencode\n', [0x58, ...len]),
        ...utf8,
        ...pk(shortUnicode('latin1'), [0x86], 'R.'),
      ]);
    };
    const sample = Array.from({ length: 100_000 }, (_, i) => String.fromCharCode((i * 7) % 256)).join('');
    for (const text of ['short \u00e9\u00ff\u0000', sample]) {
      const value = unpickle(encode(text)).value as PyBytes;
      expect([...value.bytes]).toEqual([...text].map((c) => c.charCodeAt(0)));
    }
    expect(() => unpickle(encode(`${sample}\u0100`))).toThrow(/above U\+00FF/);
    expect(() => unpickle(encode('\u20ac'))).toThrow(/above U\+00FF/);
  });

  it.each([
    ['an empty input', pk()],
    ['a pickle without STOP', pk([0x80, 2, 0x4b, 1])],
    ['a string longer than the input', pk([0x80, 2, 0x58, 0xff, 0xff, 0, 0], 'abc')],
    ['a memo miss', pk([0x80, 2, 0x68, 9, 0x2e])],
    ['a stack underflow', pk([0x80, 2, 0x52, 0x2e])],
  ])('refuses %s with a CorruptCheckpointError', (_, bytes) => {
    expect(() => unpickle(bytes)).toThrow(CorruptCheckpointError);
  });

  it('refuses out-of-band buffers and unknown opcodes as unsupported', () => {
    expect(() => unpickle(pk([0x80, 5, 0x97, 0x2e]))).toThrow(UnsupportedCheckpointError);
    expect(() => unpickle(pk([0x80, 2, 0xff]))).toThrow(/unsupported pickle opcode 0xff/);
  });

  const skip = pythonTorchUnavailable();
  it.skipIf(skip !== null).each([2, 4, 5])('rebuilds numpy arrays pickled with protocol %i', (protocol) => {
    const tensors = readRawTensors(readFixture(`numpy.p${protocol}.pkl`)).tensors;
    expect(tensors.get('a')).toEqual({
      shape: [3, 4],
      data: Float32Array.from({ length: 12 }, (_, i) => i),
      dtype: 'float32',
    });
    // Fortran-ordered float64 comes back row-major.
    expect(tensors.get('f')).toEqual({
      shape: [2, 3],
      data: Float32Array.from([0, 1, 2, 3, 4, 5]),
      dtype: 'float64',
    });
    expect(tensors.get('h')).toEqual({ shape: [2], data: Float32Array.from([1.5, -2]), dtype: 'float16' });
    expect(tensors.get('i')).toEqual({ shape: [1, 3], data: Float32Array.from([1, -2, 3]), dtype: 'int64' });
    expect(tensors.get('be')).toEqual({ shape: [2], data: Float32Array.from([1.25, 3]), dtype: 'float32' });
    expect(tensors.get('s')).toEqual({ shape: [], data: Float32Array.from([4.5]), dtype: 'float32' });
  });

  it('reads .npy files (version 1 header)', () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const padded = header.padEnd(118, ' ') + '\n'; // 10-byte preamble + 118 → 128, as numpy aligns it
    const data = new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6.5]).buffer);
    const bytes = new Uint8Array([...pk([0x93], 'NUMPY', [1, 0, padded.length, 0], padded), ...data]);
    expect(readNpy(bytes)).toEqual({
      shape: [2, 3],
      data: Float32Array.from([1, 2, 3, 4, 5, 6.5]),
      dtype: 'float32',
    });
    expect(() => readNpy(bytes.subarray(0, bytes.length - 1))).toThrow(CorruptCheckpointError);
  });

  it('keeps numpy arrays it cannot convert loadable, and refuses only at conversion', () => {
    const array = new NdArray(
      { code: 'u4', dtype: null, itemSize: 4, littleEndian: true },
      [1],
      false,
      new Uint8Array(4),
    );
    expect(() => ndarrayToEntry(array)).toThrow(UnsupportedCheckpointError);
  });
});
