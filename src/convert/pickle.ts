// A restricted unpickler for what torch.save, numpy and pickle (protocols 0–5) emit for checkpoints.
// It is a plain stack machine over a bounds-checked reader: globals resolve only through the allow-list
// in pickle-globals.ts, calls build inert data, and every opcode consumes input, so it always ends.

import { ReadBudget } from './budget.ts';
import { ByteReader, decodeLatin1, decodeUtf8 } from './byte-reader.ts';
import { CorruptCheckpointError, UnsafePickleError, UnsupportedCheckpointError } from './errors.ts';
import { callGlobal, resolveGlobal, setArrayState, setDTypeState } from './pickle-globals.ts';
import {
  NdArray,
  NumpyDTypeValue,
  PyBytes,
  PyDict,
  PyLongText,
  PyObject,
  PySet,
  PyTuple,
  type PyValue,
  sequenceItems,
} from './py-values.ts';

export type PersistentLoad = (pid: PyValue) => PyValue;

export interface UnpickleOptions {
  /** Resolves BINPERSID / PERSID ids (torch storages). Without it, a persistent id is an error. */
  persistentLoad?: PersistentLoad;
  /** Names the input in error messages. */
  what?: string;
  /** Work budget shared with the rest of the read (a fresh default one when absent). */
  budget?: ReadBudget;
}

export interface UnpickleResult {
  value: PyValue;
  /** Offset just past the STOP opcode (legacy torch files hold several pickles in a row). */
  end: number;
}

const MARK = Symbol('mark');
/** Texts from this length on stay undecoded (see PyLongText). */
const LONG_TEXT_BYTES = 1 << 16;
type StackItem = PyValue | typeof MARK;

class Machine {
  private readonly stack: StackItem[] = [];
  private readonly memo = new Map<number, PyValue>();
  private readonly r: ByteReader;
  private readonly what: string;
  private readonly budget: ReadBudget;

  constructor(
    bytes: Uint8Array,
    start: number,
    private readonly options: UnpickleOptions,
  ) {
    this.what = options.what ?? 'pickle';
    this.budget = options.budget ?? new ReadBudget();
    this.r = new ByteReader(bytes, this.what, start);
  }

  run(): UnpickleResult {
    for (;;) {
      const at = this.r.pos;
      const op = this.r.u8();
      if (op === 0x2e /* STOP */) return { value: this.pop(), end: this.r.pos };
      if (!this.step(op)) {
        throw new UnsupportedCheckpointError(
          `${this.what}: unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`,
        );
      }
    }
  }

  private corrupt(message: string): never {
    throw new CorruptCheckpointError(`${this.what}: ${message} (byte ${this.r.pos})`);
  }

  private push(v: PyValue): void {
    this.stack.push(v);
  }

  private pop(): PyValue {
    if (this.stack.length === 0) this.corrupt('stack underflow');
    const v = this.stack.pop() as StackItem;
    if (v === MARK) this.corrupt('unexpected mark');
    return v;
  }

  private top(): PyValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) this.corrupt('stack underflow');
    return v as PyValue;
  }

  private popMark(): PyValue[] {
    const at = this.stack.lastIndexOf(MARK);
    if (at < 0) this.corrupt('no mark on the stack');
    const items = this.stack.splice(at + 1) as PyValue[];
    this.stack.pop();
    return items;
  }

  private memoGet(index: number): PyValue {
    const v = this.memo.get(index);
    if (v === undefined) this.corrupt(`memo ${index} is empty`);
    return v as PyValue;
  }

  private text(): string {
    return decodeLatin1(this.r.line());
  }

  /** Executes one opcode; false if it is not one we read. */
  private step(op: number): boolean {
    return (
      this.stepFraming(op) ||
      this.stepScalar(op) ||
      this.stepString(op) ||
      this.stepContainer(op) ||
      this.stepMemo(op) ||
      this.stepObject(op)
    );
  }

  private stepFraming(op: number): boolean {
    switch (op) {
      case 0x80: // PROTO
        if (this.r.u8() > 5) this.corrupt('pickle protocol above 5');
        return true;
      case 0x95: // FRAME: only a read-ahead hint
        this.r.u64();
        return true;
      case 0x28: // MARK
        this.stack.push(MARK);
        return true;
      case 0x30: // POP
        if (this.stack.length === 0) this.corrupt('stack underflow');
        this.stack.pop();
        return true;
      case 0x31: // POP_MARK
        this.popMark();
        return true;
      case 0x32: // DUP
        this.push(this.top());
        return true;
      default:
        return false;
    }
  }

  private stepScalar(op: number): boolean {
    switch (op) {
      case 0x4e: // NONE
        this.push(null);
        return true;
      case 0x88: // NEWTRUE
        this.push(true);
        return true;
      case 0x89: // NEWFALSE
        this.push(false);
        return true;
      case 0x4a: // BININT
        this.push(this.r.i32());
        return true;
      case 0x4b: // BININT1
        this.push(this.r.u8());
        return true;
      case 0x4d: // BININT2
        this.push(this.r.u16());
        return true;
      case 0x8a: // LONG1
        this.push(this.long(this.r.u8()));
        return true;
      case 0x8b: // LONG4
        this.push(this.long(this.r.i32()));
        return true;
      case 0x47: // BINFLOAT
        this.push(this.r.f64be());
        return true;
      case 0x49: // INT (text)
        this.push(this.textInt(this.text()));
        return true;
      case 0x4c: // LONG (text)
        this.push(this.textInt(this.text().replace(/L$/, '')));
        return true;
      case 0x46: // FLOAT (text)
        this.push(this.textFloat(this.text()));
        return true;
      default:
        return false;
    }
  }

  private long(n: number): number | bigint {
    if (n < 0 || n > 64) this.corrupt(`integer of ${n} bytes`);
    const b = this.r.take(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private textInt(text: string): number | bigint | boolean {
    if (text === '00') return false;
    if (text === '01') return true;
    if (!/^[+-]?\d{1,40}$/.test(text)) this.corrupt('bad text integer');
    const v = BigInt(text);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private textFloat(text: string): number {
    const v = Number(text);
    if (Number.isNaN(v) && !/nan/i.test(text)) this.corrupt('bad text float');
    return v;
  }

  private stepString(op: number): boolean {
    switch (op) {
      case 0x58: // BINUNICODE
        this.push(this.unicode(this.r.take(this.r.u32())));
        return true;
      case 0x8c: // SHORT_BINUNICODE
        this.push(decodeUtf8(this.r.take(this.r.u8())));
        return true;
      case 0x8d: // BINUNICODE8
        this.push(this.unicode(this.r.take(this.r.u64())));
        return true;
      case 0x54: // BINSTRING (Python 2 str): latin-1 text
        this.push(decodeLatin1(this.r.take(this.lengthI32())));
        return true;
      case 0x55: // SHORT_BINSTRING
        this.push(decodeLatin1(this.r.take(this.r.u8())));
        return true;
      case 0x42: // BINBYTES
        this.push(new PyBytes(this.r.take(this.r.u32())));
        return true;
      case 0x43: // SHORT_BINBYTES
        this.push(new PyBytes(this.r.take(this.r.u8())));
        return true;
      case 0x8e: // BINBYTES8
        this.push(new PyBytes(this.r.take(this.r.u64())));
        return true;
      case 0x96: // BYTEARRAY8
        this.push(new PyBytes(this.r.take(this.r.u64())));
        return true;
      case 0x56: // UNICODE (text, raw-unicode-escape)
        this.push(this.rawUnicode(this.text()));
        return true;
      case 0x53: // STRING (text, quoted repr)
        this.push(this.quoted(this.text()));
        return true;
      default:
        return false;
    }
  }

  private unicode(utf8: Uint8Array): string | PyLongText {
    return utf8.length >= LONG_TEXT_BYTES ? new PyLongText(utf8) : decodeUtf8(utf8);
  }

  private lengthI32(): number {
    const n = this.r.i32();
    if (n < 0) this.corrupt('negative length');
    return n;
  }

  private rawUnicode(text: string): string {
    return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u4: string, u8: string) => {
      const code = Number.parseInt(u4 ?? u8, 16);
      if (code > 0x10ffff) this.corrupt('bad \\U escape');
      return String.fromCodePoint(code);
    });
  }

  private quoted(text: string): string {
    const m = /^(['"])(.*)\1$/s.exec(text);
    if (!m) this.corrupt('bad quoted string');
    return m[2].replace(/\\x([0-9a-fA-F]{2})|\\(['"\\nrt])/g, (_, hex: string, ch: string) => {
      if (hex) return String.fromCharCode(Number.parseInt(hex, 16));
      return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[ch] ?? ch;
    });
  }

  private stepContainer(op: number): boolean {
    switch (op) {
      case 0x29: // EMPTY_TUPLE
        this.push(new PyTuple([]));
        return true;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: // TUPLE3
        this.tupleN(op - 0x84);
        return true;
      case 0x74: // TUPLE
        this.push(new PyTuple(this.popMark()));
        return true;
      case 0x5d: // EMPTY_LIST
        this.push([]);
        return true;
      case 0x6c: // LIST
        this.push(this.popMark());
        return true;
      case 0x7d: // EMPTY_DICT
        this.push(new PyDict());
        return true;
      case 0x64: // DICT
        this.push(this.fillDict(new PyDict(), this.popMark()));
        return true;
      case 0x8f: // EMPTY_SET
        this.push(new PySet([]));
        return true;
      case 0x91: // FROZENSET
        this.push(new PySet(this.popMark()));
        return true;
      case 0x61: {
        // APPEND
        const item = this.pop();
        this.appendTo(this.top(), [item]);
        return true;
      }
      case 0x65: // APPENDS
        this.appendsFromMark();
        return true;
      case 0x90: // ADDITEMS
        this.addItems();
        return true;
      case 0x73: // SETITEM
        this.setItem();
        return true;
      case 0x75: // SETITEMS
        this.setItems();
        return true;
      default:
        return false;
    }
  }

  private tupleN(n: number): void {
    if (this.stack.length < n) this.corrupt('stack underflow');
    const items: PyValue[] = [];
    for (let i = 0; i < n; i++) items.unshift(this.pop());
    this.push(new PyTuple(items));
  }

  private fillDict(dict: PyDict, items: PyValue[]): PyDict {
    if (items.length % 2 !== 0) this.corrupt('odd number of dict items');
    for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
    return dict;
  }

  private appendTo(target: PyValue, items: PyValue[]): void {
    if (!Array.isArray(target)) this.corrupt(`append to a non-list`);
    for (const item of items) target.push(item);
  }

  private appendsFromMark(): void {
    const items = this.popMark();
    this.appendTo(this.top(), items);
  }

  private addItems(): void {
    const items = this.popMark();
    const target = this.top();
    if (!(target instanceof PySet)) this.corrupt('ADDITEMS to a non-set');
    for (const item of items) target.items.push(item);
  }

  private setItem(): void {
    const value = this.pop();
    const key = this.pop();
    const target = this.top();
    if (!(target instanceof PyDict)) this.corrupt('SETITEM on a non-dict');
    target.set(key, value);
  }

  private setItems(): void {
    const items = this.popMark();
    const target = this.top();
    if (!(target instanceof PyDict)) this.corrupt('SETITEMS on a non-dict');
    this.fillDict(target, items);
  }

  private stepMemo(op: number): boolean {
    switch (op) {
      case 0x71: // BINPUT
        this.memo.set(this.r.u8(), this.top());
        return true;
      case 0x72: // LONG_BINPUT
        this.memo.set(this.r.u32(), this.top());
        return true;
      case 0x94: // MEMOIZE
        this.memo.set(this.memo.size, this.top());
        return true;
      case 0x70: // PUT (text)
        this.memo.set(this.memoIndex(this.text()), this.top());
        return true;
      case 0x68: // BINGET
        this.push(this.memoGet(this.r.u8()));
        return true;
      case 0x6a: // LONG_BINGET
        this.push(this.memoGet(this.r.u32()));
        return true;
      case 0x67: // GET (text)
        this.push(this.memoGet(this.memoIndex(this.text())));
        return true;
      default:
        return false;
    }
  }

  private memoIndex(text: string): number {
    if (!/^\d{1,9}$/.test(text)) this.corrupt('bad memo index');
    return Number(text);
  }

  private stepObject(op: number): boolean {
    switch (op) {
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = this.text();
        this.push(resolveGlobal(module, this.text()));
        return true;
      }
      case 0x93: // STACK_GLOBAL
        this.stackGlobal();
        return true;
      case 0x52: // REDUCE
        this.reduce();
        return true;
      case 0x81: // NEWOBJ
        this.reduce();
        return true;
      case 0x92: // NEWOBJ_EX: cls, args, kwargs
        this.newObjEx();
        return true;
      case 0x62: // BUILD
        this.build();
        return true;
      case 0x51: // BINPERSID
        this.push(this.persistent(this.pop()));
        return true;
      case 0x50: // PERSID (text)
        this.push(this.persistent(this.text()));
        return true;
      case 0x69: // INST
      case 0x6f: // OBJ
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        throw new UnsafePickleError(
          `${this.what}: refused opcode 0x${op.toString(16)} (arbitrary construction)`,
        );
      case 0x97: // NEXT_BUFFER
      case 0x98: // READONLY_BUFFER
        throw new UnsupportedCheckpointError(`${this.what}: out-of-band pickle buffers are not supported`);
      default:
        return false;
    }
  }

  private stackGlobal(): void {
    const name = this.pop();
    const module = this.pop();
    if (typeof module !== 'string' || typeof name !== 'string') this.corrupt('STACK_GLOBAL of non-strings');
    this.push(resolveGlobal(module, name));
  }

  private reduce(): void {
    const args = sequenceItems(this.pop());
    if (!args) this.corrupt('call arguments are not a tuple');
    this.chargeCall(args);
    this.push(callGlobal(this.pop(), args));
  }

  /**
   * A call walks its arguments (sizes, strides, pair lists): one shared 100,000-item list passed to 100,000
   * calls is 10^10 steps from a few hundred KB of pickle, so each call pays for what it may walk.
   */
  private chargeCall(args: PyValue[]): void {
    let units = 1 + args.length;
    for (const arg of args) units += sequenceItems(arg)?.length ?? 0;
    this.budget.pickleWork(units, this.what);
  }

  private newObjEx(): void {
    const kwargs = this.pop();
    const args = sequenceItems(this.pop());
    if (!args) this.corrupt('NEWOBJ_EX arguments are not a tuple');
    this.chargeCall(args);
    const obj = callGlobal(this.pop(), args);
    if (obj instanceof PyObject) obj.state = kwargs;
    this.push(obj);
  }

  private build(): void {
    const state = this.pop();
    const target = this.top();
    if (target instanceof NdArray) setArrayState(target, state);
    else if (target instanceof NumpyDTypeValue) setDTypeState(target, state);
    else if (target instanceof PyDict) target.attributes = state;
    else if (target instanceof PyObject) target.state = state;
    // Tensors and other built-ins may carry harmless extra state (hooks, metadata): ignored.
  }

  private persistent(pid: PyValue): PyValue {
    if (!this.options.persistentLoad) this.corrupt('persistent id outside a torch container');
    return this.options.persistentLoad(pid);
  }
}

/** Unpickles one pickle starting at `start`. Throws only CheckpointError subclasses on bad input. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}, start = 0): UnpickleResult {
  return new Machine(bytes, start, options).run();
}
