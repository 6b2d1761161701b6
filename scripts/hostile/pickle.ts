// A tiny pickle writer for hostile checkpoints: opcodes by name, so each case reads as what it does.

export class PickleWriter {
  private readonly parts: number[] = [];

  private op(...bytes: number[]): this {
    for (const b of bytes) this.parts.push(b);
    return this;
  }

  private u32(n: number): number[] {
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  }

  proto(v = 2): this {
    return this.op(0x80, v);
  }
  mark(): this {
    return this.op(0x28);
  }
  emptyDict(): this {
    return this.op(0x7d);
  }
  emptyList(): this {
    return this.op(0x5d);
  }
  emptyTuple(): this {
    return this.op(0x29);
  }
  none(): this {
    return this.op(0x4e);
  }
  int(n: number): this {
    return this.op(0x4a, ...this.u32(n));
  }
  str(text: string): this {
    const utf8 = new TextEncoder().encode(text);
    this.op(0x58, ...this.u32(utf8.length));
    for (const b of utf8) this.parts.push(b);
    return this;
  }
  /** BINUNICODE with a declared length that may lie. */
  strHeader(declared: number): this {
    return this.op(0x58, ...this.u32(declared));
  }
  global(module: string, name: string): this {
    const text = new TextEncoder().encode(`${module}\n${name}\n`);
    this.op(0x63);
    for (const b of text) this.parts.push(b);
    return this;
  }
  put(i: number): this {
    return this.op(0x72, ...this.u32(i));
  }
  get(i: number): this {
    return this.op(0x6a, ...this.u32(i));
  }
  setitem(): this {
    return this.op(0x73);
  }
  setitems(): this {
    return this.op(0x75);
  }
  appends(): this {
    return this.op(0x65);
  }
  tuple(): this {
    return this.op(0x74);
  }
  tuple1(): this {
    return this.op(0x85);
  }
  tuple2(): this {
    return this.op(0x86);
  }
  tuple3(): this {
    return this.op(0x87);
  }
  reduce(): this {
    return this.op(0x52);
  }
  binpersid(): this {
    return this.op(0x51);
  }
  shortBytes(data: Uint8Array): this {
    this.op(0x43, data.length);
    for (const b of data) this.parts.push(b);
    return this;
  }
  /** A numpy float32 scalar (an NdArray leaf, as in Haiku trees). */
  numpyScalar(): this {
    this.global('numpy.core.multiarray', 'scalar');
    this.global('numpy', 'dtype').str('f4').tuple1().reduce();
    return this.shortBytes(new Uint8Array(4)).tuple2().reduce();
  }
  build(): this {
    return this.op(0x62);
  }
  stop(): this {
    return this.op(0x2e);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
