// biome-ignore-all format: the wasm instruction sequences read best a few instructions to a line, as written
// Loop shapes and local numbering for the hand-written kernels (vector-ops.ts, winograd-ops.ts, the probe's
// line-rows-wasm.ts): instruction sequences built as lists of opcode groups, flattened into a function body.

import { I32, op, type WasmFunction } from './wasm-bytes.ts';

export type Code = number[][];

/** `for (i = 0; i < end; i += step) body` for an `end` known to be positive: the body runs at least once. */
export function countedLoop(i: number, end: Code, step: number, body: Code): Code {
  return [
    op.i32(0), op.set(i), op.loop, ...body,
    op.get(i), op.i32(step), op.i32Add, op.set(i),
    op.get(i), ...end, op.i32LtU, op.brIf(0), op.end,
  ];
}

/** `for (i = from; i < end; i++) body`, possibly zero times. */
export function forLoop(i: number, from: Code, end: Code, body: Code): Code {
  return [
    ...from, op.set(i), op.block, op.loop,
    op.get(i), ...end, op.i32GeU, op.brIf(1),
    ...body,
    op.get(i), op.i32(1), op.i32Add, op.set(i), op.br(0), op.end, op.end,
  ];
}

/**
 * Local indices of one function: its i32 parameters, then `maxI32` i32 locals, then locals of one other type
 * (v128 for the SIMD kernels, f64 for the probe's line rows), handed out in order.
 */
export class Locals {
  private i32s = 0;
  private others = 0;
  constructor(
    readonly params: number,
    private readonly maxI32: number,
    private readonly otherType: number,
  ) {}
  i32(): number {
    if (this.i32s === this.maxI32) throw new Error('wasm locals: raise maxI32');
    return this.params + this.i32s++;
  }
  /** The next local of the other type. */
  other(): number {
    return this.params + this.maxI32 + this.others++;
  }
  declare(): WasmFunction['locals'] {
    return [
      { count: this.maxI32, type: I32 },
      { count: this.others, type: this.otherType },
    ];
  }
}
