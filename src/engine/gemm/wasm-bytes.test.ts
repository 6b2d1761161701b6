import { describe, expect, it } from 'vitest';
import { op, sleb, uleb, wasmModule } from './wasm-bytes.ts';

describe('LEB128', () => {
  it('writes unsigned values as the WebAssembly spec examples do', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([127]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
  });

  it('writes signed values with the sign in the last byte', () => {
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

describe('wasmModule', () => {
  it('builds a module that validates, instantiates and computes', async () => {
    // f(a, b, c) stores a + b·c as an i32 at address 0: parameters, i32 arithmetic and the imported memory.
    const body = [...op.get(1), ...op.get(2), ...op.i32Mul, ...op.get(0), ...op.i32Add];
    const store = [0x36, 2, 0]; // i32.store align=4 offset=0
    const bytes = wasmModule(
      [{ name: 'f', params: 3, locals: [], body: [...op.i32(0), ...body, ...store] }],
      false,
    );
    expect(WebAssembly.validate(bytes as BufferSource)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const { instance } = await WebAssembly.instantiate(bytes as BufferSource, { env: { memory } });
    (instance.exports.f as (a: number, b: number, c: number) => void)(5, -7, 300);
    expect(new Int32Array(memory.buffer)[0]).toBe(5 - 7 * 300);
  });
});
