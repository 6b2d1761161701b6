// GemmEngine.run's shared chunks (gemm.ts): every thread, the caller included, claims chunks from one counter
// until none is left. These tests use a tiny module instead of the kernels, so they check the claiming itself:
// each unit runs exactly once whatever the thread count, chunks keep the caller's multiple, and a call that
// traps on any thread rejects the run without breaking the engine.

import { afterAll, describe, expect, it } from 'vitest';
import { GemmEngine } from './gemm.ts';
import { checkGemmSharing } from './sharing-check.ts';
import { I32, op, wasmModule } from './wasm-bytes.ts';

const FIRST = 0;
const COUNT = 1;
const BAD = 2;
const I = 3; // count's loop index (trap has the same three parameters)

/** count(first, n, _): adds 1 to the i32 at 4·i for each i in [first, first + n). */
const countFunction = {
  name: 'count',
  params: 3,
  locals: [{ count: 1, type: I32 }],
  body: [
    ...[...op.get(FIRST), ...op.set(I), ...op.block, ...op.loop],
    ...[...op.get(I), ...op.get(FIRST), ...op.get(COUNT), ...op.i32Add, ...op.i32GeU, ...op.brIf(1)],
    ...[...op.get(I), ...op.i32(4), ...op.i32Mul],
    ...[...op.get(I), ...op.i32(4), ...op.i32Mul, ...op.i32Load(0)],
    ...[...op.i32(1), ...op.i32Add, ...op.i32Store(0)],
    ...[...op.get(I), ...op.i32(1), ...op.i32Add, ...op.set(I), ...op.br(0), ...op.end, ...op.end],
  ],
};

/** trap(first, n, bad): traps when bad is in [first, first + n). */
const trapFunction = {
  name: 'trap',
  params: 3,
  locals: [{ count: 1, type: I32 }],
  body: [
    ...[...op.get(BAD), ...op.get(FIRST), ...op.i32GeU],
    ...[...op.get(BAD), ...op.get(FIRST), ...op.get(COUNT), ...op.i32Add, ...op.i32LtU, ...op.i32And],
    ...[...op.if, ...op.unreachable, ...op.end],
  ],
};

const UNITS = 5000;

async function setUp(threads: number) {
  const engine = await GemmEngine.create({ threads, tileRows: 4 });
  if (!engine) throw new Error('this Node has no WebAssembly SIMD');
  const module = await WebAssembly.compile(wasmModule([countFunction, trapFunction], true) as BufferSource);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const id = engine.newId();
  engine.attach(id, memory, module);
  const kernel = instance.exports as Record<string, (...args: number[]) => void>;
  const counts = new Int32Array(memory.buffer, 0, UNITS);
  return { engine, id, kernel, counts };
}

describe('GemmEngine.run: chunks claimed from a shared counter', () => {
  const engines: GemmEngine[] = [];
  afterAll(() => {
    for (const e of engines) e.dispose();
  });

  for (const threads of [1, 2, 3]) {
    it(`runs every unit exactly once on ${threads} thread(s), in chunks of the caller's multiple`, async () => {
      const { engine, id, kernel, counts } = await setUp(threads);
      engines.push(engine);
      for (const multiple of [1, 7, UNITS]) {
        const shares: [number, number][] = [];
        await engine.run(
          id,
          kernel,
          UNITS,
          (first, count) => {
            shares.push([first, count]);
            return [{ fn: 'count', args: [first, count, 0] }];
          },
          multiple,
        );
        for (const [first, count] of shares) {
          expect(first % multiple).toBe(0);
          expect(count % multiple === 0 || first + count === UNITS).toBe(true);
        }
        expect(shares.length).toBe(threads === 1 ? 1 : Math.ceil(UNITS / shares[0][1]));
      }
      expect(counts.every((c) => c === 3)).toBe(true);
    });
  }

  it('rejects when a call traps, on whichever thread ran it, and keeps working afterwards', async () => {
    const { engine, id, kernel, counts } = await setUp(2);
    engines.push(engine);
    // The trapping unit sits in the first chunk (the caller claims it first) or the last (a helper's).
    for (const bad of [0, UNITS - 1]) {
      const run = engine.run(id, kernel, UNITS, (first, count) => [
        { fn: 'count', args: [first, count, 0] },
        { fn: 'trap', args: [first, count, bad] },
      ]);
      await expect(run).rejects.toThrow(/unreachable/);
    }
    counts.fill(0);
    await engine.run(id, kernel, UNITS, (first, count) => [{ fn: 'count', args: [first, count, 0] }]);
    expect(counts.every((c) => c === 1)).toBe(true);
  });
});

describe('checkGemmSharing', () => {
  it('finds the helper threads taking part, with the same bits every time', async () => {
    const engine = await GemmEngine.create({ threads: 2, tileRows: 4 });
    if (!engine) throw new Error('this Node has no WebAssembly SIMD');
    try {
      const check = await checkGemmSharing(engine);
      expect(check.threads).toBe(2);
      expect(check.byHelpers).toBeGreaterThan(0);
      expect(check.identical).toBe(true);
    } finally {
      engine.dispose();
    }
  });
});
