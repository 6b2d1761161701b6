// Just enough of the WebAssembly binary format to write the GEMM kernel modules (kernel.ts, conv-kernel.ts): one imported
// memory, functions of i32 parameters with i32 and v128 locals, and their exports. Writing the bytes here
// keeps the kernel's source readable TypeScript and needs no assembler at build time or run time.

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

function f64Bytes(value: number): number[] {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return [...bytes];
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Opcodes the kernel uses. SIMD ones are written as [0xfd, ...uleb(code)]. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32GtU: [0x4b],
  /** select(a, b, cond): a when cond ≠ 0, else b. */
  select: [0x1b],
  /** i32.load / i32.store with 4-byte alignment. */
  i32Load: (offset: number) => [0x28, 2, ...uleb(offset)],
  i32Store: (offset: number) => [0x36, 2, ...uleb(offset)],
  unreachable: [0x00],
  i32Mul: [0x6c],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  v128Load: (offset: number) => [0xfd, ...uleb(0), 4, ...uleb(offset)],
  v128Load32Splat: (offset: number) => [0xfd, ...uleb(9), 2, ...uleb(offset)],
  v128Store: (offset: number) => [0xfd, ...uleb(11), 4, ...uleb(offset)],
  v128Zero: [0xfd, ...uleb(12), ...new Array<number>(16).fill(0)],
  f32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1f), lane],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  /** IEEE max: NaN in either lane gives NaN (so a NaN feature is never hidden by a ReLU). */
  f32x4Max: [0xfd, ...uleb(0xe9)],
  // For the element-wise and row-wise steps (vector-ops.ts): every one exact in IEEE 754 or bitwise, so the
  // same bits on every engine.
  i32Eqz: [0x45],
  i32And: [0x71],
  i32ShrU: [0x76],
  /** f32.load / f32.store with 4-byte alignment. */
  f32Load: (offset: number) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset: number) => [0x38, 2, ...uleb(offset)],
  i32LtS: [0x48],
  i32GtS: [0x4a],
  i32GeS: [0x4e],
  i32DivU: [0x6e],
  i32RemU: [0x70],
  i32Sub: [0x6b],
  i32Shl: [0x74],
  v128Const: (bytes: readonly number[]) => [0xfd, ...uleb(12), ...bytes],
  /** i8x16.shuffle(a, b) with 16 lane indices (0–15 from a, 16–31 from b). */
  i8x16Shuffle: (lanes: readonly number[]) => [0xfd, ...uleb(13), ...lanes],
  i32x4Splat: [0xfd, ...uleb(0x11)],
  i32x4LtS: [0xfd, ...uleb(0x39)],
  f32x4Lt: [0xfd, ...uleb(0x43)],
  f32x4Gt: [0xfd, ...uleb(0x44)],
  v128And: [0xfd, ...uleb(0x4e)],
  /** andnot(a, b) = a & ~b. */
  v128AndNot: [0xfd, ...uleb(0x4f)],
  /** bitselect(a, b, mask) = a where mask bits are 1, else b. */
  v128Bitselect: [0xfd, ...uleb(0x52)],
  f32x4Nearest: [0xfd, ...uleb(0x6a)],
  i32x4Shl: [0xfd, ...uleb(0xab)],
  i32x4Add: [0xfd, ...uleb(0xae)],
  f32x4Abs: [0xfd, ...uleb(0xe0)],
  f32x4Neg: [0xfd, ...uleb(0xe1)],
  f32x4Sqrt: [0xfd, ...uleb(0xe3)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  f32x4Div: [0xfd, ...uleb(0xe7)],
  /** pmin(a, b) = b < a ? b : a (a NaN in a survives). */
  f32x4Pmin: [0xfd, ...uleb(0xea)],
  /** pmax(a, b) = a < b ? b : a (a NaN in a survives). */
  f32x4Pmax: [0xfd, ...uleb(0xeb)],
  i32x4TruncSatF32x4S: [0xfd, ...uleb(0xf8)],
  f32x4ConvertI32x4S: [0xfd, ...uleb(0xfa)],
  /** The two low lanes as float64 (exact). */
  f64x2PromoteLowF32x4: [0xfd, ...uleb(0x5f)],
  /** Two float64 lanes rounded to float32 in lanes 0–1, lanes 2–3 zero. */
  f32x4DemoteF64x2Zero: [0xfd, ...uleb(0x5e)],
  f64x2ConvertLowI32x4S: [0xfd, ...uleb(0xfe)],
  f64x2Sqrt: [0xfd, ...uleb(0xef)],
  f64x2Add: [0xfd, ...uleb(0xf0)],
  f64x2Sub: [0xfd, ...uleb(0xf1)],
  f64x2Mul: [0xfd, ...uleb(0xf2)],
  f64x2Div: [0xfd, ...uleb(0xf3)],
  // Scalar float64 for the probe's softmax rows (probes/line-rows.ts): IEEE-exact like JavaScript's numbers.
  if: [0x04, 0x40],
  else: [0x05],
  i32Eq: [0x46],
  i32Ne: [0x47],
  f64Load: (offset: number) => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset: number) => [0x39, 3, ...uleb(offset)],
  f64Const: (value: number) => [0x44, ...f64Bytes(value)],
  f64Eq: [0x61],
  f64Ne: [0x62],
  f64Lt: [0x63],
  f64Gt: [0x64],
  f64Ge: [0x66],
  f64Abs: [0x99],
  f64Neg: [0x9a],
  f64Trunc: [0x9d],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Div: [0xa3],
  /** Exact for |x| < 2^31 (the caller's range). */
  i32TruncF64S: [0xaa],
  i64ExtendI32S: [0xac],
  i64Const: (value: number) => [0x42, ...sleb(value)],
  i64Shl: [0x86],
  /** Round to nearest, ties to even: what a Float32Array store does. */
  f32DemoteF64: [0xb6],
  f64ReinterpretI64: [0xbf],
  /** relaxed_madd(a, b, c) = a·b + c, fused where the CPU has FMA (relaxed SIMD proposal). */
  f32x4RelaxedMadd: [0xfd, ...uleb(0x105)],
};

export interface WasmFunction {
  name: string;
  params: number;
  /** Local groups after the parameters, in declaration order. */
  locals: { count: number; type: number }[];
  body: number[];
}

/** A module importing env.memory (shared or not, with fixed bounds given at instantiation) and exporting functions. */
export function wasmModule(functions: WasmFunction[], sharedMemory: boolean): Uint8Array {
  const type = (f: WasmFunction) => [0x60, ...uleb(f.params), ...new Array<number>(f.params).fill(I32), 0];
  // Limits flag 3 = shared with a maximum; 1 = maximum only. The import's bounds are the widest allowed.
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x01, ...uleb(1), ...uleb(65536)];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(functions.map(type))),
    ...section(2, vector([[...utf8('env'), ...utf8('memory'), 0x02, ...limits]])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]))),
    ...section(
      10,
      vector(
        functions.map((f) => {
          const locals = vector(f.locals.map((g) => [...uleb(g.count), g.type]));
          const code = [...locals, ...f.body, ...op.end];
          return [...uleb(code.length), ...code];
        }),
      ),
    ),
  ];
  return Uint8Array.from(bytes);
}
