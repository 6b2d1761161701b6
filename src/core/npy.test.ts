import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy, toFloat32Matrix, toLabels, writeNpy } from './npy.ts';

const PYTHON = '/usr/bin/python3';
const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy']).status === 0;
if (!hasNumpy) console.warn('\n!!! npy numpy-interop tests SKIPPED: /usr/bin/python3 cannot import numpy\n');

describe('npy', () => {
  it('round-trips float32 and int32 arrays', () => {
    const X = Float32Array.from([1.5, -2, 3.25, 0, 1e-30, 7]);
    const back = readNpy(writeNpy(X, [2, 3]));
    expect(back.dtype).toBe('<f4');
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(X));
    const y = Int32Array.from([3, -1, 2]);
    expect(Array.from(toLabels(readNpy(writeNpy(y, [3]))))).toEqual([3, -1, 2]);
  });

  it('puts the data on a 64-byte boundary, as the format requires', () => {
    const bytes = writeNpy(new Float32Array(4), [4]);
    const headerLen = bytes[8] | (bytes[9] << 8);
    expect((10 + headerLen) % 64).toBe(0);
  });

  it('rejects files that are not .npy', () => {
    expect(() => readNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toThrow(/magic/);
  });

  it.skipIf(!hasNumpy)(
    'reads what numpy writes (float64, int64, uint8) and numpy reads what we write',
    () => {
      const dir = resolve(import.meta.dirname, '../../.cache/npy-test');
      mkdirSync(dir, { recursive: true });
      const ours = join(dir, 'ours.npy');
      requireOk(
        spawnSync(PYTHON, [
          '-c',
          `import numpy as np
np.save('${dir}/f8.npy', np.arange(6, dtype=np.float64).reshape(2, 3) / 4)
np.save('${dir}/i8.npy', np.array([5, -3, 2**31 - 1], dtype=np.int64))
np.save('${dir}/u1.npy', np.array([0, 255], dtype=np.uint8))`,
        ]),
      );
      const f8 = toFloat32Matrix(readNpy(readFileSync(join(dir, 'f8.npy'))));
      expect([f8.n, f8.d]).toEqual([2, 3]);
      expect(Array.from(f8.X)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
      expect(Array.from(toLabels(readNpy(readFileSync(join(dir, 'i8.npy')))))).toEqual([5, -3, 2 ** 31 - 1]);
      expect(Array.from(readNpy(readFileSync(join(dir, 'u1.npy'))).data)).toEqual([0, 255]);
      writeFileSync(ours, writeNpy(Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]));
      const r = spawnSync(
        PYTHON,
        ['-c', `import numpy as np; a = np.load('${ours}'); print(a.dtype, a.shape, a.sum())`],
        {
          encoding: 'utf8',
        },
      );
      expect(r.stdout.trim()).toBe('float32 (3, 2) 21.0');
    },
  );
});

function requireOk(r: { status: number | null; stderr: unknown }): void {
  if (r.status !== 0) throw new Error(String(r.stderr));
}
